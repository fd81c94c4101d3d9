"""The delivery API: deliveries, tickets (list and push: upsert by key), the iCalendar feed.

``GET /api/v1/delivery/calendar.ics`` needs a token (Bearer) or a session;
``GET /api/v1/delivery/feeds/{token}.ics`` is the secret per-user address a calendar program
subscribes to (no other authentication; regenerate it on the calendar page to revoke it).

No ``from __future__ import annotations``: django-ninja resolves the annotations at import."""

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from .. import selectors_deliveries, selectors_tickets
from ..services import tickets as ticket_services

router = Router(tags=["delivery"])


class DeliveryDateOut(Schema):
    stage: str
    planned_date: dt.date
    actual_date: dt.date | None


class DeliveryOut(Schema):
    id: int
    system: str
    version: str
    kind: str
    status: str
    description: str
    dates: list[DeliveryDateOut]

    @staticmethod
    def resolve_dates(obj: Any) -> list[Any]:
        return list(obj.dates.all())


class TicketFlagOut(Schema):
    key: str = Field(..., alias="flag_key")
    expected_enabled: bool


class TicketOut(Schema):
    id: int
    key: str
    title: str
    system: str
    issue_type: str
    status: str
    status_changed_at: dt.datetime
    delivery: str | None
    tester: str | None
    testing_due: dt.date | None
    business_description: str
    flags: list[TicketFlagOut]
    roles: list[str]

    @staticmethod
    def resolve_delivery(obj: Any) -> str | None:
        return obj.delivery.version if obj.delivery else None

    @staticmethod
    def resolve_tester(obj: Any) -> str | None:
        return obj.tester.get_username() if obj.tester else None

    @staticmethod
    def resolve_flags(obj: Any) -> list[Any]:
        return list(obj.flags.all())

    @staticmethod
    def resolve_roles(obj: Any) -> list[str]:
        return [p.code for p in obj.required_profiles.all()]


class TicketIn(Schema):
    key: str = Field(..., description="The tracker's key, e.g. SKAIS-1234; an existing key is updated")
    title: str | None = Field(None, description="Required for a new ticket")
    system: str | None = Field(None, description="SKAIS or STAR; default: the key's prefix")
    type: str | None = None
    status: str | None = Field(None, description="Jira status name or Tugi status code")
    delivery: str | None = Field(None, description="Version of an existing delivery of the system")
    tester: str | None = Field(None, description="User name of the tester in Tugi")
    testing_due: dt.date | None = None
    business_description: str | None = None
    flags: dict[str, bool] | None = Field(None, description='Expected flag states, e.g. {"new-form": true}')
    roles: list[str] | None = Field(None, description="Profile codes of the system")


class TicketPushOut(Schema):
    outcome: str
    ticket: TicketOut


@router.get("/deliveries", response=list[DeliveryOut], summary="Deliveries with their planned dates")
@paginate(LimitOffsetPagination)
def deliveries_list(request: HttpRequest, system: str = "", status: str = "") -> Any:
    qs = selectors_deliveries.deliveries(user=request.user).order_by("system", "version")
    if system:
        qs = qs.filter(system=system.upper())
    if status:
        qs = qs.filter(status=status)
    return qs


@router.get("/tickets", response=list[TicketOut], summary="Tickets")
@paginate(LimitOffsetPagination)
def tickets_list(request: HttpRequest, system: str = "", status: str = "", delivery: str = "") -> Any:
    qs = (
        selectors_tickets.tickets(user=request.user)
        .prefetch_related("flags", "required_profiles")
        .order_by("key")
    )
    if system:
        qs = qs.filter(system=system.upper())
    if status:
        qs = qs.filter(status=status)
    if delivery:
        qs = qs.filter(delivery__version=delivery)
    return qs


@router.post(
    "/tickets",
    response={200: TicketPushOut, 201: TicketPushOut},
    summary="Push a ticket from the tracker: created, or updated by its key (never duplicated)",
)
def tickets_push(request: HttpRequest, payload: TicketIn) -> Any:
    data = payload.dict(exclude_unset=True)
    if "type" in data:
        data["issue_type"] = data.pop("type")
    ticket, outcome = ticket_services.ticket_push(data=data, actor=request.user)
    return Status(201 if outcome == "created" else 200, {"outcome": outcome, "ticket": ticket})


def _ics(request: HttpRequest, user: Any) -> HttpResponse:
    body = selectors_deliveries.calendar_ics(user=user, host=request.get_host().split(":")[0] or "tugi")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="tugi-delivery.ics"'
    return response


@router.get("/calendar.ics", url_name="delivery_calendar", summary="iCalendar feed of deliveries and clones")
def calendar(request: HttpRequest) -> HttpResponse:
    return _ics(request, request.user)


@router.get(
    "/feeds/{token}.ics",
    auth=None,
    url_name="delivery_feed",
    summary="A user's secret iCalendar feed address (for calendar programs)",
)
def feed(request: HttpRequest, token: str) -> HttpResponse:
    user = selectors_deliveries.feed_user(token)
    if user is None:
        raise Http404
    return _ics(request, user)
