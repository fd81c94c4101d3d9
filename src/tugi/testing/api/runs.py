"""API of test runs: the list with progress, one run with its cases' latest results.

No ``from __future__ import annotations``: django-ninja resolves the annotations at import."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from .. import selectors_runs as selectors
from ..models import TestRun

router = Router(tags=["testing"])


class ProgressOut(Schema):
    total: int
    executed: int
    passed: int
    failed: int
    blocked: int
    not_run: int
    percent: int
    percent_passed: int


class RunOut(Schema):
    id: int
    name: str
    plan: str | None
    delivery: str | None
    environment: str
    version: str
    planned_start: dt.date | None
    planned_end: dt.date | None
    status: str
    progress: ProgressOut

    @staticmethod
    def resolve_plan(obj: TestRun) -> str | None:
        return obj.plan.name if obj.plan else None

    @staticmethod
    def resolve_delivery(obj: TestRun) -> str | None:
        return str(obj.plan.delivery) if obj.plan and obj.plan.delivery else None

    @staticmethod
    def resolve_environment(obj: TestRun) -> str:
        return obj.environment_label

    @staticmethod
    def resolve_progress(obj: TestRun) -> dict[str, Any]:
        return selectors.run_progress(obj)


class RunCaseOut(Schema):
    key: str
    title: str
    tester: str | None
    status: str
    version: int | None
    executed_at: dt.datetime | None


class RunDetailOut(RunOut):
    cases: list[RunCaseOut]

    @staticmethod
    def resolve_cases(obj: TestRun) -> list[dict[str, Any]]:
        latest = selectors.latest_in_run(obj)
        out = []
        for rc in selectors.run_cases(obj):
            e = latest.get(rc.case_id)
            out.append(
                {
                    "key": rc.case.key,
                    "title": rc.case.title,
                    "tester": rc.assignee.get_username() if rc.assignee else None,
                    "status": e.status if e else "not_run",
                    "version": e.case_version.number if e else None,
                    "executed_at": e.executed_at if e else None,
                }
            )
        return out


@router.get("/runs", response=list[RunOut], summary="Test runs with their progress")
@paginate(LimitOffsetPagination)
def runs_list(
    request: HttpRequest, status: str = "", plan: int | None = None, delivery: int | None = None
) -> Any:
    qs = selectors.runs(user=request.user)
    if status:
        qs = qs.filter(status=status)
    if plan:
        qs = qs.filter(plan_id=plan)
    if delivery:
        qs = qs.filter(plan__delivery_id=delivery)
    return qs


@router.get("/runs/{pk}", response=RunDetailOut, summary="One test run with its cases' latest results")
def run_get(request: HttpRequest, pk: int) -> Any:
    return selectors.run_get(user=request.user, pk=pk)
