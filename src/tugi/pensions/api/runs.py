"""API of calculation runs: list, one run, create (and start computing), approve, apply.

No ``from __future__ import annotations``: django-ninja resolves a paginated handler's
annotations in another module's namespace (see tugi.core.api)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from .. import selectors_runs as selectors
from ..models import CalculationRun, RunKind
from ..services import runs as services

router = Router(tags=["pensions"])


class RunOut(Schema):
    id: int
    kind: str
    status: str
    year: int | None
    effective_date: dt.date | None
    index: str | None = Field(None, description="The pension index, exact decimal")
    note: str
    inputs_hash: str
    results_hash: str
    counts: dict[str, Any]
    totals: dict[str, Any]
    code_version: str
    duration_ms: int | None
    error: str
    job: str | None = Field(None, description="The compute job's id (GET /api/v1/jobs/{id} for progress)")
    created_by: str
    computed_by: str | None
    approved_by: str | None
    applied_by: str | None
    created_at: dt.datetime
    computed_at: dt.datetime | None
    approved_at: dt.datetime | None
    applied_at: dt.datetime | None


class RunDetailOut(RunOut):
    inputs: dict[str, Any]
    review: dict[str, Any]


class RunIn(Schema):
    kind: str = Field(..., description="year-shares, recalculation or indexation")
    year: int | None = Field(None, description="year-shares and recalculation: the tax year")
    effective_date: dt.date | None = Field(None, description="indexation: the date it takes effect")
    index: Decimal | None = Field(None, description="indexation: the pension index, e.g. 1.045")
    note: str = ""
    compute: bool = Field(True, description="start computing at once (a background job)")


class DecisionIn(Schema):
    reason: str = ""


def _user(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def _out(run: CalculationRun, *, detail: bool = False) -> dict[str, Any]:
    data = {
        "id": run.pk,
        "kind": run.kind,
        "status": run.status,
        "year": run.year,
        "effective_date": run.effective_date,
        "index": str(run.index) if run.index is not None else None,
        "note": run.note,
        "inputs_hash": run.inputs_hash,
        "results_hash": run.results_hash,
        "counts": run.counts,
        "totals": run.totals,
        "code_version": run.code_version,
        "duration_ms": run.duration_ms,
        "error": run.error,
        "job": str(run.job.uid) if run.job_id and run.job else None,
        "created_by": run.created_by.get_username(),
        "computed_by": _user(run.computed_by),
        "approved_by": _user(run.approved_by),
        "applied_by": _user(run.applied_by),
        "created_at": run.created_at,
        "computed_at": run.computed_at,
        "approved_at": run.approved_at,
        "applied_at": run.applied_at,
    }
    if detail:
        data["inputs"], data["review"] = run.inputs, run.review
    return data


@router.get("/runs", response=list[RunOut], summary="Calculation runs, newest first")
@paginate(LimitOffsetPagination)
def run_list(request: HttpRequest, kind: str = "", status: str = "", year: int | None = None) -> Any:
    qs = selectors.runs(user=request.user).select_related("job")
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if year is not None:
        qs = qs.filter(year=year)
    return [_out(r) for r in qs]


@router.get("/runs/{int:pk}", response=RunDetailOut, summary="One run with its inputs and review")
def run_get(request: HttpRequest, pk: int) -> Any:
    return _out(selectors.run_get(user=request.user, pk=pk), detail=True)


@router.post("/runs", response={201: RunDetailOut}, summary="Create a run and start computing it")
def run_create(request: HttpRequest, payload: RunIn) -> Any:
    run = services.run_create(
        kind=payload.kind,
        actor=request.user,
        year=payload.year if payload.kind != RunKind.INDEXATION else None,
        effective_date=payload.effective_date if payload.kind == RunKind.INDEXATION else None,
        index=payload.index if payload.kind == RunKind.INDEXATION else None,
        note=payload.note,
    )
    if payload.compute:
        services.run_compute(run=run, actor=request.user)
    run = selectors.run_get(user=request.user, pk=run.pk)
    return Status(201, _out(run, detail=True))


def _changeable(request: HttpRequest, pk: int) -> CalculationRun:
    if not request.user.has_perm("pensions.change_calculationrun"):
        raise PermissionDenied
    return selectors.run_get(user=request.user, pk=pk, action="change")


@router.post("/runs/{int:pk}/approve", response=RunDetailOut, summary="Approve a computed run (four eyes)")
def run_approve(request: HttpRequest, pk: int, payload: DecisionIn) -> Any:
    run = services.run_approve(run=_changeable(request, pk), actor=request.user, reason=payload.reason)
    return _out(selectors.run_get(user=request.user, pk=run.pk), detail=True)


@router.post("/runs/{int:pk}/apply", response=RunDetailOut, summary="Apply an approved run to the register")
def run_apply(request: HttpRequest, pk: int, payload: DecisionIn) -> Any:
    run = services.run_apply(run=_changeable(request, pk), actor=request.user, reason=payload.reason)
    return _out(selectors.run_get(user=request.user, pk=run.pk), detail=True)
