"""API of the pension parameters: the values in force on a date, proposals and confirmation.

No ``from __future__ import annotations`` (see tugi.core.api)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from tugi.core.permissions import require

from .. import selectors_parameters as selectors
from ..services import parameters as services

router = Router(tags=["pensions"])


class ParameterOut(Schema):
    name: str
    valid_from: dt.date
    value: str = Field(..., description="Exact decimal")
    unit: str
    legal_title: str
    legal_url: str
    checked_on: dt.date | None
    checked_by: str
    note: str
    source: str = Field(..., description="file (shipped with Tugi) or database (confirmed in Tugi)")


class ParameterValueOut(Schema):
    id: int
    name: str
    valid_from: dt.date
    value: str
    unit: str
    status: str
    legal_title: str
    legal_url: str
    checked_on: dt.date | None
    note: str
    proposed_by: str
    confirmed_by: str | None
    confirmed_at: dt.datetime | None

    @staticmethod
    def resolve_value(obj: Any) -> str:
        return str(selectors.plain(obj.value))

    @staticmethod
    def resolve_proposed_by(obj: Any) -> str:
        return str(obj.proposed_by.get_username())

    @staticmethod
    def resolve_confirmed_by(obj: Any) -> str | None:
        return obj.confirmed_by.get_username() if obj.confirmed_by else None


class ParameterIn(Schema):
    name: str = Field(..., description="base_amount, year_value, pension_index, average_social_tax, ...")
    valid_from: dt.date
    value: str = Field(..., description="Exact decimal as text, e.g. 255.7562")
    unit: str = ""
    legal_title: str = ""
    legal_url: str = ""
    checked_on: dt.date | None = None
    note: str = ""
    reason: str = ""


class ReasonIn(Schema):
    reason: str = ""


def _out(pv: Any) -> dict[str, Any]:
    return {
        "name": pv.name,
        "valid_from": pv.valid_from,
        "value": str(pv.value),
        "unit": pv.unit,
        "legal_title": pv.legal_title,
        "legal_url": pv.legal_url,
        "checked_on": pv.checked_on,
        "checked_by": pv.checked_by,
        "note": pv.note,
        "source": pv.source,
    }


@router.get("/parameters", response=list[ParameterOut], summary="Parameter values in force on a date")
def parameters_in_force(request: HttpRequest, on: dt.date | None = None) -> list[dict[str, Any]]:
    require(request.user, "pensions.view_parametervalue")
    return [_out(pv) for pv in selectors.values_in_force(on or dt.date.today())]


@router.get(
    "/parameters/values", response=list[ParameterValueOut], summary="Values recorded in Tugi (every status)"
)
def parameter_values(request: HttpRequest, name: str = "") -> Any:
    qs = selectors.parameter_values(user=request.user)
    return qs.filter(name=name) if name else qs


@router.post("/parameters/values", response={201: ParameterValueOut}, summary="Propose a value")
def parameter_propose(request: HttpRequest, payload: ParameterIn) -> Any:
    return Status(201, services.parameter_propose(actor=request.user, **payload.dict()))


@router.post(
    "/parameters/values/{int:pk}/confirm",
    response=ParameterValueOut,
    summary="Confirm a proposal (not by its proposer: four eyes)",
)
def parameter_confirm(request: HttpRequest, pk: int, payload: ReasonIn) -> Any:
    value = selectors.parameter_value_get(user=request.user, pk=pk)
    return services.parameter_confirm(value=value, actor=request.user, reason=payload.reason)


@router.post("/parameters/values/{int:pk}/withdraw", response=ParameterValueOut, summary="Withdraw a value")
def parameter_withdraw(request: HttpRequest, pk: int, payload: ReasonIn) -> Any:
    value = selectors.parameter_value_get(user=request.user, pk=pk)
    return services.parameter_withdraw(value=value, actor=request.user, reason=payload.reason)
