"""Reads of the finance problem register: the list, one problem with its timeline, open serious ones."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tugi.core.audit import object_history
from tugi.core.selectors import get_restricted

from .models import FinanceProblem, ProblemSeverity, ProblemStatus

OPEN = (ProblemStatus.REPORTED, ProblemStatus.ANALYSING, ProblemStatus.FORWARDED)


def problems(*, user: Any) -> QuerySet[FinanceProblem]:
    return FinanceProblem.objects.restrict(user).select_related("partner", "monitor", "created_by")


def problem_get(*, user: Any, pk: Any, action: str = "view") -> FinanceProblem:
    return get_restricted(
        FinanceProblem.objects.select_related("partner", "monitor", "created_by"), user, action, pk=pk
    )


def timeline(*, user: Any, problem: FinanceProblem) -> list[Any]:
    """The problem's audit events, oldest first (each with ``label``, the event's name). Who may
    see the problem sees its own history, even without the right to read the whole audit log."""
    get_restricted(FinanceProblem.objects.all(), user, pk=problem.pk)
    return object_history(problem)


def open_serious(*, user: Any) -> list[FinanceProblem]:
    """Open critical and high problems (the weekly summary)."""
    return list(
        problems(user=user)
        .filter(
            status__in=[s.value for s in OPEN], severity__in=[ProblemSeverity.CRITICAL, ProblemSeverity.HIGH]
        )
        .order_by("reported_on", "id")
    )


def problem_json(p: FinanceProblem) -> dict[str, Any]:
    return {
        "id": p.pk,
        "title": p.title,
        "description": p.description,
        "module": p.module,
        "severity": p.severity,
        "status": p.status,
        "reported_on": p.reported_on.isoformat(),
        "reported_by_name": p.reported_by_name,
        "partner": str(p.partner) if p.partner_id else None,
        "partner_reference": p.partner_reference,
        "forwarded_on": p.forwarded_on.isoformat() if p.forwarded_on else None,
        "root_cause": p.root_cause,
        "resolution": p.resolution,
        "solved_on": p.solved_on.isoformat() if p.solved_on else None,
        "monitor": p.monitor_id,
    }
