"""What waits for a user in the pensions area, for the weekly summary and "My week": calculation
runs computed by someone else and waiting for approval, and parameter values proposed by someone
else and waiting for confirmation (four eyes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tugi.core.registry import PendingItem, PendingSource, registry


def _collect(user: Any, today: dt.date) -> list[PendingItem]:
    from tugi.core.permissions import can

    from ..selectors_parameters import proposals_waiting_for
    from ..selectors_runs import runs_waiting_for_approval

    items: list[PendingItem] = []
    if can(user, "pensions.change_calculationrun"):
        items += [
            PendingItem(
                _("Approve the calculation run %(run)s") % {"run": run},
                reverse("pensions:run_detail", args=[run.pk]),
                None,
                _("approval"),
            )
            for run in runs_waiting_for_approval(user=user)
        ]
    if can(user, "pensions.change_parametervalue"):
        items += [
            PendingItem(
                _("Confirm the parameter value %(value)s") % {"value": value},
                reverse("pensions:parameter_list"),
                None,
                _("confirmation"),
            )
            for value in proposals_waiting_for(user=user)
        ]
    return items


def register() -> None:
    registry.add(PendingSource("pensions", gettext_lazy("Pensions"), _collect, order=40))
