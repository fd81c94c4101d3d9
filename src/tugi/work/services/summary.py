"""Writes of the summary topic: the weekly summary e-mail to each active user with what waits for
them across Tugi (one message per user and ISO week, through the core outbox)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from tugi.core.context import system_actor

from ..selectors_summary import PendingGroup, pending_for, summary_recipients

SUMMARY_TOPIC = "work-weekly-summary"


@dataclass(frozen=True)
class SummaryMail:
    user: Any
    subject: str
    text: str
    html: str
    dedup_key: str
    items: int


def week_key(today: dt.date) -> str:
    year, week, _day = today.isocalendar()
    return f"{year}-W{week:02d}"


def _absolute(url: str) -> str:
    base = getattr(settings, "TUGI_BASE_URL", "") or ""
    return f"{base.rstrip('/')}{url}" if base and url.startswith("/") else url


def summary_build(*, user: Any, today: dt.date) -> SummaryMail | None:
    """The user's summary as plain text and HTML, or None when nothing waits for them."""
    groups: list[PendingGroup] = pending_for(user, today)
    count = sum(len(g.items) for g in groups)
    if not count:
        return None
    week = week_key(today)
    subject = _("Tugi: %(count)s items wait for you (week %(week)s)") % {"count": count, "week": week}
    lines = [_("Hello %(name)s,") % {"name": user.get_full_name() or user.get_username()}, ""]
    lines.append(_("This is what waits for you in Tugi this week:"))
    for group in groups:
        lines += ["", f"{group.title}:"]
        for item in group.items:
            due = f" ({_('due')} {item.due:%d.%m.%Y})" if item.due else ""
            lines.append(f"- {item.title}{due} {_absolute(item.url)}")
    lines += ["", _("Your week in Tugi: %(url)s") % {"url": _absolute(reverse("work:summary_mine"))}]
    text = "\n".join(lines) + "\n"
    html = render_to_string(
        "work/summary_email.html",
        {"user": user, "groups": groups, "week": week, "base": getattr(settings, "TUGI_BASE_URL", "")},
    )
    return SummaryMail(user, subject, text, html, f"work-weekly-summary-{user.pk}-{week}", count)


def summary_send(*, today: dt.date, actor: Any, dry_run: bool = False) -> dict[str, Any]:
    """Send each active user with at least one pending item their summary for ``today``'s ISO week
    (in Tugi and by e-mail). Safe to run again in the same week: the dedup key per user and week
    stops a second message. With ``dry_run`` nothing is sent; the result lists who would get what."""
    from tugi.core.services import notify, topic_ensure

    mails = [m for u in summary_recipients() if (m := summary_build(user=u, today=today)) is not None]
    result: dict[str, Any] = {
        "week": week_key(today),
        "users": len(mails),
        "items": sum(m.items for m in mails),
        "recipients": [{"user": m.user.get_username(), "items": m.items} for m in mails],
        "sent": 0,
    }
    if dry_run:
        return result
    topic_ensure(
        code=SUMMARY_TOPIC,
        name="Iganädalane kokkuvõte",
        description="The weekly summary: each user receives only their own list.",
        actor=system_actor(),
    )
    for mail in mails:
        sent = notify(
            topic=SUMMARY_TOPIC,
            subject=mail.subject,
            body=mail.text,
            actor=actor,
            dedup_key=mail.dedup_key,
            url=reverse("work:summary_mine"),
            users=[mail.user],
            html=mail.html,
            personal=True,
        )
        result["sent"] += 1 if (sent["emails"] or sent["in_app"]) else 0
    return result
