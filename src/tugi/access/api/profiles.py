"""API of the access area: profiles with their content, and compare.

No ``from __future__ import annotations``: django-ninja resolves the annotations of ``@paginate``
handlers in another module's namespace.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from .. import selectors_profiles as selectors

router = Router(tags=["access"])


class ProfileFields(Schema):
    id: int
    system: str
    code: str
    name: str
    status: str
    owner: str
    purpose: str
    positions: list[str]
    version_in_force: int | None = None


class ProfileOut(ProfileFields):
    @staticmethod
    def resolve_system(obj: Any) -> str:
        return str(obj.system.code)

    @staticmethod
    def resolve_owner(obj: Any) -> str:
        return str(obj.owner.get_username())

    @staticmethod
    def resolve_positions(obj: Any) -> list[str]:
        return [p.strip() for p in obj.positions.split(",") if p.strip()]


class RightWithPath(Schema):
    code: str
    name: str
    sensitivity: str
    status: str
    path: list[str] = Field(..., description="Profile codes from this profile to the one holding the right")


class VersionOut(Schema):
    number: int
    status: str
    note: str
    proposed_by: str
    decided_by: str | None
    in_force_from: dt.datetime | None
    in_force_to: dt.datetime | None


class ProfileDetailOut(ProfileFields):
    includes: list[str]
    rights: list[RightWithPath]
    versions: list[VersionOut]
    assignments_valid_today: int


class CompareRightOut(Schema):
    code: str
    name: str
    path_a: list[str]
    path_b: list[str]


class CompareOut(Schema):
    a: str
    b: str
    at: dt.datetime
    only_a: list[CompareRightOut]
    only_b: list[CompareRightOut]
    both: list[CompareRightOut]


def _right(row: Any) -> dict[str, Any]:
    r = row.right
    return {"code": r.code, "name": r.name_et, "sensitivity": r.sensitivity, "status": r.status}


@router.get("/profiles", response=list[ProfileOut], summary="Profiles")
@paginate(LimitOffsetPagination)
def profile_list(
    request: HttpRequest, system: str = "", status: str = "", owner: str = "", q: str = ""
) -> Any:
    qs = selectors.profiles(user=request.user)
    if system:
        qs = qs.filter(system__code=system)
    if status:
        qs = qs.filter(status=status)
    if owner:
        qs = qs.filter(owner__username=owner)
    if q:
        qs = qs.filter(code__icontains=q) | qs.filter(name__icontains=q)
    return qs


@router.get(
    "/profiles/compare",
    response=CompareOut,
    summary="Compare two profiles or two versions: rights only in A, only in B and in both, with paths",
)
def profile_compare(request: HttpRequest, a: str, b: str) -> Any:
    first = selectors.parse_ref(user=request.user, text=a, name="a")
    second = selectors.parse_ref(user=request.user, text=b, name="b")
    result = selectors.compare(first, second)

    def rows(items: list[Any]) -> list[dict[str, Any]]:
        return [
            {"code": r.right.code, "name": r.right.name_et, "path_a": r.path_a, "path_b": r.path_b}
            for r in items
        ]

    return {
        "a": result.a_label,
        "b": result.b_label,
        "at": result.when,
        "only_a": rows(result.only_a),
        "only_b": rows(result.only_b),
        "both": rows(result.both),
    }


@router.get("/profiles/{int:pk}", response=ProfileDetailOut, summary="One profile with its current rights")
def profile_get(request: HttpRequest, pk: int) -> Any:
    profile = selectors.profile_get(user=request.user, pk=pk)
    current = selectors.current_version(profile)
    return {
        "id": profile.pk,
        "system": profile.system.code,
        "code": profile.code,
        "name": profile.name,
        "status": profile.status,
        "owner": profile.owner.get_username(),
        "purpose": profile.purpose,
        "positions": [p.strip() for p in profile.positions.split(",") if p.strip()],
        "version_in_force": getattr(selectors.version_in_force(profile), "number", None),
        "includes": sorted(current.includes.values_list("code", flat=True)) if current else [],
        "rights": [{**_right(row), "path": row.path} for row in selectors.profile_content(profile)],
        "versions": [
            {
                "number": v.number,
                "status": v.status,
                "note": v.note,
                "proposed_by": v.proposed_by.get_username(),
                "decided_by": v.decided_by.get_username() if v.decided_by else None,
                "in_force_from": v.in_force_from,
                "in_force_to": v.in_force_to,
            }
            for v in selectors.versions(profile=profile)
        ],
        "assignments_valid_today": selectors.holders_count(profile=profile),
    }
