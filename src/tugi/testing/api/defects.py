"""API of defects: list and read them in the tracker's JSON (Jira-like fields).

No ``from __future__ import annotations``: django-ninja resolves the annotations at import."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from .. import selectors_defects as selectors

router = Router(tags=["testing"])


@router.get(
    "/defects", response=list[dict[str, Any]], summary="Defects as the developers' tracker takes them"
)
def defects_list(request: HttpRequest, status: str = "", severity: str = "") -> Any:
    qs = selectors.defects(user=request.user).prefetch_related("tickets").order_by("pk")
    if status:
        qs = qs.filter(status=status)
    if severity:
        qs = qs.filter(severity=severity)
    return [selectors.defect_json(d) for d in qs[:1000]]


@router.get("/defects/{pk}", response=dict[str, Any], summary="One defect (tracker JSON)")
def defect_get(request: HttpRequest, pk: int) -> Any:
    return selectors.defect_json(selectors.defect_get(user=request.user, pk=pk))
