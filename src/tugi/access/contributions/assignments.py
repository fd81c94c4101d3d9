"""What the access area's assignments topic adds to the shell: navigation and the daily job that
ends expired assignments and reminds of those ending soon."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from tugi.core.navigation import NavItem, add_nav
from tugi.core.registry import JobHandler, Periodic, registry

DAILY_JOB = "access-assignments-daily"


def _daily_run(job: Any, progress: Any) -> dict[str, Any]:
    from ..services.assignments import assignments_daily

    return assignments_daily(actor=job.actor, progress=progress)


def _daily_start(actor: Any, key: str) -> Any:
    from tugi.core.services import job_start

    return job_start(kind=DAILY_JOB, key=key, actor=actor, title=str(_("Assignments: expiry and reminders")))


def register() -> None:
    registry.add(JobHandler(DAILY_JOB, _("Assignments: expiry and reminders"), _daily_run))
    registry.add(Periodic(DAILY_JOB, dt.timedelta(days=1), _daily_start))
    add_nav(
        NavItem(
            "access",
            _("User rights"),
            _("Assignments"),
            "access:assignments_list",
            "access.view_assignment",
            440,
        )
    )
