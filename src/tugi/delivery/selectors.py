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
