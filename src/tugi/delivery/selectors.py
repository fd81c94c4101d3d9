"""What other areas may read from the delivery area (import-linter lets them import only this module
and ``services``). Each function is small and documented; add more here, not deep imports."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import Delivery, DeliveryStatus, LinkKind, Ticket, TicketLink, TicketStatus

#: Ticket statuses after which a ticket is no longer open.
TICKET_CLOSED = (TicketStatus.DONE, TicketStatus.CANCELLED)
#: Delivery statuses after which a delivery no longer takes new work.
DELIVERY_CLOSED = (DeliveryStatus.REJECTED, DeliveryStatus.CANCELLED)


def deliveries_for_choice(user: Any) -> QuerySet[Delivery]:
    """Deliveries the user may see that are not rejected or cancelled, newest version first (for a
    form's choice of delivery)."""
    return Delivery.objects.restrict(user).exclude(status__in=DELIVERY_CLOSED).order_by("system", "-version")


def delivery_model() -> type[Delivery]:
    """The delivery model, for a form field's query set type."""
    return Delivery


def tickets_of(delivery: Delivery) -> QuerySet[Ticket]:
    """Every ticket of ``delivery``, by key."""
    return Ticket.objects.filter(delivery=delivery).order_by("key")


def open_tickets_of(delivery: Delivery) -> QuerySet[Ticket]:
    """The tickets of ``delivery`` that are not done or cancelled."""
    return tickets_of(delivery).exclude(status__in=TICKET_CLOSED)


def open_defect_links(delivery: Delivery) -> QuerySet[TicketLink]:
    """Open defects linked to the tickets of ``delivery``, with their ticket."""
    return (
        TicketLink.objects.filter(ticket__delivery=delivery, kind=LinkKind.DEFECT, is_open=True)
        .select_related("ticket")
        .order_by("ticket__key", "title")
    )


def register_evidence_provider(provider: Any) -> None:
    """Add a go / no-go evidence provider ``provider(ticket) -> dict | None`` (see
    ``selectors_go``); registering the same function twice has no effect."""
    from .selectors_go import EVIDENCE_PROVIDERS

    if provider not in EVIDENCE_PROVIDERS:
        EVIDENCE_PROVIDERS.append(provider)


def environments_for_choice() -> QuerySet[Any]:
    """Every environment, by system, kind and name (for a form's choice of environment)."""
    from .models import Environment

    return Environment.objects.order_by("system", "kind", "name")


def ticket_model() -> type[Ticket]:
    """The ticket model, for a form field's query set type."""
    return Ticket


def tickets_by_keys(keys: list[str]) -> list[Ticket]:
    """The tickets with these keys (unknown keys are left out)."""
    return list(Ticket.objects.filter(key__in=keys).order_by("key"))


def register_evidence_provider_first(provider: Any) -> None:
    """Like ``register_evidence_provider`` but asked before the others: for a provider that adds
    to what the others say (see ``evidence_without``); registering twice has no effect."""
    from .selectors_go import EVIDENCE_PROVIDERS

    if provider not in EVIDENCE_PROVIDERS:
        EVIDENCE_PROVIDERS.insert(0, provider)


def evidence_without(ticket: Ticket, provider: Any) -> dict[str, Any]:
    """A ticket's go / no-go evidence from the providers other than ``provider`` (or, when none
    answers, from the ticket's status and links)."""
    from .selectors_go import EVIDENCE_PROVIDERS, _link_evidence

    for other in EVIDENCE_PROVIDERS:
        if other is provider:
            continue
        found = other(ticket)
        if found is not None:
            return found
    return _link_evidence(ticket)
