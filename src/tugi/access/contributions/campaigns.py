"""What the access area's campaigns topic adds to the shell: navigation, the "reviews waiting for me"
desk card and the daily reminder job."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from tugi.core.navigation import NavItem, add_nav
from tugi.core.registry import DeskWidget, JobHandler, Periodic, registry

REMINDER_JOB = "access-campaign-reminders"


def _desk_reviews(request: Any) -> dict[str, Any] | None:
    from ..selectors_campaigns import reviews_waiting

    reviews = reviews_waiting(user=request.user)
    return {"reviews": reviews} if reviews else None


def _run_reminders(job: Any, progress: Any) -> dict[str, Any]:
    from ..services.campaigns import campaign_reminders_send

    return campaign_reminders_send(actor=job.actor)


def _start_reminders(actor: Any, key: str) -> None:
    from tugi.core.services import job_start

    job_start(kind=REMINDER_JOB, key=key, actor=actor)


def register() -> None:
    registry.add(
        DeskWidget(
            "access-reviews", _("Reviews waiting for me"), "access/campaigns_widget.html", _desk_reviews, 30
        )
    )
    registry.add(JobHandler(REMINDER_JOB, _("Remind reviewers of recertification campaigns"), _run_reminders))
    registry.add(Periodic(REMINDER_JOB, dt.timedelta(days=1), _start_reminders))
    area = _("User rights")
    add_nav(
        NavItem(
            "access",
            area,
            _("Recertification campaigns"),
            "access:campaign_list",
            "access.view_campaign",
            360,
        )
    )
    add_nav(
        NavItem(
            "access", area, _("My reviews"), "access:campaign_my_reviews", "access.view_campaignitem", 361
        )
    )
