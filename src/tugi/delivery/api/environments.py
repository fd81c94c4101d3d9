"""API of environments, readiness checks and clones.

No ``from __future__ import annotations``: django-ninja resolves the annotations at import."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from tugi.core.permissions import require

from .. import selectors_environments as selectors
from ..models import ClonePlan, Environment, ReadinessCheck
from ..services import clones as clone_services
from ..services.readiness import readiness_run

router = Router(tags=["delivery"])


class CheckOut(Schema):
    id: int
    environment: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    result: str
    version_found: str
    delivery: str | None
    items: list[dict[str, Any]]

    @staticmethod
    def resolve_environment(obj: ReadinessCheck) -> str:
        return obj.environment.name

    @staticmethod
    def resolve_delivery(obj: ReadinessCheck) -> str | None:
        return str(obj.delivery) if obj.delivery_id else None


class EnvironmentOut(Schema):
    id: int
    system: str
    kind: str
    name: str
    url: str
    health_url: str
    version_url: str
    owner: str | None
    last_clone_date: dt.date | None
    status: str
    latest_check: CheckOut | None

    @staticmethod
    def resolve_owner(obj: Environment) -> str | None:
        return obj.owner.get_username() if obj.owner else None

    @staticmethod
    def resolve_latest_check(obj: Environment) -> ReadinessCheck | None:
        return selectors.latest_check(obj)


class RunIn(Schema):
    reason: str = ""


class CloneOut(Schema):
    id: int
    date: dt.date
    window_start: dt.time
    window_end: dt.time
    systems: list[str]
    targets: list[str]
    status: str
    notice_days: int
    notice_sent_at: dt.datetime | None
    done_at: dt.datetime | None

    @staticmethod
    def resolve_targets(obj: ClonePlan) -> list[str]:
        return [e.name for e in obj.targets.all()]


class CloneIn(Schema):
    date: dt.date
    window_start: dt.time
    window_end: dt.time
    systems: list[str]
    targets: list[str]
    affected_parties: str = ""
    notice_emails: str = ""
    notice_days: int | None = None
    notes: str = ""
    reason: str = ""


@router.get(
    "/environments", response=list[EnvironmentOut], summary="Environments with their latest readiness check"
)
def environments_list(request: HttpRequest, system: str = "") -> Any:
    qs = selectors.environments(user=request.user)
    return qs.filter(system=system.upper()) if system else qs


@router.get("/environments/{int:pk}", response=EnvironmentOut, summary="One environment")
def environment_get(request: HttpRequest, pk: int) -> Any:
    return selectors.environment_get(user=request.user, pk=pk)


@router.get("/environments/{int:pk}/readiness", response=list[CheckOut], summary="Readiness check history")
def readiness_history(request: HttpRequest, pk: int, limit: int = 50) -> Any:
    env = selectors.environment_get(user=request.user, pk=pk)
    return list(selectors.checks_of(user=request.user, environment=env, limit=min(max(limit, 1), 500)))


@router.post(
    "/environments/{int:pk}/readiness", response={201: CheckOut}, summary="Run the readiness checks now"
)
def readiness_run_now(request: HttpRequest, pk: int, payload: RunIn) -> Any:
    require(request.user, "delivery.add_readinesscheck")
    env = selectors.environment_get(user=request.user, pk=pk)
    return Status(201, readiness_run(environment=env, actor=request.user, reason=payload.reason))


@router.get("/clones", response=list[CloneOut], summary="The clone schedule")
def clones_list(request: HttpRequest, status: str = "") -> Any:
    qs = selectors.clones(user=request.user).order_by("-date")
    return qs.filter(status=status) if status else qs


@router.post("/clones", response={201: CloneOut}, summary="Plan a clone of pre-production")
def clones_create(request: HttpRequest, payload: CloneIn) -> Any:
    from django.core.exceptions import ValidationError

    data = payload.dict()
    names = data.pop("targets")
    targets = list(Environment.objects.filter(name__in=names))
    unknown = sorted(set(names) - {e.name for e in targets})
    if unknown:
        raise ValidationError({"targets": f"Unknown environment: {', '.join(unknown)}"})
    clone = clone_services.clone_plan_create(actor=request.user, targets=targets, **data)
    return Status(201, clone)
