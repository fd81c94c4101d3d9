"""API of the pension register: a pension with its components and amount history (read-only).

A pension is addressed by its id and its person by ``uid``; personal codes are masked. Reading a
pension writes the personal-data view log (channel "api").

No ``from __future__ import annotations`` (see tugi.core.api)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from tugi.core.permissions import require
from tugi.core.services import person_view_record

from .. import selectors_register as selectors
from ..selectors_explain import explain_pension

router = Router(tags=["pensions"])


class AmountOut(Schema):
    valid_from: dt.date
    amount: str
    reason: str
    base_amount: str
    year_value: str
    service_years: str
    insurance_shares: str
    joint_shares: str
    adjustment_factor: str
    run_id: int | None
    note: str


class ComponentsOut(Schema):
    base_amount: str
    service_part: str
    insurance_part: str
    joint_part: str
    before_adjustment: str
    adjustment_factor: str
    amount: str


class PensionOut(Schema):
    id: int
    person_uid: str
    person_code: str = Field(..., description="Masked personal code")
    pension_type: str
    status: str
    start_date: dt.date
    ended_on: dt.date | None
    amount_on: dt.date
    components: ComponentsOut | None
    history: list[AmountOut]


def _amount(row: Any) -> dict[str, Any]:
    return {
        "valid_from": row.valid_from,
        "amount": str(row.amount),
        "reason": row.reason,
        "base_amount": str(row.base_amount.normalize()),
        "year_value": str(row.year_value.normalize()),
        "service_years": str(row.service_years),
        "insurance_shares": str(row.insurance_shares),
        "joint_shares": str(row.joint_shares),
        "adjustment_factor": str(row.adjustment_factor.normalize()),
        "run_id": row.run_id,
        "note": row.note,
    }


@router.get("/pensions/{int:pk}", response=PensionOut, summary="A pension, its components and amount history")
def pension_get(request: HttpRequest, pk: int, on: dt.date | None = None) -> dict[str, Any]:
    require(request.user, "pensions.view_pension")
    pension = selectors.pension_get(user=request.user, pk=pk)
    person_view_record(viewer=request.user, person=pension.person, purpose="pension (API)", channel="api")
    x = explain_pension(pension, on)
    b = x.breakdown
    components = (
        {
            k: str(getattr(b, k))
            for k in (
                "base_amount",
                "service_part",
                "insurance_part",
                "joint_part",
                "before_adjustment",
                "adjustment_factor",
                "amount",
            )
        }
        if b is not None
        else None
    )
    return {
        "id": pension.pk,
        "person_uid": str(pension.person.uid),
        "person_code": pension.person.masked_code,
        "pension_type": pension.pension_type.code,
        "status": pension.status,
        "start_date": pension.start_date,
        "ended_on": pension.ended_on,
        "amount_on": x.on,
        "components": components,
        "history": [_amount(r) for r in x.history],
    }
