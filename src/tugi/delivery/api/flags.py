"""API of feature flags and their state per environment (systems read flags through OFREP).

No ``from __future__ import annotations``: django-ninja resolves the annotations at import."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from .. import selectors_flags as selectors
from ..models import Environment, FeatureFlag
from ..services import flags as services

router = Router(tags=["delivery"])


class StateOut(Schema):
    environment: str
    enabled: bool
    variant: str
    changed_at: dt.datetime
    changed_by: str | None


class FlagOut(Schema):
    id: int
    system: str
    key: str
    description: str
    archived: bool
    states: list[StateOut]

    @staticmethod
    def resolve_states(obj: FeatureFlag) -> list[dict[str, Any]]:
        return [
            {
                "environment": s.environment.name,
                "enabled": s.enabled,
                "variant": s.variant,
                "changed_at": s.changed_at,
                "changed_by": s.changed_by.get_username() if s.changed_by else None,
            }
            for s in obj.states.all()
        ]


class FlagIn(Schema):
    system: str
    key: str
    description: str = ""
    reason: str = ""


class StateIn(Schema):
    enabled: bool
    variant: str = ""
    reason: str = ""


@router.get("/flags", response=list[FlagOut], summary="Feature flags with their state per environment")
def flags_list(request: HttpRequest, system: str = "") -> Any:
    qs = selectors.flags(user=request.user).select_related().order_by("system", "key")
    return qs.filter(system=system.upper()) if system else qs


@router.post("/flags", response={201: FlagOut}, summary="Create a flag")
def flags_create(request: HttpRequest, payload: FlagIn) -> Any:
    return Status(201, services.flag_create(actor=request.user, **payload.dict()))


@router.put(
    "/flags/{system}/{key}/states/{environment}",
    response=FlagOut,
    summary="Set a flag's state in one environment (audited)",
)
def flag_state_put(request: HttpRequest, system: str, key: str, environment: str, payload: StateIn) -> Any:
    flag = selectors.flags(user=request.user).filter(system=system.upper(), key=key).first()
    env = Environment.objects.filter(system=system.upper(), name=environment).first()
    if flag is None or env is None:
        raise HttpError(404, "Not Found")
    services.flag_state_set(flag=flag, environment=env, actor=request.user, **payload.dict())
    return selectors.flags(user=request.user).get(pk=flag.pk)
