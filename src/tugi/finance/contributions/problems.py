"""What finance's problems topic adds to the shell: the menu item and, for the weekly summary,
open critical and high problems."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from tugi.core.navigation import NavItem, add_nav
from tugi.core.registry import PendingItem, PendingSource, registry


def _pending(user: Any, today: dt.date) -> list[PendingItem]:
    from django.urls import reverse

    from tugi.core.permissions import can

    from ..selectors_problems import open_serious

    if not can(user, "finance.change_financeproblem"):
        return []
    return [
        PendingItem(
            title=f"#{p.pk} {p.title} ({p.get_severity_display()}, {p.get_status_display()})",
            url=reverse("finance:problem_detail", args=[p.pk]),
            due=None,
            kind=_("finance problem"),
        )
        for p in open_serious(user=user)
    ]


def register() -> None:
    add_nav(
        NavItem(
            "finance", _("Finance"), _("Problems"), "finance:problem_list", "finance.view_financeproblem", 685
        )
    )
    registry.add(
        PendingSource(
            key="finance-problems",
            title=_("Open critical and high finance problems"),
            collect=_pending,
            order=70,
        )
    )
