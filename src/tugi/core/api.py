"""The kernel's API: persons, jobs, audit events, notifications, the signed-in user.

No ``from __future__ import annotations`` here: django-ninja resolves the string annotations of
a ``@paginate``-wrapped handler in the pagination module's namespace, where ``dt`` is unknown,
and the OpenAPI document then cannot be built.
"""

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from . import selectors, services
from .models import AuditEvent, Person

router = Router(tags=["core"])


class PersonOut(Schema):
    uid: uuid.UUID
    personal_code: str
    first_name: str
    last_name: str
    birth_date: dt.date
    sex: str
    date_of_death: dt.date | None


class PersonIn(Schema):
    personal_code: str = Field(..., description="Estonian personal code (isikukood), 11 digits")
    first_name: str
    last_name: str
    date_of_death: dt.date | None = None
    reason: str = ""


class PersonLookup(Schema):
    personal_code: str = Field(..., description="Looked up in the body, never in the URL")
    purpose: str = Field(..., description="Why the data is looked at (kept in the view log)")


class MeOut(Schema):
    username: str
    first_name: str
    last_name: str
    roles: list[str]


class JobOut(Schema):
    uid: uuid.UUID
    kind: str
    title: str
    status: str
    percent: int
    step: str
    message: str
    result: dict[str, Any]
    created_at: dt.datetime
    finished_at: dt.datetime | None


class AuditOut(Schema):
    id: int
    event_type: str
    occurred_at: dt.datetime
    actor_label: str
    object_type: str
    object_id: str
    object_repr: str
    before: Any
    after: Any
    reason: str
    request_id: str


class NotificationOut(Schema):
    id: int
    subject: str
    body: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None


@router.get("/me", response=MeOut, summary="The signed-in user and their roles")
def me(request: HttpRequest) -> dict[str, Any]:
    from .roles import user_roles

    user = request.user
    return {
        "username": user.get_username(),
        "first_name": user.first_name,  # type: ignore[union-attr]
        "last_name": user.last_name,  # type: ignore[union-attr]
        "roles": [r.value for r in user_roles(user)],
    }


@router.get("/persons", response=list[PersonOut], summary="Persons (each returned person is view-logged)")
@paginate(LimitOffsetPagination)
def persons_list(request: HttpRequest, name: str = "", purpose: str = "API list") -> Any:
    qs = Person.objects.restrict(request.user)
    for word in name.split():
        qs = qs.filter(first_name__icontains=word) | qs.filter(last_name__icontains=word)
    return _ViewLogged(qs, request.user, purpose)


class _ViewLogged:
    """A query set whose sliced page writes one view-log row per person returned."""

    def __init__(self, qs: Any, user: Any, purpose: str):
        self.qs, self.user, self.purpose = qs, user, purpose

    def count(self) -> int:
        return int(self.qs.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: Any) -> Any:
        page = list(self.qs[item])
        services.persons_view_record_many(viewer=self.user, persons=page, purpose=self.purpose, channel="api")
        return page


@router.get("/persons/{uuid:uid}", response=PersonOut, summary="One person (view-logged)")
def person_get(request: HttpRequest, uid: uuid.UUID, purpose: str = "API") -> Person:
    person = selectors.person_get(user=request.user, uid=uid)
    services.person_view_record(viewer=request.user, person=person, purpose=purpose, channel="api")
    return person


@router.post(
    "/persons/lookup", response={200: PersonOut, 404: dict}, summary="Find a person by personal code"
)
def person_lookup(request: HttpRequest, payload: PersonLookup) -> Any:
    person = selectors.person_find_by_code(user=request.user, personal_code=payload.personal_code)
    if person is None:
        return Status(404, {"detail": "Not Found"})
    services.person_view_record(viewer=request.user, person=person, purpose=payload.purpose, channel="api")
    return person


@router.post("/persons", response={201: PersonOut}, summary="Add a person")
def person_create(request: HttpRequest, payload: PersonIn) -> Any:
    person = services.person_create(actor=request.user, **payload.dict())
    return Status(201, person)


@router.get("/jobs/{uuid:uid}", response=JobOut, summary="A job's status and progress")
def job_get(request: HttpRequest, uid: uuid.UUID) -> Any:
    return selectors.job_get(user=request.user, uid=uid)


@router.get("/audit", response=list[AuditOut], summary="Audit events (auditors and administrators)")
@paginate(LimitOffsetPagination)
def audit_list(
    request: HttpRequest,
    event_type: str = "",
    actor: str = "",
    object_type: str = "",
    object_id: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> Any:
    qs = AuditEvent.objects.restrict(request.user)
    if event_type:
        qs = qs.filter(event_type=event_type)
    if actor:
        qs = qs.filter(actor_label=actor)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if date_from:
        qs = qs.filter(occurred_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(occurred_at__date__lte=date_to)
    return qs


@router.get("/notifications", response=list[NotificationOut], summary="My notifications")
@paginate(LimitOffsetPagination)
def notifications(request: HttpRequest, unread: bool = False) -> Any:
    return selectors.notifications_of(user=request.user, unread_only=unread)
