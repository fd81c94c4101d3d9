"""The API of the partners topic: partners and contacts."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from tugi.core.selectors import get_restricted

from .. import selectors, services
from ..models import Partner

router = Router(tags=["work"])


class PartnerIn(Schema):
    name: str
    short_name: str = ""
    kind: str
    registry_code: str = ""
    email: str = ""
    phone: str = ""
    website: str = ""
    notes: str = ""
    active: bool = True
    reason: str = ""


class PartnerOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    registry_code: str
    email: str
    phone: str
    website: str
    active: bool


class ContactOut(Schema):
    id: int
    partner_id: int
    name: str
    role: str
    email: str
    phone: str
    active: bool
    topics: list[str]

    @staticmethod
    def resolve_topics(obj: Any) -> list[str]:
        return sorted(s.topic.code for s in obj.subscriptions.all())


@router.get("/partners", response=list[PartnerOut], summary="Partner organisations")
@paginate(LimitOffsetPagination)
def partner_list(request: HttpRequest, kind: str = "", q: str = "") -> Any:
    qs = selectors.partners(user=request.user)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(name__icontains=q)
    return qs


@router.get("/partners/{pk}", response=PartnerOut, summary="One partner")
def partner_get(request: HttpRequest, pk: int) -> Any:
    return get_restricted(Partner.objects.all(), request.user, pk=pk)


@router.post("/partners", response={201: PartnerOut}, summary="Add a partner")
def partner_create(request: HttpRequest, payload: PartnerIn) -> Any:
    data = payload.dict()
    reason = data.pop("reason")
    return Status(201, services.partner_create(actor=request.user, reason=reason, **data))


@router.get("/contacts", response=list[ContactOut], summary="Contacts of partners")
@paginate(LimitOffsetPagination)
def contact_list(request: HttpRequest, partner: int | None = None, topic: str = "") -> Any:
    qs = selectors.contacts(user=request.user).prefetch_related("subscriptions__topic")
    if partner is not None:
        qs = qs.filter(partner_id=partner)
    if topic:
        qs = qs.filter(subscriptions__topic__code=topic)
    return qs
