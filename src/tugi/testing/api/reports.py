"""API of test reports and trainings: list reports, read one report's content (a draft's computed
now, a final one's as kept), list trainings with their participants.

No ``from __future__ import annotations``: django-ninja resolves the annotations at import."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema

from tugi.core.permissions import can

from .. import selectors_reports as selectors

router = Router(tags=["testing"])


class ReportOut(Schema):
    id: int
    delivery: str
    due_date: dt.date
    status: str
    recommendation: str
    overdue: bool


def _out(report: Any) -> dict[str, Any]:
    return {
        "id": report.pk,
        "delivery": str(report.delivery),
        "due_date": report.due_date,
        "status": report.status,
        "recommendation": report.recommendation,
        "overdue": report.is_overdue(),
    }


@router.get("/reports", response=list[ReportOut], summary="Test reports")
def reports_list(request: HttpRequest) -> Any:
    if not can(request.user, "testing.view_testreport"):
        raise PermissionDenied
    return [_out(r) for r in selectors.reports(user=request.user).order_by("due_date", "pk")[:1000]]


@router.get("/reports/{pk}", response=dict[str, Any], summary="One test report with its content")
def report_get(request: HttpRequest, pk: int) -> Any:
    report = selectors.report_get(user=request.user, pk=pk)
    return {
        **_out(report),
        "risks": report.risks,
        "summary": report.summary,
        "content": selectors.report_data(report),
    }


class ParticipantOut(Schema):
    username: str
    attended: bool


class TrainingOut(Schema):
    id: int
    topic: str
    held_on: dt.date
    trainer: str
    participants: list[ParticipantOut]


@router.get("/trainings", response=list[TrainingOut], summary="Trainings with their participants")
def trainings_list(request: HttpRequest) -> Any:
    if not can(request.user, "testing.view_training"):
        raise PermissionDenied
    qs = selectors.trainings(user=request.user).prefetch_related("participants__user")[:500]
    return [
        {
            "id": t.pk,
            "topic": t.topic,
            "held_on": t.held_on,
            "trainer": t.trainer,
            "participants": [
                {"username": p.user.username, "attended": p.attended} for p in t.participants.all()
            ],
        }
        for t in qs
    ]
