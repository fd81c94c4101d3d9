"""The finance API: overpayments — list (filters), one overpayment, the manual finding, the
lifecycle steps and repayments confirmed outside the bank statements.

No ``from __future__ import annotations``: django-ninja resolves the annotations at import."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from tugi.core.permissions import require

from .. import selectors_overpayments as selectors
from ..models import Overpayment
from ..services import overpayments as services

router = Router(tags=["finance"])


def _json(op: Overpayment, balance: Decimal | None = None) -> dict[str, Any]:
    return {
        "id": op.pk,
        "person": op.person.masked_code,
        "source": op.source,
        "status": op.status,
        "period_from": op.period_from,
        "period_to": op.period_to,
        "amount": str(op.amount),
        "decided_amount": None if op.decided_amount is None else str(op.decided_amount),
        "balance": str(balance if balance is not None else selectors.balance(op)),
        "cause": op.cause,
        "recovery_method": op.recovery_method,
        "reference_number": op.reference_number,
        "due_date": op.due_date,
        "limitation_date": op.limitation_date,
        "detected_on": op.detected_on,
    }


class FindingIn(Schema):
    personal_code: str
    period_from: dt.date | None = None
    period_to: dt.date | None = None
    amount: Decimal | None = None
    description: str = ""


class DecideIn(Schema):
    cause: str
    decision_reasons: str
    decided_amount: Decimal | None = None


class StepIn(Schema):
    note: str = ""
    reason: str = ""


@router.get("/overpayments", response=list[dict[str, Any]], summary="Overpayments (filter by status etc.)")
def overpayments_list(
    request: HttpRequest,
    status: str = "",
    source: str = "",
    cause: str = "",
    method: str = "",
    near_limitation: bool = False,
) -> Any:
    require(request.user, "finance.view_overpayment")
    filters = {"status": status, "source": source, "cause": cause, "method": method}
    qs = list(selectors.overpayments({**filters, "near_limitation": near_limitation})[:1000])
    left = selectors.balances([op.pk for op in qs])
    return [_json(op, left.get(op.pk)) for op in qs]


@router.get("/overpayments/{pk}", response=dict[str, Any], summary="One overpayment with its recoveries")
def overpayment_get(request: HttpRequest, pk: int) -> Any:
    require(request.user, "finance.view_overpayment")
    op = get_object_or_404(Overpayment.objects.select_related("person"), pk=pk)
    data = _json(op)
    data["recoveries"] = [
        {"kind": r.kind, "amount": str(r.amount), "on": r.on} for r in op.recoveries.order_by("on", "id")
    ]
    return data


@router.post("/overpayments", response={201: dict[str, Any]}, summary="Record a manual finding")
def overpayment_post(request: HttpRequest, data: FindingIn) -> Any:
    op = services.overpayment_record_manual(actor=request.user, **data.dict())
    return Status(201, _json(op))


@router.post("/overpayments/{pk}/hearing", response=dict[str, Any], summary="Start the hearing")
def overpayment_hearing(request: HttpRequest, pk: int, data: StepIn) -> Any:
    op = get_object_or_404(Overpayment, pk=pk)
    return _json(services.hearing_start(overpayment=op, actor=request.user, note=data.note))


@router.post("/overpayments/{pk}/decide", response=dict[str, Any], summary="Decide (reasons required)")
def overpayment_decide(request: HttpRequest, pk: int, data: DecideIn) -> Any:
    op = get_object_or_404(Overpayment, pk=pk)
    return _json(services.overpayment_decide(overpayment=op, actor=request.user, **data.dict()))


@router.post("/overpayments/{pk}/notify", response=dict[str, Any], summary="Send the notice")
def overpayment_notify(request: HttpRequest, pk: int) -> Any:
    op = get_object_or_404(Overpayment, pk=pk)
    return _json(services.overpayment_notify(overpayment=op, actor=request.user))


class ArrangeIn(Schema):
    method: str
    monthly_amount: Decimal | None = None
    start_month: dt.date | None = None
    due_date: dt.date | None = None
    note: str = ""


@router.post("/overpayments/{pk}/arrange", response=dict[str, Any], summary="Arrange the recovery")
def overpayment_arrange(request: HttpRequest, pk: int, data: ArrangeIn) -> Any:
    op = get_object_or_404(Overpayment, pk=pk)
    return _json(services.recovery_arrange(overpayment=op, actor=request.user, **data.dict()))


@router.post("/overpayments/{pk}/waive", response=dict[str, Any], summary="Waive the balance (final)")
def overpayment_waive(request: HttpRequest, pk: int, data: StepIn) -> Any:
    op = get_object_or_404(Overpayment, pk=pk)
    return _json(services.overpayment_waive(overpayment=op, reason=data.reason, actor=request.user))


@router.post("/overpayments/{pk}/write-off", response=dict[str, Any], summary="Write the balance off")
def overpayment_write_off(request: HttpRequest, pk: int, data: StepIn) -> Any:
    op = get_object_or_404(Overpayment, pk=pk)
    return _json(services.overpayment_write_off(overpayment=op, reason=data.reason, actor=request.user))


@router.post("/overpayments/{pk}/write-off-reverse", response=dict[str, Any], summary="Reverse a write-off")
def overpayment_write_off_reverse(request: HttpRequest, pk: int, data: StepIn) -> Any:
    op = get_object_or_404(Overpayment, pk=pk)
    return _json(services.write_off_reverse(overpayment=op, reason=data.reason, actor=request.user))


class RepaymentIn(Schema):
    amount: Decimal | None = None
    on: dt.date | None = None
    note: str = ""


@router.post(
    "/overpayments/{pk}/repayments",
    response={201: dict[str, Any]},
    summary="Record a repayment confirmed outside the bank statements (e.g. at a cash desk)",
)
def overpayment_repayment(request: HttpRequest, pk: int, data: RepaymentIn) -> Any:
    require(request.user, "finance.add_recovery")
    op = get_object_or_404(Overpayment.objects.select_related("person"), pk=pk)
    rec = services.repayment_record(overpayment=op, actor=request.user, **data.dict())
    op.refresh_from_db()
    data_out = _json(op)
    data_out["recovery"] = {"id": rec.pk, "kind": rec.kind, "amount": str(rec.amount), "on": rec.on}
    return Status(201, data_out)
