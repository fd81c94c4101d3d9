"""Reads of tickets: lists, one ticket with its flags, roles, links and UAT checks."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from tugi.core.selectors import get_restricted

from .models import Ticket, TicketLink, UatCheck


def tickets(*, user: Any) -> QuerySet[Ticket]:
    return Ticket.objects.restrict(user).select_related("delivery", "tester")


def ticket_get(*, user: Any, pk: Any, action: str = "view") -> Ticket:
    return get_restricted(Ticket.objects.select_related("delivery", "tester"), user, action, pk=pk)


def ticket_by_key(*, user: Any, key: str) -> Ticket:
    return get_restricted(Ticket.objects.select_related("delivery", "tester"), user, "view", key=key)


def link_get(*, user: Any, pk: Any, action: str = "view") -> TicketLink:
    return get_restricted(TicketLink.objects.select_related("ticket"), user, action, pk=pk)


def latest_check(ticket: Ticket) -> UatCheck | None:
    return ticket.uat_checks.order_by("-checked_at", "-pk").first()


def check_get(*, user: Any, pk: Any, action: str = "view") -> UatCheck:
    return get_restricted(UatCheck.objects.select_related("ticket"), user, action, pk=pk)


def testers() -> QuerySet[Any]:
    """Users who may be assigned as testers: active users except the system actor."""
    return get_user_model().objects.filter(is_active=True).exclude(username="system").order_by("username")


def search(*, user: Any, query: str, limit: int = 5) -> QuerySet[Ticket]:
    text = query.strip()
    if len(text) < 3:
        return Ticket.objects.none()
    return Ticket.objects.restrict(user).filter(Q(key__iexact=text) | Q(title__icontains=text))[:limit]


def my_tickets(*, user: Any) -> QuerySet[Ticket]:
    from .models import TicketStatus

    return (
        tickets(user=user).filter(tester=user, status=TicketStatus.IN_TESTING).order_by("testing_due", "key")
    )


def detail(ticket: Ticket) -> dict[str, Any]:
    return {
        "ticket": ticket,
        "flags": list(ticket.flags.select_related("flag")),
        "profiles": list(ticket.required_profiles.select_related("system")),
        "links": list(ticket.links.select_related("signed_off_by")),
        "checks": list(ticket.uat_checks.select_related("checked_by", "overridden_by")[:10]),
        "latest_check": latest_check(ticket),
    }
