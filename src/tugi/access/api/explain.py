"""API of the access area: explain, and the effective rights of an account at any date.

No ``from __future__ import annotations``: django-ninja reads these annotations at import time.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from .. import selectors_explain as selectors

router = Router(tags=["access"])


class ExplainOut(Schema):
    account: str
    system: str
    right: str
    at: str = Field(..., description="The day explained (YYYY-MM-DD)")
    granted: bool
    paths: list[list[dict[str, Any]]] = Field(
        ...,
        description="Each path: the assignment (id, valid_from, valid_to), each profile down the "
        "inclusion chain (id, code), then the right (id, code)",
    )
    would_grant: list[dict[str, Any]] = Field(
        ...,
        description="If not granted: each active profile that would grant it (profile, name, "
        "profile_id) with the segregation of duties policies requesting it would break (sod_conflicts)",
    )


class NotFoundOut(Schema):
    detail: str
    field: str = Field(..., description="Which parameter named something unknown")


class EffectiveRightOut(Schema):
    system: str
    code: str
    name: str
    sensitivity: str
    path: list[dict[str, Any]]


class AccountRightsOut(Schema):
    account: str
    at: str
    rights: list[EffectiveRightOut]


def _not_found(exc: ValidationError) -> Status:
    field, messages = next(iter(exc.message_dict.items()))
    return Status(404, {"detail": messages[0], "field": field})


@router.get(
    "/explain",
    response={200: ExplainOut, 404: NotFoundOut},
    summary="Is a right granted to an account on a day, and why (or what would grant it)",
)
def explain_get(request: HttpRequest, account: str, system: str, right: str, at: str = "") -> Any:
    day = selectors.parse_day(at)  # a bad date: 422 naming "at"
    try:
        found = selectors.account_by_username(user=request.user, username=account)
        managed = selectors.system_by_code(user=request.user, code=system)
        wanted = selectors.right_by_code(user=request.user, system=managed, code=right)
    except ValidationError as exc:
        return _not_found(exc)
    return selectors.explanation(user=request.user, account=found, right=wanted, at=day)


@router.get(
    "/accounts/{username}/rights",
    response={200: AccountRightsOut, 404: NotFoundOut},
    summary="The effective rights of an account on a day (default today), each with its path",
)
def account_rights_get(request: HttpRequest, username: str, system: str = "", at: str = "") -> Any:
    day = selectors.parse_day(at) or timezone.localdate()
    try:
        found = selectors.account_by_username(user=request.user, username=username)
        managed = selectors.system_by_code(user=request.user, code=system) if system else None
    except ValidationError as exc:
        return _not_found(exc)
    rights = selectors.account_rights(user=request.user, account=found, at=day, system=managed)
    return {
        "account": found.username,
        "at": day.isoformat(),
        "rights": [
            {
                "system": item.system,
                "code": item.right.code,
                "name": item.name,
                "sensitivity": item.right.sensitivity,
                "path": item.as_steps(),
            }
            for item in rights
        ],
    }
