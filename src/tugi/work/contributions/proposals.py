"""What the proposals topic adds to the shell: navigation and the proposals waiting for the user's
decision (for the weekly summary)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tugi.core.navigation import NavItem, add_nav
from tugi.core.registry import PendingItem, PendingSource, registry


def _pending(user: Any, today: dt.date) -> list[PendingItem]:
    from ..selectors_proposals import proposals_waiting_for

    return [
        PendingItem(
            _("Decide on the improvement proposal “%(title)s”") % {"title": p.title},
            reverse("work:proposal_detail", args=[p.pk]),
            None,
            _("decision"),
        )
        for p in proposals_waiting_for(user=user)
    ]


def register() -> None:
    registry.add(PendingSource("work-proposals", gettext_lazy("Improvement proposals"), _pending, order=61))
    add_nav(
        NavItem(
            "work",
            gettext_lazy("Work"),
            gettext_lazy("Improvement proposals"),
            "work:proposal_list",
            "work.view_improvementproposal",
            692,
        )
    )
