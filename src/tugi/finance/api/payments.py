"""The payments API: payment runs (list, one run with its review, create, compute, approve, release).

No ``from __future__ import annotations``: django-ninja resolves the annotations at import."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from tugi.core.permissions import require

from .. import selectors_payments as selectors
from ..models import PaymentRun
from ..services import payments as services

router = Router(tags=["finance"])


class RunOut(Schema):
    id: int
    benefit: str
    month: dt.date
    payment_date: dt.date
    status: str
    counts: dict[str, Any]
    totals: dict[str, Any]
    created_by: str
    computed_by: str | None
    approved_by: str | None
    released_by: str | None
    error: str

    @staticmethod
    def resolve_created_by(obj: PaymentRun) -> str:
        return str(obj.created_by.get_username())

    @staticmethod
    def resolve_computed_by(obj: PaymentRun) -> str | None:
        return obj.computed_by.get_username() if obj.computed_by else None

    @staticmethod
    def resolve_approved_by(obj: PaymentRun) -> str | None:
        return obj.approved_by.get_username() if obj.approved_by else None

    @staticmethod
    def resolve_released_by(obj: PaymentRun) -> str | None:
        return obj.released_by.get_username() if obj.released_by else None


class FileOut(Schema):
    id: int
    sequence: int
    message_id: str
    nb_of_txs: int
    ctrl_sum: str
    validated_at: dt.datetime | None


class RunDetailOut(RunOut):
    review: dict[str, Any]
    files: list[FileOut]

    @staticmethod
    def resolve_files(obj: PaymentRun) -> list[dict[str, Any]]:
        return [
            {
                "id": f.pk,
                "sequence": f.sequence,
                "message_id": f.message_id,
                "nb_of_txs": f.nb_of_txs,
                "ctrl_sum": f"{f.ctrl_sum:.2f}",
                "validated_at": f.validated_at,
            }
            for f in selectors.run_files(obj)
        ]


class RunIn(Schema):
    benefit: str = "pension"
    month: str
    note: str = ""
    compute: bool = False


class ApproveIn(Schema):
    reason: str = ""


class DiscardIn(Schema):
    reason: str


@router.get("/runs", response=list[RunOut], summary="Payment runs, newest month first")
@paginate(LimitOffsetPagination)
def runs_list(request: HttpRequest, status: str = "", benefit: str = "", month: str = "") -> Any:
    qs = selectors.runs(user=request.user)
    if status:
        qs = qs.filter(status=status)
    if benefit:
        qs = qs.filter(benefit=benefit)
    if month:
        qs = qs.filter(month=services.month_first(month))
    return qs


@router.get("/runs/{run_id}", response=RunDetailOut, summary="One payment run with its review and files")
def run_get(request: HttpRequest, run_id: int) -> Any:
    return selectors.run_get(user=request.user, pk=run_id)


@router.post(
    "/runs", response={201: RunDetailOut}, summary="Create a payment run (optionally start computing)"
)
def run_create(request: HttpRequest, payload: RunIn) -> Any:
    run = services.run_create(
        benefit=payload.benefit, month=payload.month, actor=request.user, note=payload.note
    )
    if payload.compute:
        services.run_compute(run=run, actor=request.user)
    return Status(201, selectors.run_get(user=request.user, pk=run.pk))


@router.post(
    "/runs/{run_id}/compute", response={202: RunDetailOut}, summary="Start computing a run in the background"
)
def run_compute(request: HttpRequest, run_id: int) -> Any:
    run = selectors.run_get(user=request.user, pk=run_id)
    services.run_compute(run=run, actor=request.user)
    return Status(202, selectors.run_get(user=request.user, pk=run_id))


@router.post("/runs/{run_id}/approve", response=RunDetailOut, summary="Approve a computed run (four eyes)")
def run_approve(request: HttpRequest, run_id: int, payload: ApproveIn | None = None) -> Any:
    run = selectors.run_get(user=request.user, pk=run_id)
    services.run_approve(run=run, actor=request.user, reason=payload.reason if payload else "")
    return selectors.run_get(user=request.user, pk=run_id)


@router.post("/runs/{run_id}/release", response=RunDetailOut, summary="Release an approved run to the bank")
def run_release(request: HttpRequest, run_id: int) -> Any:
    run = selectors.run_get(user=request.user, pk=run_id)
    services.run_release(run=run, actor=request.user)
    return selectors.run_get(user=request.user, pk=run_id)


@router.post("/runs/{run_id}/discard", response=RunDetailOut, summary="Discard a run before release")
def run_discard(request: HttpRequest, run_id: int, payload: DiscardIn) -> Any:
    require(request.user, "finance.change_paymentrun")
    run = selectors.run_get(user=request.user, pk=run_id)
    services.run_discard(run=run, actor=request.user, reason=payload.reason)
    return selectors.run_get(user=request.user, pk=run_id)
