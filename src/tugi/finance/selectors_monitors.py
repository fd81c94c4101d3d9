"""Reads of monitors and their results."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from tugi.core.selectors import get_restricted

from .checks import CHECKS
from .models import Monitor, MonitorOutcome, MonitorResult


def monitors(*, user: Any) -> QuerySet[Monitor]:
    return Monitor.objects.restrict(user).select_related("owner")


def monitor_get(*, user: Any, pk: Any, action: str = "view") -> Monitor:
    return get_restricted(Monitor.objects.select_related("owner", "created_by"), user, action, pk=pk)


def results(*, monitor: Monitor, limit: int = 30) -> list[MonitorResult]:
    return list(monitor.results.select_related("ran_by")[:limit])


def result_get(*, monitor: Monitor, pk: Any) -> MonitorResult:
    """One result of a monitor the user may see (``monitor_get`` checked that)."""
    return get_object_or_404(MonitorResult.objects.select_related("ran_by"), monitor=monitor, pk=pk)


def monitors_alerting(*, user: Any) -> list[Monitor]:
    """Active monitors whose last run found rows or failed (the desk card)."""
    return list(
        monitors(user=user)
        .filter(is_active=True, last_outcome__in=[MonitorOutcome.FOUND, MonitorOutcome.ERROR])
        .order_by("-last_run_at")
    )


def check_choices() -> list[tuple[str, str]]:
    return [(name, str(c.title)) for name, c in sorted(CHECKS.items())]


def monitor_json(monitor: Monitor) -> dict[str, Any]:
    return {
        "id": monitor.pk,
        "code": monitor.code,
        "name": monitor.name,
        "description": monitor.description,
        "kind": monitor.kind,
        "sql": monitor.sql,
        "check_name": monitor.check_name,
        "is_active": monitor.is_active,
        "last_run_at": monitor.last_run_at.isoformat() if monitor.last_run_at else None,
        "last_outcome": monitor.last_outcome,
        "last_count": monitor.last_count,
    }


def result_json(result: MonitorResult) -> dict[str, Any]:
    return {
        "id": result.pk,
        "monitor": result.monitor_id,
        "ran_at": result.ran_at.isoformat(),
        "outcome": result.outcome,
        "row_count": result.row_count,
        "columns": result.columns,
        "rows": result.rows,
        "duration_ms": result.duration_ms,
        "error": result.error,
    }
