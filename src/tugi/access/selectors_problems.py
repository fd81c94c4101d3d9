"""Reads of access problems: the log, one problem with its explanation, recurring kinds."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max, Min, Q, QuerySet

from .models import AccessProblem, ProblemStatus, Profile

OPEN_STATUSES = (ProblemStatus.NEW, ProblemStatus.INVESTIGATING, ProblemStatus.FORWARDED)


def problems(*, user: Any) -> QuerySet[AccessProblem]:
    return AccessProblem.objects.restrict(user).select_related(
        "system", "right", "account", "reported_by", "partner"
    )


def problem_get(*, user: Any, pk: int, action: str = "view") -> AccessProblem:
    from tugi.core.selectors import get_restricted

    return get_restricted(
        AccessProblem.objects.select_related(
            "system", "right", "account__org_unit", "reported_by", "partner"
        ),
        user,
        action,
        pk=pk,
    )


def recurring(*, user: Any) -> QuerySet[Any]:
    """Problems grouped by kind (open and resolved together), the most frequent first."""
    return (
        AccessProblem.objects.restrict(user)
        .values("group_key", "system__code", "right__code", "right__name_et")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            resolved=Count("pk", filter=Q(status=ProblemStatus.RESOLVED)),
            first_reported=Min("created_at"),
            last_reported=Max("created_at"),
        )
        .order_by("-total", "-last_reported", "group_key")
    )


def kinds(*, user: Any) -> list[str]:
    return sorted(
        set(AccessProblem.objects.restrict(user).exclude(group_key="").values_list("group_key", flat=True))
    )


def explanation_view(problem: AccessProblem) -> dict[str, Any]:
    """The stored explanation with profile names added to its paths, for the problem's page."""
    data = dict(problem.explain or {})
    paths = data.get("paths") or []
    ids = {step["id"] for path in paths for step in path if step.get("kind") == "profile"}
    names = dict(Profile.objects.filter(pk__in=ids).values_list("pk", "name"))
    data["paths"] = [
        [
            {**step, "name": names.get(step["id"], "")} if step.get("kind") == "profile" else step
            for step in path
        ]
        for path in paths
    ]
    return data
