"""The API of the requests topic: development requests (list with filters, one request with its
sections, analytic input and sign-offs) and their export as Markdown, PDF or DOCX."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from .. import documents
from .. import selectors_requests as selectors
from ..models import DevelopmentRequest

router = Router(tags=["work"])


class RequestOut(Schema):
    id: int
    title: str
    status: str
    system: str
    modules: str
    priority: str
    desired_date: dt.date | None
    author: str
    delivery: str | None
    estimate_days: str | None
    created_at: dt.datetime
    status_changed_at: dt.datetime | None

    @staticmethod
    def resolve_author(obj: DevelopmentRequest) -> str:
        return obj.author.get_username()

    @staticmethod
    def resolve_delivery(obj: DevelopmentRequest) -> str | None:
        return str(obj.delivery) if obj.delivery_id else None

    @staticmethod
    def resolve_estimate_days(obj: DevelopmentRequest) -> str | None:
        return None if obj.estimate_days is None else str(obj.estimate_days)


class CommentOut(Schema):
    author: str
    created_at: dt.datetime
    text: str


class SectionOut(Schema):
    key: str
    label: str
    fields: list[tuple[str, str]]
    comments: list[CommentOut]


class SignOffOut(Schema):
    reviewer: str
    signed_off_at: dt.datetime | None
    note: str


class RequestDetailOut(RequestOut):
    sections: list[SectionOut]
    signoffs: list[SignOffOut]


@router.get("/requests", response=list[RequestOut], summary="Development requests")
@paginate(LimitOffsetPagination)
def request_list(
    request: HttpRequest, status: str = "", system: str = "", priority: str = "", q: str = ""
) -> Any:
    qs = selectors.requests(user=request.user).order_by("-created_at", "-pk")
    if status:
        qs = qs.filter(status__in=status.split(","))
    if system:
        qs = qs.filter(system=system)
    if priority:
        qs = qs.filter(priority=priority)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(background__icontains=q) | Q(goal__icontains=q))
    return qs


@router.get("/requests/{pk}", response=RequestDetailOut, summary="One development request, every section")
def request_get(request: HttpRequest, pk: int) -> Any:
    req = selectors.request_get(user=request.user, pk=pk)
    req.sections = [  # type: ignore[attr-defined]
        {
            "key": s.key,
            "label": s.label,
            "fields": s.fields,
            "comments": [
                {"author": c.author.get_username(), "created_at": c.created_at, "text": c.text}
                for c in s.comments
            ],
        }
        for s in selectors.sections(req)
    ]
    req.signoffs = [  # type: ignore[attr-defined]
        {"reviewer": r.user.get_username(), "signed_off_at": r.signed_off_at, "note": r.note}
        for r in selectors.signoffs(req)
    ]
    return req


@router.get(
    "/requests/{pk}/export",
    summary="A development request as a document: format=md, pdf or docx",
    response={200: None},
)
def request_export(request: HttpRequest, pk: int, fmt: str = Query("md", alias="format")) -> HttpResponse:
    if fmt not in documents.FORMATS:
        raise ValidationError({"format": _("Choose the format md, pdf or docx.")})
    req = selectors.request_get(user=request.user, pk=pk)
    response = HttpResponse(documents.render(req, fmt), content_type=documents.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="development-request-{req.pk}.{fmt}"'
    return response
