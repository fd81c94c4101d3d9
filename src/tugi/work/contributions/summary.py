"""What the summary topic adds to the shell: the "My week" page in the navigation and the weekly
summary job, started every Monday morning (Europe/Tallinn)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext_lazy

from tugi.core.navigation import NavItem, add_nav
from tugi.core.registry import JobHandler, Periodic, registry

SUMMARY_JOB = "work-weekly-summary"
TALLINN = ZoneInfo("Europe/Tallinn")
#: The summary goes out on Monday from this hour (Tallinn time).
SEND_FROM_HOUR = 7


def _run(job: Any, progress: Any) -> dict[str, Any]:
    from ..services.summary import summary_send

    return summary_send(today=dt.date.fromisoformat(job.params["today"]), actor=job.actor)


def weekly_start(actor: Any, key: str, now: dt.datetime | None = None) -> Any:
    """Checked every hour: on Monday from ``SEND_FROM_HOUR`` in Tallinn, start the week's job once
    (the job key is the ISO week, so later checks that week return the same job)."""
    from tugi.core.services import job_start

    from ..services.summary import week_key

    local = (now or timezone.now()).astimezone(TALLINN)
    if local.isoweekday() != 1 or local.hour < SEND_FROM_HOUR:
        return None
    today = local.date()
    return job_start(kind=SUMMARY_JOB, key=week_key(today), actor=actor, params={"today": today.isoformat()})


def register() -> None:
    registry.add(JobHandler(SUMMARY_JOB, gettext_lazy("Weekly summary e-mail"), _run))
    registry.add(Periodic(SUMMARY_JOB, dt.timedelta(hours=1), weekly_start))
    add_nav(NavItem("work", gettext_lazy("Work"), gettext_lazy("My week"), "work:summary_mine", "", 680))
