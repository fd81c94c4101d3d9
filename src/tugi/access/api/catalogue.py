"""API of the access area: managed systems, their rights, catalogue import.

No ``from __future__ import annotations``: django-ninja resolves the annotations of ``@paginate``
handlers in another module's namespace.
"""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from .. import selectors_catalogue as selectors
from ..services import catalogue as services

router = Router(tags=["access"])


class SystemOut(Schema):
    code: str
    name: str
    description: str
    rights_active: int
    rights_vanished: int
    profile_count: int


class RightOut(Schema):
    id: int
    system: str
    code: str
    name_et: str
    name_en: str
    description: str
    module: str
    sensitivity: str
    status: str
    vanished_on: dt.date | None

    @staticmethod
    def resolve_system(obj: Any) -> str:
        return str(obj.system.code)


class CatalogueIn(Schema):
    content: str = Field(..., description="The catalogue file's text (CSV with ';' or JSON)")
    format: Literal["csv", "json"] = Field("csv", description="csv or json")
    reason: str = ""


class CatalogueCounts(Schema):
    added: int
    changed: int
    vanished: int
    reactivated: int
    unchanged: int


class CatalogueOut(Schema):
    system: str
    format: str
    rows: int
    counts: CatalogueCounts
    added: list[str]
    changed: list[str]
    vanished: list[str]
    reactivated: list[str]
    vanished_in_use: dict[str, list[str]] = Field(
        ..., description="Vanished rights still held by profiles in force: right code → profile codes"
    )


@router.get("/systems", response=list[SystemOut], summary="Managed systems")
@paginate(LimitOffsetPagination)
def system_list(request: HttpRequest) -> Any:
    return selectors.systems(user=request.user)


@router.get("/systems/{code}/rights", response=list[RightOut], summary="A system's rights catalogue")
@paginate(LimitOffsetPagination)
def right_list(
    request: HttpRequest, code: str, module: str = "", sensitivity: str = "", status: str = "", q: str = ""
) -> Any:
    system = selectors.system_get(user=request.user, code=code)
    qs = selectors.rights(user=request.user, system=system)
    if module:
        qs = qs.filter(module=module)
    if sensitivity:
        qs = qs.filter(sensitivity=sensitivity)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(code__icontains=q) | qs.filter(name_et__icontains=q)
    return qs


@router.post(
    "/systems/{code}/catalogue",
    response={200: CatalogueOut},
    summary="Import a system's rights catalogue (all or nothing; 422 lists the bad lines)",
)
def catalogue_import(request: HttpRequest, code: str, payload: CatalogueIn) -> Any:
    system = selectors.system_get(user=request.user, code=code)
    summary = services.catalogue_import(
        system=system,
        content=payload.content.encode("utf-8"),
        fmt=payload.format,
        actor=request.user,
        reason=payload.reason,
    )
    return {**summary, "vanished_in_use": selectors.vanished_in_use(system=system)}
