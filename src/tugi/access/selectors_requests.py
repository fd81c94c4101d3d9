"""Reads of the requests topic: requests, the stages of one request, what waits for a user."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tugi.core.selectors import get_restricted

from .models import AccessRequest, Approval, Stage
from .services.requests import OPEN_STATUSES, can_decide, current_stage, responsible, stages_of

_RELATED = (
    "account__org_unit",
    "account__manager__user",
    "account__user",
    "profile__system",
    "profile__owner",
    "requester",
    "assignment",
)


def requests(*, user: Any) -> QuerySet[AccessRequest]:
    return AccessRequest.objects.restrict(user).select_related(*_RELATED).prefetch_related("approvals")


def request_get(*, user: Any, pk: Any) -> AccessRequest:
    return get_restricted(AccessRequest.objects.select_related(*_RELATED), user, pk=pk)


def requests_waiting_for(*, user: Any) -> list[AccessRequest]:
    """Open requests whose current stage ``user`` may decide."""
    qs = requests(user=user).filter(status__in=OPEN_STATUSES).order_by("created_at")
    return [r for r in qs if can_decide(r, user)]


def requests_decided_by(*, user: Any) -> QuerySet[AccessRequest]:
    return requests(user=user).filter(approvals__approver=user).distinct()


def request_stages(request: AccessRequest) -> list[dict[str, Any]]:
    """Each stage of the request: who decides it, and who decided it when (or that it waits)."""
    decided = {a.stage: a for a in Approval.objects.filter(request=request).select_related("approver")}
    now = current_stage(request)
    result = []
    for stage in stages_of(request):
        approval = decided.get(stage)
        if approval is not None:
            state = approval.decision
        elif stage == now:
            state = "waiting"
        elif request.status in OPEN_STATUSES:
            state = "later"
        else:
            state = "not_reached"
        result.append(
            {
                "stage": stage,
                "label": Stage(stage).label,
                "state": state,
                "approval": approval,
                "responsible": responsible(request, stage).label() if approval is None else "",
            }
        )
    return result
