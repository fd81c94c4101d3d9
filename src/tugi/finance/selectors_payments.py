"""Reading payments: current bank accounts, finance parameters, payment runs and their lines.
Nothing here writes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Case, Q, QuerySet, When
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from tugi.core.permissions import can

from .models import (
    BankAccount,
    BankFile,
    FinanceParameter,
    LineStatus,
    PaymentHold,
    PaymentLine,
    PaymentRun,
    RunStatus,
)

#: Held-line reason keys stored in ``PaymentLine.hold_reason`` and what they mean.
HOLD_NO_ACCOUNT = "no-account"
HOLD_INVALID_IBAN = "invalid-iban"
HOLD_DECEASED = "deceased"
HOLD_HOLD_PREFIX = "hold"
HOLD_LABELS: dict[str, Any] = {
    HOLD_NO_ACCOUNT: _("no bank account"),
    HOLD_INVALID_IBAN: _("the IBAN is not valid"),
    HOLD_DECEASED: _("died before the month"),
    HOLD_HOLD_PREFIX: _("payments are held"),
}


def hold_label(key: str) -> str:
    """A held line's reason as the user reads it (``hold:AC04`` → "payments are held (AC04)")."""
    base, _sep, code = key.partition(":")
    label = str(HOLD_LABELS.get(base, key))
    return f"{label} ({code})" if code else label


def current_accounts(person_ids: Any = None) -> dict[int, BankAccount]:
    """The account each person gave last (by ``given_on``, then id), in one query."""
    qs = BankAccount.objects.order_by("person_id", "given_on", "id")
    if person_ids is not None:
        qs = qs.filter(person_id__in=list(person_ids))
    return {a.person_id: a for a in qs}


def current_account_rows() -> dict[int, tuple[str, str, str, str]]:
    """person id → (iban, bic, town, country) of the last given account of everybody: one plain
    query without model instances (a run reads 320 000 of them)."""
    qs = BankAccount.objects.order_by("person_id", "given_on", "id").values_list(
        "person_id", "iban", "bic", "town", "country"
    )
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: (row[1], row[2], row[3], row[4]) for row in cursor.fetchall()}


def person_accounts(person_id: int) -> QuerySet[BankAccount]:
    return BankAccount.objects.filter(person_id=person_id).order_by("-given_on", "-id")


def person_holds(person_id: int) -> QuerySet[PaymentHold]:
    return PaymentHold.objects.filter(person_id=person_id).select_related("placed_by", "released_by")


def parameter_value(name: str, benefit: str, on: dt.date) -> Decimal | None:
    """The value of parameter ``name`` for ``benefit`` on ``on``: a row for the benefit wins over a
    row for all benefits (blank); the latest ``valid_from`` on or before ``on`` counts."""
    row = (
        FinanceParameter.objects.filter(name=name, valid_from__lte=on)
        .filter(Q(benefit=benefit) | Q(benefit=""))
        .order_by(Case(When(benefit=benefit, then=0), default=1), "-valid_from")
        .first()
    )
    return row.value if row is not None else None


def live_run(benefit: str, month: dt.date) -> PaymentRun | None:
    """The run of ``benefit`` for ``month`` that is neither discarded nor failed (at most one)."""
    return (
        PaymentRun.objects.filter(benefit=benefit, month=month)
        .exclude(status__in=[RunStatus.DISCARDED, RunStatus.FAILED])
        .first()
    )


def parameters() -> QuerySet[FinanceParameter]:
    return FinanceParameter.objects.order_by("name", "benefit", "-valid_from")


def runs(*, user: Any) -> QuerySet[PaymentRun]:
    if not can(user, "finance.view_paymentrun"):
        raise PermissionDenied
    return PaymentRun.objects.select_related("created_by", "computed_by", "approved_by", "released_by")


def run_get(*, user: Any, pk: Any) -> PaymentRun:
    try:
        return runs(user=user).get(pk=int(pk))
    except (PaymentRun.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def run_lines(run: PaymentRun) -> QuerySet[PaymentLine]:
    return PaymentLine.objects.filter(run=run).order_by("id")


def held_lines(run: PaymentRun) -> QuerySet[PaymentLine]:
    return run_lines(run).filter(status=LineStatus.HELD).select_related("person")


def run_files(run: PaymentRun) -> QuerySet[BankFile]:
    return BankFile.objects.filter(run=run).select_related("debtor").order_by("sequence")


def previous_run(run: PaymentRun) -> PaymentRun | None:
    """The last approved or released run of the same benefit before ``run``'s month."""
    return (
        PaymentRun.objects.filter(
            benefit=run.benefit,
            month__lt=run.month,
            status__in=[RunStatus.APPROVED, RunStatus.RELEASED],
        )
        .order_by("-month", "-id")
        .first()
    )


def runs_waiting_for_approval(*, user: Any) -> QuerySet[PaymentRun]:
    """Computed runs the user may approve: created and computed by somebody else."""
    return (
        PaymentRun.objects.filter(status=RunStatus.COMPUTED)
        .exclude(created_by=user)
        .exclude(computed_by=user)
        .order_by("month", "id")
    )


def review_rows(run: PaymentRun) -> dict[str, Any]:
    """The stored review with the held reasons labelled, for the run page."""
    review = dict(run.review or {})
    review["held_by_reason_labelled"] = [
        {"key": key, "label": hold_label(key), **value}
        for key, value in sorted((review.get("held_by_reason") or {}).items())
    ]
    return review
