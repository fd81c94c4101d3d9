"""Reads of environments, readiness checks and clones; the seam to deliveries for readiness."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from tugi.core.selectors import get_restricted

from .models import KIND_ORDER, ClonePlan, CloneStatus, CloneTask, Environment, ReadinessCheck


def environments(*, user: Any) -> QuerySet[Environment]:
    return Environment.objects.restrict(user).select_related("owner")


def environment_get(*, user: Any, pk: Any, action: str = "view") -> Environment:
    return get_restricted(Environment.objects.select_related("owner"), user, action, pk=pk)


def environment_by_name(*, system: str, name: str) -> Environment | None:
    return Environment.objects.filter(system__iexact=system, name__iexact=name).first()


def checks_of(*, user: Any, environment: Environment, limit: int = 50) -> QuerySet[ReadinessCheck]:
    return (
        ReadinessCheck.objects.restrict(user)
        .filter(environment=environment)
        .select_related("triggered_by")
        .order_by("-started_at", "-id")[:limit]
    )


def check_get(*, user: Any, pk: Any) -> ReadinessCheck:
    return get_restricted(ReadinessCheck.objects.select_related("environment", "triggered_by"), user, pk=pk)


def latest_check(environment: Environment) -> ReadinessCheck | None:
    return environment.readiness_checks.order_by("-started_at", "-id").first()


def board(*, user: Any) -> list[dict[str, Any]]:
    """Rows per system: its environments in delivery order, each with its latest check."""
    envs = list(environments(user=user))
    latest = (
        ReadinessCheck.objects.filter(environment=OuterRef("pk"))
        .order_by("-started_at", "-id")
        .values("pk")[:1]
    )
    ids = dict(
        Environment.objects.filter(pk__in=[e.pk for e in envs])
        .annotate(last=Subquery(latest))
        .values_list("pk", "last")
    )
    checks = {c.pk: c for c in ReadinessCheck.objects.filter(pk__in=[i for i in ids.values() if i])}
    systems: dict[str, list[dict[str, Any]]] = {}
    for env in sorted(envs, key=lambda e: (e.system, KIND_ORDER.get(e.kind, 9), e.name)):  # type: ignore[call-overload]
        systems.setdefault(env.system, []).append(
            {"environment": env, "check": checks.get(ids.get(env.pk) or 0)}
        )
    return [{"system": s, "cells": cells} for s, cells in systems.items()]


# --- clones ---------------------------------------------------------------------------------


def clones(*, user: Any) -> QuerySet[ClonePlan]:
    return ClonePlan.objects.restrict(user).prefetch_related("targets")


def clone_get(*, user: Any, pk: Any, action: str = "view") -> ClonePlan:
    return get_restricted(
        ClonePlan.objects.prefetch_related("targets", "affected_partners"), user, action, pk=pk
    )


def clone_tasks(*, clone: ClonePlan) -> QuerySet[CloneTask]:
    return clone.tasks.select_related("owner", "done_by").order_by("due_date", "id")


def clone_task_get(*, user: Any, pk: Any, action: str = "view") -> CloneTask:
    return get_restricted(CloneTask.objects.select_related("clone"), user, action, pk=pk)


def clones_in_range(start: dt.date, end: dt.date) -> QuerySet[ClonePlan]:
    """Clones dated ``start``..``end`` (inclusive) that are not cancelled (for calendars and timelines)."""
    return (
        ClonePlan.objects.filter(date__gte=start, date__lte=end)
        .exclude(status=CloneStatus.CANCELLED)
        .prefetch_related("targets")
        .order_by("date", "window_start")
    )


def clones_needing_notice(today: dt.date | None = None) -> QuerySet[ClonePlan]:
    """Planned clones whose advance notice is due (date - notice days <= today) and not sent."""
    today = today or timezone.localdate()
    plans = ClonePlan.objects.filter(status=CloneStatus.PLANNED, notice_sent_at__isnull=True, date__gte=today)
    ids = [p.pk for p in plans if p.date - dt.timedelta(days=p.notice_days) <= today]
    return ClonePlan.objects.filter(pk__in=ids).order_by("date")


def clones_needing_completion_notice() -> QuerySet[ClonePlan]:
    return ClonePlan.objects.filter(status=CloneStatus.DONE, completion_notice_sent_at__isnull=True)


# --- the seam to deliveries (helper E2's models) -------------------------------------------


def delivery_expected_in(environment: Environment, today: dt.date | None = None) -> Any | None:
    """The delivery that should be deployed in ``environment`` now, or None.

    The delivery of the environment's system that most recently reached the environment's stage
    (its actual date there, or else its planned date, on or before today); rejected and cancelled
    deliveries do not count.
    """
    from django.db.models import F
    from django.db.models.functions import Coalesce

    from .models import DeliveryDate, DeliveryStatus

    today = today or timezone.localdate()
    row = (
        DeliveryDate.objects.filter(delivery__system=environment.system, stage=environment.kind)
        .exclude(delivery__status__in=[DeliveryStatus.REJECTED, DeliveryStatus.CANCELLED])
        .annotate(day=Coalesce(F("actual_date"), F("planned_date")))
        .filter(day__lte=today)
        .select_related("delivery")
        .order_by("-day", "-delivery__created_at")
        .first()
    )
    return row.delivery if row is not None else None


def deliveries_of(environment: Environment) -> list[Any]:
    """The open deliveries of the environment's system (to run its checks against one of them)."""
    from .models import Delivery, DeliveryStatus

    return list(
        Delivery.objects.filter(system=environment.system)
        .exclude(status__in=[DeliveryStatus.REJECTED, DeliveryStatus.CANCELLED, DeliveryStatus.DEPLOYED])
        .order_by("-version")
    )


def deliveries_in_uat(environment: Environment, expected: Any | None = None) -> list[Any]:
    """The deliveries whose tickets a UAT environment must serve: those of its system now in UAT
    (status "in UAT") and the one expected there (``expected``)."""
    from .models import Delivery, DeliveryStatus

    found = {
        d.pk: d for d in Delivery.objects.filter(system=environment.system, status=DeliveryStatus.IN_UAT)
    }
    if expected is not None:
        found.setdefault(expected.pk, expected)
    return sorted(found.values(), key=lambda d: d.version)


def delivery_flag_expectations(delivery: Any) -> list[tuple[str, bool]]:
    """(flag key, expected enabled) named by the tickets of ``delivery`` (a key named by two
    tickets with different expectations appears twice, so the conflict shows)."""
    from .models import TicketFlag

    rows = TicketFlag.objects.filter(ticket__delivery=delivery).values_list("flag_key", "expected_enabled")
    return sorted(set(rows))


def delivery_required_profiles(delivery: Any) -> list[Any]:
    """The access profiles the tickets of ``delivery`` require."""
    from .models import Ticket

    seen: dict[int, Any] = {}
    for ticket in Ticket.objects.filter(delivery=delivery).prefetch_related("required_profiles__system"):
        for profile in ticket.required_profiles.all():
            seen.setdefault(profile.pk, profile)
    return list(seen.values())
