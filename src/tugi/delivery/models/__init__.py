"""Delivery coordination: environments, readiness checks, clones and feature flags
(``environments``); deliveries, tickets, UAT checks, reviews and go / no-go (``deliveries``)."""

from .deliveries import *  # noqa: F403
from .environments import *  # noqa: F403
