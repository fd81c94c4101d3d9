"""The finance API: monitors — list them, run one now, read its results.

No ``from __future__ import annotations``: django-ninja resolves the annotations at import."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from .. import selectors_monitors as selectors
from ..services import monitors as services

router = Router(tags=["finance"])


@router.get("/monitors", response=list[dict[str, Any]], summary="Monitors with their last run")
def monitors_list(request: HttpRequest, active: bool | None = None) -> Any:
    qs = selectors.monitors(user=request.user).order_by("code")
    if active is not None:
        qs = qs.filter(is_active=active)
    return [selectors.monitor_json(m) for m in qs]


@router.post("/monitors/{pk}/run", response=dict[str, Any], summary="Run a monitor now")
def monitor_run(request: HttpRequest, pk: int) -> Any:
    monitor = selectors.monitor_get(user=request.user, pk=pk, action="change")
    return selectors.result_json(services.monitor_run(monitor=monitor, actor=request.user))


@router.get(
    "/monitors/{pk}/results", response=list[dict[str, Any]], summary="A monitor's results, newest first"
)
def monitor_results(request: HttpRequest, pk: int, limit: int = 30) -> Any:
    monitor = selectors.monitor_get(user=request.user, pk=pk)
    return [
        selectors.result_json(r) for r in selectors.results(monitor=monitor, limit=max(1, min(limit, 500)))
    ]
