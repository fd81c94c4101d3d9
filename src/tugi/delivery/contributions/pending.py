"""What waits for a user in the delivery area, for the weekly summary and "My week": the tickets
they test that are overdue or stalled in testing, and for those who manage tickets, the size of
the whole weekly review."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tugi.core.registry import PendingItem, PendingSource, registry


def _collect(user: Any, today: dt.date) -> list[PendingItem]:
    from tugi.core.permissions import can

    from ..selectors_review import review

    if not can(user, "delivery.view_ticket"):
        return []
    rows = review(user=user, today=today)
    items = [
        PendingItem(
            (
                _("Overdue in testing: %(key)s %(title)s")
                if row.overdue
                else _("Stalled in testing: %(key)s %(title)s")
            )
            % {"key": row.ticket.key, "title": row.ticket.title},
            reverse("delivery:tickets_detail", args=[row.ticket.pk]),
            row.ticket.testing_due,
            _("ticket"),
        )
        for row in rows
        if row.ticket.tester_id == user.pk
    ]
    if rows and can(user, "delivery.change_ticket"):
        items.append(
            PendingItem(
                ngettext(
                    "Weekly review: %(count)d ticket overdue or stalled",
                    "Weekly review: %(count)d tickets overdue or stalled",
                    len(rows),
                )
                % {"count": len(rows)},
                reverse("delivery:review_page"),
                None,
                _("review"),
            )
        )
    return items


def register() -> None:
    registry.add(PendingSource("delivery", gettext_lazy("Delivery"), _collect, order=50))
