"""The API of the guides topic."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from tugi.core.selectors import get_restricted

from .. import selectors
from ..markdown import render_markdown
from ..models import Guide

router = Router(tags=["work"])


class GuideOut(Schema):
    slug: str
    title: str
    kind: str
    area: str
    owner: str
    version: int
    last_reviewed_on: dt.date
    review_due_on: dt.date
    review_overdue: bool
    body: str
    html: str

    @staticmethod
    def resolve_owner(obj: Guide) -> str:
        return obj.owner.get_username()

    @staticmethod
    def resolve_review_overdue(obj: Guide) -> bool:
        return obj.is_review_overdue()

    @staticmethod
    def resolve_html(obj: Guide) -> str:
        return render_markdown(obj.body)


@router.get("/guides", response=list[GuideOut], summary="Guides and process guides")
@paginate(LimitOffsetPagination)
def guide_list(request: HttpRequest, area: str = "") -> Any:
    qs = selectors.guides(user=request.user)
    return qs.filter(area=area) if area else qs


@router.get("/guides/{slug}", response=GuideOut, summary="One guide, with its text rendered")
def guide_get(request: HttpRequest, slug: str) -> Any:
    return get_restricted(Guide.objects.select_related("owner"), request.user, slug=slug)
