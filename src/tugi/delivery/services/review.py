"""Sending the weekly review of overdue and stalled tickets to the ``weekly-ticket-review`` topic."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

REVIEW_TOPIC = "weekly-ticket-review"


def review_topic_ensure(*, actor: Any) -> Any:
    """The topic, created by the system actor when missing (``actor`` is unused but kept explicit)."""
    from tugi.core.context import system_actor
    from tugi.core.services import topic_ensure

    return topic_ensure(
        code=REVIEW_TOPIC,
        name=_("Weekly ticket review"),
        description=_("Every Monday morning: tickets overdue or stalled in testing."),
        actor=system_actor(),
    )


def weekly_review_send(
    *, actor: Any, today: dt.date | None = None, stalled_after: int | None = None
) -> dict[str, Any]:
    """Send this week's review to the topic's subscribers (once per ISO week: the notification's
    key is the week). ``notify`` writes the audit event of the sending."""
    from tugi.core.services import notify

    from ..selectors_review import as_text, review, stalled_days_default

    today = today or timezone.localdate()
    stalled_after = stalled_days_default() if stalled_after is None else stalled_after
    review_topic_ensure(actor=actor)
    rows = review(user=actor, today=today, stalled_after=stalled_after)
    year, week, _day = today.isocalendar()
    overdue = sum(1 for r in rows if r.overdue)
    stalled = sum(1 for r in rows if r.stalled)
    subject = _("Weekly ticket review, week %(week)d: %(overdue)d overdue, %(stalled)d stalled") % {
        "week": week,
        "overdue": overdue,
        "stalled": stalled,
    }
    sent = notify(
        topic=REVIEW_TOPIC,
        subject=subject,
        body=as_text(rows, stalled_after),
        actor=actor,
        dedup_key=f"weekly-ticket-review:{year}-W{week:02d}",
        url="/delivery/review/",
    )
    return {"tickets": len(rows), "overdue": overdue, "stalled": stalled, **sent}


def is_review_time(now: dt.datetime) -> bool:
    """Monday from 07:00 Europe/Tallinn (the job checks hourly; the week key sends it once)."""
    local = now.astimezone(ZoneInfo("Europe/Tallinn"))
    return local.weekday() == 0 and local.hour >= 7
