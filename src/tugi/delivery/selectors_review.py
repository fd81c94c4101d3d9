"""The weekly review of tickets overdue or stalled in testing.

* **overdue**: the testing due date has passed and the ticket is not finished (passed, accepted,
  done or cancelled);
* **stalled**: a ticket ready for UAT, in testing or failed whose status has not changed for at
  least N working days
  (``TUGI_STALLED_WORKING_DAYS``, default 5, or the page's parameter).

Working days skip weekends and Estonian public holidays (``tugi.core.workdays``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tugi.core.workdays import working_days_between

from .models import Ticket, TicketStatus
from .models.deliveries import TICKET_FINISHED

#: Statuses in which a ticket waits for testers, so a long stay there means it is stalled.
STALL_STATUSES = (TicketStatus.READY_FOR_UAT, TicketStatus.IN_TESTING, TicketStatus.FAILED)


def stalled_days_default() -> int:
    return int(getattr(settings, "TUGI_STALLED_WORKING_DAYS", 5))


@dataclass
class ReviewRow:
    ticket: Ticket
    overdue_days: int
    stalled_days: int
    overdue: bool
    stalled: bool

    @property
    def delivery_label(self) -> str:
        return str(self.ticket.delivery) if self.ticket.delivery else str(_("no delivery"))

    @property
    def tester_label(self) -> str:
        t = self.ticket.tester
        return (t.get_full_name() or t.get_username()) if t else str(_("no tester"))


def review(*, user: Any, today: dt.date | None = None, stalled_after: int | None = None) -> list[ReviewRow]:
    """Tickets overdue or stalled, ordered by delivery, tester and key."""
    today = today or timezone.localdate()
    stalled_after = stalled_days_default() if stalled_after is None else stalled_after
    # A ticket stalled for N working days has not changed for at least N calendar days.
    cutoff = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=stalled_after), dt.time.max))
    qs = (
        Ticket.objects.restrict(user)
        .exclude(status__in=TICKET_FINISHED)
        .filter(Q(testing_due__lt=today) | Q(status_changed_at__lte=cutoff))
        .select_related("delivery", "tester")
    )
    rows = []
    for ticket in qs:
        changed = timezone.localtime(ticket.status_changed_at).date()
        stalled_days = working_days_between(changed, today)
        overdue = ticket.testing_due is not None and ticket.testing_due < today
        stalled = stalled_days >= stalled_after and ticket.status in STALL_STATUSES
        if overdue or stalled:
            rows.append(
                ReviewRow(
                    ticket=ticket,
                    overdue_days=(today - ticket.testing_due).days if overdue and ticket.testing_due else 0,
                    stalled_days=stalled_days,
                    overdue=overdue,
                    stalled=stalled,
                )
            )
    rows.sort(key=lambda r: (r.delivery_label, r.tester_label, r.ticket.key))
    return rows


def grouped(rows: list[ReviewRow]) -> list[dict[str, Any]]:
    """[{delivery, testers: [{tester, rows}]}] in the order of ``rows``."""
    out: list[dict[str, Any]] = []
    for row in rows:
        if not out or out[-1]["delivery"] != row.delivery_label:
            out.append({"delivery": row.delivery_label, "testers": []})
        testers = out[-1]["testers"]
        if not testers or testers[-1]["tester"] != row.tester_label:
            testers.append({"tester": row.tester_label, "rows": []})
        testers[-1]["rows"].append(row)
    return out


HEADER = (
    _("Delivery"),
    _("Tester"),
    _("Ticket"),
    _("Title"),
    _("Status"),
    _("Status since"),
    _("Testing due"),
    _("Overdue (days)"),
    _("Stalled (working days)"),
)


def export_rows(rows: list[ReviewRow]) -> list[list[Any]]:
    out: list[list[Any]] = [[str(h) for h in HEADER]]
    for r in rows:
        t = r.ticket
        out.append(
            [
                r.delivery_label,
                r.tester_label,
                t.key,
                t.title,
                t.get_status_display(),
                timezone.localtime(t.status_changed_at).date().isoformat(),
                t.testing_due.isoformat() if t.testing_due else "",
                r.overdue_days if r.overdue else "",
                r.stalled_days if r.stalled else "",
            ]
        )
    return out


def as_text(rows: list[ReviewRow], stalled_after: int) -> str:
    """The plain-text body of the Monday e-mail."""
    lines = [
        str(
            _("Tickets overdue or stalled (no status change for %(n)d working days) in testing:")
            % {"n": stalled_after}
        ),
        "",
    ]
    for group in grouped(rows):
        lines.append(f"## {group['delivery']}")
        for tester in group["testers"]:
            lines.append(f"  {tester['tester']}:")
            for r in tester["rows"]:
                notes = []
                if r.overdue:
                    notes.append(str(_("overdue %(n)d d") % {"n": r.overdue_days}))
                if r.stalled:
                    notes.append(str(_("stalled %(n)d working days") % {"n": r.stalled_days}))
                lines.append(f"    - {r.ticket.key} {r.ticket.title} ({', '.join(notes)})")
        lines.append("")
    if not rows:
        lines.append(str(_("Nothing is overdue or stalled.")))
    return "\n".join(lines)
