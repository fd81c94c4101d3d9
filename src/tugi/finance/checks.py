"""Registered Python checks of the monitors: a name → a function ``check(today)`` returning
``(columns, rows)``. A monitor of kind "registered check" names one of these; a check reads only.

Add a check with ``@check("name", _("title"))``; it must not write anything."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = ["CHECKS", "Check", "check", "check_get"]

Rows = tuple[list[str], list[list[Any]]]

#: An open overpayment counts as forgotten when nothing was done to it for this many days.
IDLE_DAYS = 30


@dataclass(frozen=True)
class Check:
    name: str
    title: Any
    run: Callable[[dt.date], Rows]


CHECKS: dict[str, Check] = {}


def check(name: str, title: Any) -> Callable[[Callable[[dt.date], Rows]], Callable[[dt.date], Rows]]:
    def wrap(fn: Callable[[dt.date], Rows]) -> Callable[[dt.date], Rows]:
        CHECKS[name] = Check(name, title, fn)
        return fn

    return wrap


def check_get(name: str) -> Check | None:
    return CHECKS.get(name)


@check("overpayment_limitation_idle", _("Open overpayments near their limitation date with no action"))
def overpayment_limitation_idle(today: dt.date) -> Rows:
    """Open overpayments whose limitation date falls within the warning days and on which nothing
    was done for more than 30 days (or never)."""
    from .models import OVERPAYMENT_OPEN, Overpayment
    from .selectors_overpayments import limitation_warning_days

    horizon = today + dt.timedelta(days=limitation_warning_days(today))
    idle_since = today - dt.timedelta(days=IDLE_DAYS)
    qs = (
        Overpayment.objects.filter(
            status__in=[s.value for s in OVERPAYMENT_OPEN],
            limitation_date__isnull=False,
            limitation_date__lte=horizon,
        )
        .filter(Q(last_action_on__isnull=True) | Q(last_action_on__lt=idle_since))
        .select_related("person")
        .order_by("limitation_date", "id")
    )
    columns = ["overpayment", "personal_code", "status", "amount", "limitation_date", "last_action_on"]
    rows: list[list[Any]] = [
        [
            o.pk,
            o.person.masked_code,
            o.status,
            str(o.decided_amount if o.decided_amount is not None else o.amount or Decimal("0")),
            o.limitation_date.isoformat() if o.limitation_date else None,
            o.last_action_on.isoformat() if o.last_action_on else None,
        ]
        for o in qs
    ]
    return columns, rows
