"""What defects and JUnit imports add to the shell: navigation, a desk card of defects past their
triage SLA, the go / no-go evidence of a ticket's defects and the webhook delivery job."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from tugi.core.navigation import NavItem, add_nav
from tugi.core.registry import DeskWidget, JobHandler, Periodic, SearchHit, SearchProvider, registry

from .. import audit_events_defects  # noqa: F401  (registers the event types)

WEBHOOK_JOB = "testing-defect-webhooks"


def _webhook_run(job: Any, progress: Any) -> dict[str, Any]:
    from ..services.defects import webhook_deliver

    return webhook_deliver()


def _webhook_start(actor: Any, key: str) -> Any:
    from tugi.core.services import job_start

    return job_start(kind=WEBHOOK_JOB, key=key, actor=actor, title=str(_("Defect webhooks")))


def _desk(request: Any) -> dict[str, Any] | None:
    from tugi.core.permissions import can

    from ..selectors_defects import triage_overdue

    if not can(request.user, "testing.view_defect"):
        return None
    overdue = triage_overdue(user=request.user)
    if not overdue:
        return None
    return {"defects": overdue[:10], "more": max(0, len(overdue) - 10)}


def _search(user: Any, query: str) -> list[SearchHit]:
    from django.urls import reverse

    from ..selectors_defects import defects

    text = query.strip()
    if len(text) < 3:
        return []
    qs = defects(user=user)
    upper = text.upper()
    if upper.startswith("DEF-") and upper[4:].isdigit():
        qs = qs.filter(pk=int(upper[4:]))
    else:
        qs = qs.filter(title__icontains=text)
    return [
        SearchHit(str(d), reverse("testing:defect_detail", args=[d.pk]), _("defect"), d.get_status_display())
        for d in qs.order_by("-pk")[:10]
    ]


def defect_evidence(ticket: Any) -> dict[str, Any] | None:
    """Go / no-go evidence: the ticket's defects added to what the other providers (or the
    ticket's links) say. None when the ticket has no defect in Tugi."""
    from tugi.delivery.selectors import evidence_without

    from ..selectors_defects import ticket_defects

    mine = ticket_defects(ticket)
    if not mine:
        return None
    base = evidence_without(ticket, defect_evidence)
    return {**base, "defects": [*base.get("defects", []), *mine]}


def register() -> None:
    from tugi.delivery.selectors import register_evidence_provider_first

    add_nav(NavItem("testing", _("Testing"), _("Defects"), "testing:defect_list", "testing.view_defect", 540))
    add_nav(
        NavItem(
            "testing",
            _("Testing"),
            _("JUnit mapping"),
            "testing:junit_mapping",
            "testing.view_junitmapping",
            545,
        )
    )
    registry.add(
        DeskWidget(
            key="testing-defects-triage",
            title=_("Defects waiting for triage past the SLA"),
            template="testing/defect_widget.html",
            render=_desk,
            order=62,
        )
    )
    registry.add(SearchProvider(key="testing-defects", search=_search, order=60))
    registry.add(JobHandler(kind=WEBHOOK_JOB, title=_("Defect webhooks"), run=_webhook_run))
    registry.add(Periodic(name=WEBHOOK_JOB, every=dt.timedelta(minutes=1), start=_webhook_start))
    register_evidence_provider_first(defect_evidence)
