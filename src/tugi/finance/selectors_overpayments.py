"""Read side of overpayments: balances, the offsets a payment run deducts, the limitation period
and the lists the pages and the desk show."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum

from tugi.core.money import round_cents, summed

from .models import (
    OVERPAYMENT_OPEN,
    Overpayment,
    OverpaymentStatus,
    Recovery,
    RecoveryMethod,
)
from .selectors_payments import parameter_value

ZERO = Decimal("0.00")
#: Fallback when no ``limitation_years`` parameter is in force.
DEFAULT_LIMITATION_YEARS = 3
DEFAULT_WARNING_DAYS = 90


@dataclass(frozen=True)
class OffsetDue:
    overpayment_id: int
    monthly_amount: Decimal
    balance: Decimal


def _claim(op: Overpayment) -> Decimal:
    return op.decided_amount if op.decided_amount is not None else op.amount


def balances(ids: Any) -> dict[int, Decimal]:
    """Overpayment id → balance: the decided amount (or the amount before a decision) minus the
    recoveries (a write-off reversal is negative and adds back). Two queries."""
    ids = list(ids)
    if not ids:
        return {}
    recovered: dict[int, Decimal] = {
        row["overpayment_id"]: summed(row["total"])
        for row in Recovery.objects.filter(overpayment_id__in=ids)
        .values("overpayment_id")
        .annotate(total=Sum("amount"))
    }
    return {
        op["id"]: round_cents(
            (op["decided_amount"] if op["decided_amount"] is not None else op["amount"])
            - recovered.get(op["id"], ZERO)
        )
        for op in Overpayment.objects.filter(id__in=ids).values("id", "amount", "decided_amount")
    }


def balance(overpayment: Overpayment) -> Decimal:
    recovered = summed(Recovery.objects.filter(overpayment=overpayment).aggregate(t=Sum("amount"))["t"])
    return round_cents(_claim(overpayment) - recovered)


def offsets_due(month: dt.date) -> dict[int, list[OffsetDue]]:
    """Person id → the overpayments deducted from their payments in ``month`` (recovering by offset
    or instalments, started by then, balance > 0), oldest first. Two queries whatever the size."""
    rows = list(
        Overpayment.objects.filter(
            status=OverpaymentStatus.RECOVERING,
            recovery_method__in=[RecoveryMethod.OFFSET, RecoveryMethod.INSTALMENTS],
            recovery_start__lte=month,
            monthly_amount__gt=0,
        )
        .order_by("detected_on", "id")
        .values("id", "person_id", "amount", "decided_amount", "monthly_amount")
    )
    if not rows:
        return {}
    recovered: dict[int, Decimal] = {
        row["overpayment_id"]: summed(row["total"])
        for row in Recovery.objects.filter(overpayment_id__in=[r["id"] for r in rows])
        .values("overpayment_id")
        .annotate(total=Sum("amount"))
    }
    due: dict[int, list[OffsetDue]] = defaultdict(list)
    for row in rows:
        claim = row["decided_amount"] if row["decided_amount"] is not None else row["amount"]
        left = round_cents(claim - recovered.get(row["id"], ZERO))
        if left > 0:
            due[row["person_id"]].append(OffsetDue(row["id"], row["monthly_amount"] or ZERO, left))
    return dict(due)


def _parameter(name: str, on: dt.date, default: int) -> int:
    """A pension's limitation parameter in force on ``on`` (see ``parameter_value``), or ``default``."""
    value = parameter_value(name, "pension", on)
    return int(value) if value is not None else default


def limitation_years(on: dt.date) -> int:
    """The ``limitation_years`` parameter in force on ``on``; 3 years when none is set."""
    return _parameter("limitation_years", on, DEFAULT_LIMITATION_YEARS)


def limitation_warning_days(on: dt.date) -> int:
    return _parameter("limitation_warning_days", on, DEFAULT_WARNING_DAYS)


def limitation_date_for(start: dt.date) -> dt.date:
    years = limitation_years(start)
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def overpayments(
    filters: dict[str, Any] | None = None, today: dt.date | None = None
) -> QuerySet[Overpayment]:
    """The list page and the API: filter by status, source, cause, method, person, near limitation."""
    f = filters or {}
    qs = Overpayment.objects.select_related("person")
    for key, field in (
        ("status", "status"),
        ("source", "source"),
        ("cause", "cause"),
        ("method", "recovery_method"),
    ):
        if f.get(key):
            qs = qs.filter(**{field: f[key]})
    if f.get("person_id"):
        qs = qs.filter(person_id=f["person_id"])
    if f.get("near_limitation"):
        today = today or dt.date.today()
        qs = qs.filter(
            status__in=OVERPAYMENT_OPEN,
            limitation_date__isnull=False,
            limitation_date__lte=today + dt.timedelta(days=limitation_warning_days(today)),
        )
    return qs


def waiting_for_action(today: dt.date | None = None) -> QuerySet[Overpayment]:
    """Detected more than 14 days ago, due date passed while still notified, or near limitation."""
    today = today or dt.date.today()
    near = today + dt.timedelta(days=limitation_warning_days(today))
    return Overpayment.objects.select_related("person").filter(
        Q(status=OverpaymentStatus.DETECTED, detected_on__lt=today - dt.timedelta(days=14))
        | Q(status=OverpaymentStatus.NOTIFIED, due_date__lt=today)
        | Q(status__in=OVERPAYMENT_OPEN, limitation_date__lte=near)
    )


def person_overpayments(person_id: int) -> list[Overpayment]:
    return list(Overpayment.objects.filter(person_id=person_id).order_by("-detected_on", "-id"))


def timeline(overpayment: Overpayment) -> list[Any]:
    """The overpayment's audit events, oldest first, each with ``label``."""
    from tugi.core.audit import object_history

    return object_history(overpayment)


def journal_lines(overpayment: Overpayment) -> list[Any]:
    from .models import JournalLine

    return list(
        JournalLine.objects.filter(overpayment=overpayment).select_related("entry").order_by("entry_id", "id")
    )
