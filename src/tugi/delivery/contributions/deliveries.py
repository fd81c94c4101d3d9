"""What deliveries, tickets, the weekly review and go / no-go add to the shell: navigation, desk
cards, search, the Monday review job and the demo data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tugi.core.navigation import NavItem, add_nav
from tugi.core.registry import (
    DemoLoader,
    DeskWidget,
    JobHandler,
    Periodic,
    SearchHit,
    SearchProvider,
    registry,
)

from .. import audit_events_deliveries  # noqa: F401  (registers the event types)

REVIEW_JOB = "delivery-weekly-review"


def _desk_review(request: Any) -> dict[str, Any] | None:
    from tugi.core.permissions import can

    from ..selectors_review import review, stalled_days_default

    if not can(request.user, "delivery.view_ticket") or not can(request.user, "delivery.change_ticket"):
        return None
    rows = review(user=request.user)
    if not rows:
        return None
    return {
        "rows": rows[:10],
        "count": len(rows),
        "overdue": sum(1 for r in rows if r.overdue),
        "stalled": sum(1 for r in rows if r.stalled),
        "days": stalled_days_default(),
    }


def _desk_my_tickets(request: Any) -> dict[str, Any] | None:
    from tugi.core.permissions import can

    from ..selectors_tickets import my_tickets

    if not can(request.user, "delivery.view_ticket"):
        return None
    items = list(my_tickets(user=request.user)[:10])
    return {"tickets": items} if items else None


def _desk_go(request: Any) -> dict[str, Any] | None:
    from tugi.core.permissions import can

    from ..selectors_go import waiting_for_decision

    if not can(request.user, "delivery.add_godecision"):
        return None
    items = waiting_for_decision(user=request.user)[:10]
    return {"deliveries": items} if items else None


def _search(user: Any, query: str) -> list[SearchHit]:
    from ..selectors_tickets import search

    return [
        SearchHit(
            f"{t.key} {t.title}",
            reverse("delivery:tickets_detail", args=[t.pk]),
            _("ticket"),
            t.get_status_display(),
        )
        for t in search(user=user, query=query)
    ]


def _review_run(job: Any, progress: Any) -> dict[str, Any]:
    from ..services.review import weekly_review_send

    return weekly_review_send(actor=job.actor)


def _review_start(actor: Any, key: str) -> Any:
    """Started hourly by the worker; starts the job only on Monday from 07:00 Europe/Tallinn, once
    per ISO week (the job key is the week)."""
    from django.utils import timezone

    from tugi.core.services import job_start

    from ..services.review import is_review_time

    now = timezone.now()
    if not is_review_time(now):
        return None
    year, week, _day = timezone.localdate(now).isocalendar()
    return job_start(
        kind=REVIEW_JOB, key=f"{year}-W{week:02d}", actor=actor, title=str(_("Weekly ticket review"))
    )


def _demo(actor: Any, stdout: Any) -> None:
    from ..demo_deliveries import load

    load(actor, stdout)


def register() -> None:
    registry.add(
        DeskWidget(
            "delivery-review",
            _("Tickets overdue or stalled in testing"),
            "delivery/review_widget.html",
            _desk_review,
            40,
        )
    )
    registry.add(
        DeskWidget(
            "delivery-my-tickets",
            _("Tickets for me to test"),
            "delivery/tickets_widget.html",
            _desk_my_tickets,
            41,
        )
    )
    registry.add(
        DeskWidget(
            "delivery-go", _("Deliveries waiting for go / no-go"), "delivery/go_widget.html", _desk_go, 42
        )
    )
    registry.add(SearchProvider("delivery-tickets", _search, order=70))
    registry.add(JobHandler(REVIEW_JOB, _("Weekly ticket review"), _review_run))
    registry.add(Periodic(REVIEW_JOB, dt.timedelta(hours=1), _review_start))
    registry.add(DemoLoader("delivery-deliveries", _demo, 110))
    for label, url_name, perm, order in [
        (_("Deliveries"), "delivery:deliveries_list", "delivery.view_delivery", 600),
        (_("Tickets"), "delivery:tickets_list", "delivery.view_ticket", 605),
        (_("Weekly review"), "delivery:review_page", "delivery.view_ticket", 606),
        (_("Timeline"), "delivery:deliveries_timeline", "delivery.view_delivery", 607),
        (_("Calendar feed"), "delivery:deliveries_calendar", "delivery.view_delivery", 608),
    ]:
        add_nav(NavItem("delivery", _("Delivery"), label, url_name, perm, order))
