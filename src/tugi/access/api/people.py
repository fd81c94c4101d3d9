"""API of the access area: organisation units and accounts (read)."""

import datetime as dt
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from tugi.core.selectors import get_restricted

from .. import selectors_people as selectors
from ..models import Account

router = Router(tags=["access"])


class OrgUnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str


class AccountOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    employee_id: str
    org_unit: str
    position: str
    manager: str | None
    status: str
    left_on: dt.date | None

    @staticmethod
    def resolve_org_unit(obj: Account) -> str:
        return obj.org_unit.code

    @staticmethod
    def resolve_manager(obj: Account) -> str | None:
        return obj.manager.username if obj.manager else None


class AssignmentOut(Schema):
    id: int
    system: str
    profile: str
    valid_from: dt.date
    valid_to: dt.date | None
    status: str
    needs_review: bool

    @staticmethod
    def resolve_system(obj: Any) -> str:
        return str(obj.profile.system.code)

    @staticmethod
    def resolve_profile(obj: Any) -> str:
        return str(obj.profile.code)


class AccountDetailOut(AccountOut):
    assignments: list[AssignmentOut]

    @staticmethod
    def resolve_assignments(obj: Account, context: Any) -> list[Any]:
        user = context["request"].user
        return list(selectors.assignments(user=user).filter(account=obj))


@router.get("/org-units", response=list[OrgUnitOut], summary="Organisation units")
@paginate(LimitOffsetPagination)
def unit_list(request: HttpRequest, kind: str = "") -> Any:
    qs = selectors.org_units(user=request.user)
    return qs.filter(kind=kind) if kind else qs


@router.get("/accounts", response=list[AccountOut], summary="Accounts of STAR and SKAIS users")
@paginate(LimitOffsetPagination)
def account_list(request: HttpRequest, org_unit: str = "", status: str = "", q: str = "") -> Any:
    qs = selectors.accounts(user=request.user)
    if org_unit:
        qs = qs.filter(org_unit__code=org_unit)
    if status:
        qs = qs.filter(status=status)
    for word in q.split():
        qs = qs.filter(
            Q(username__icontains=word) | Q(first_name__icontains=word) | Q(last_name__icontains=word)
        )
    return qs


@router.get("/accounts/{username}", response=AccountDetailOut, summary="One account with its assignments")
def account_get(request: HttpRequest, username: str) -> Any:
    return get_restricted(
        Account.objects.select_related("org_unit", "manager"), request.user, username=username
    )
