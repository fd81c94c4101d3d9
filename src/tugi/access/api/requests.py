"""API of the access area: access requests and their decisions.

No ``from __future__ import annotations``: django-ninja resolves a paginated handler's
annotations in another module's namespace (see tugi.core.api)."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from .. import selectors_requests as selectors
from ..models import Account, Profile
from ..services import requests as services

router = Router(tags=["access"])


class RequestIn(Schema):
    account: str = Field(..., description="The account's user name")
    system: str = Field(..., description="The managed system's code, e.g. SKAIS")
    profile: str = Field(..., description="The profile's code in that system")
    valid_from: dt.date
    valid_to: dt.date | None = None
    justification: str
    reason: str = ""


class DecisionIn(Schema):
    decision: str = Field(..., description="approved or rejected")
    comment: str = ""


class StageOut(Schema):
    stage: str
    state: str
    approver: str | None
    decided_at: dt.datetime | None
    comment: str
    responsible: str


class RequestOut(Schema):
    id: int
    account: str
    system: str
    profile: str
    valid_from: dt.date
    valid_to: dt.date | None
    justification: str
    requester: str
    status: str
    needs_security: bool
    sod_result: list[dict[str, Any]]
    assignment_id: int | None
    created_at: dt.datetime
    stages: list[StageOut]

    @staticmethod
    def resolve_account(obj: Any) -> str:
        return str(obj.account.username)

    @staticmethod
    def resolve_system(obj: Any) -> str:
        return str(obj.profile.system.code)

    @staticmethod
    def resolve_profile(obj: Any) -> str:
        return str(obj.profile.code)

    @staticmethod
    def resolve_requester(obj: Any) -> str:
        return str(obj.requester.get_username())

    @staticmethod
    def resolve_stages(obj: Any) -> list[dict[str, Any]]:
        return [
            {
                "stage": s["stage"],
                "state": s["state"],
                "approver": s["approval"].approver.get_username() if s["approval"] else None,
                "decided_at": s["approval"].decided_at if s["approval"] else None,
                "comment": s["approval"].comment if s["approval"] else "",
                "responsible": s["responsible"],
            }
            for s in selectors.request_stages(obj)
        ]


@router.get("/requests", response=list[RequestOut], summary="Access requests")
@paginate(LimitOffsetPagination)
def request_list(
    request: HttpRequest, status: str = "", account: str = "", waiting_for_me: bool = False
) -> Any:
    if waiting_for_me:
        return selectors.requests_waiting_for(user=request.user)
    qs = selectors.requests(user=request.user)
    if status:
        qs = qs.filter(status=status)
    if account:
        qs = qs.filter(account__username=account)
    return qs


@router.get("/requests/{pk}", response=RequestOut, summary="One access request with its stages")
def request_get(request: HttpRequest, pk: int) -> Any:
    return selectors.request_get(user=request.user, pk=pk)


@router.post("/requests", response={201: RequestOut}, summary="Request a profile for an account")
def request_create(request: HttpRequest, payload: RequestIn) -> Any:
    errors: dict[str, str] = {}
    account = Account.objects.restrict(request.user).filter(username=payload.account).first()
    if account is None:
        errors["account"] = f"Unknown account {payload.account}."
    profile = (
        Profile.objects.restrict(request.user)
        .filter(system__code=payload.system, code=payload.profile)
        .first()
    )
    if profile is None:
        errors["profile"] = f"Unknown profile {payload.system}:{payload.profile}."
    if errors:
        raise ValidationError(errors)
    created = services.request_create(
        account=account,
        profile=profile,
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
        justification=payload.justification,
        actor=request.user,
        reason=payload.reason,
    )
    return Status(201, selectors.request_get(user=request.user, pk=created.pk))


@router.post("/requests/{pk}/decision", response=RequestOut, summary="Approve or reject the current stage")
def request_decide(request: HttpRequest, pk: int, payload: DecisionIn) -> Any:
    access_request = selectors.request_get(user=request.user, pk=pk)
    services.request_decide(
        request=access_request, decision=payload.decision, comment=payload.comment, actor=request.user
    )
    return selectors.request_get(user=request.user, pk=pk)
