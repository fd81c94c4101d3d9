"""The finance API: the problem register — list (filters) and report a problem.

No ``from __future__ import annotations``: django-ninja resolves the annotations at import."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from .. import selectors_problems as selectors
from ..services import problems as services

router = Router(tags=["finance"])


class ProblemIn(Schema):
    title: str
    description: str
    module: str
    severity: str
    reported_on: dt.date | None = None
    reported_by_name: str = ""
    reason: str = ""


@router.get("/problems", response=list[dict[str, Any]], summary="Finance problems (filter by status etc.)")
def problems_list(
    request: HttpRequest, status: str = "", module: str = "", severity: str = "", partner: int | None = None
) -> Any:
    qs = selectors.problems(user=request.user).order_by("-reported_on", "-id")
    if status:
        qs = qs.filter(status=status)
    if module:
        qs = qs.filter(module=module)
    if severity:
        qs = qs.filter(severity=severity)
    if partner:
        qs = qs.filter(partner_id=partner)
    return [selectors.problem_json(p) for p in qs[:1000]]


@router.post("/problems", response={201: dict[str, Any]}, summary="Report a finance problem")
def problem_post(request: HttpRequest, data: ProblemIn) -> Any:
    values = data.dict()
    reason = values.pop("reason", "")
    if values.get("reported_on") is None:
        values.pop("reported_on")
    problem = services.problem_create(actor=request.user, reason=reason, **values)
    return Status(201, selectors.problem_json(problem))
