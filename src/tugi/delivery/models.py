"""Delivery coordination: environments, clones, deliveries, tickets, feature flags, go / no-go."""
