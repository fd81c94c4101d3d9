"""Reads of test reports (their content: scope, traceability, results by environment, open defects)
and of trainings (the "who has been trained on what" matrix)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tugi.core.selectors import get_restricted
from tugi.delivery import selectors as delivery_selectors
from tugi.work import selectors as work_selectors

from .models import (
    DEFECT_OPEN,
    Defect,
    Execution,
    ExecutionStatus,
    ReportStatus,
    RunCase,
    TestCase,
    TestReport,
    TestRun,
    Training,
    TrainingParticipant,
)

STATUSES = [s.value for s in ExecutionStatus]


# --- test reports ------------------------------------------------------------------------------


def reports(*, user: Any) -> QuerySet[TestReport]:
    return TestReport.objects.restrict(user).select_related("delivery", "owner")


def report_get(*, user: Any, pk: int) -> TestReport:
    return get_restricted(TestReport.objects.select_related("delivery", "owner", "finalised_by"), user, pk=pk)


def reports_overdue(*, user: Any, today: dt.date | None = None) -> QuerySet[TestReport]:
    """Reports past their due date that are not final, the most overdue first."""
    today = today or timezone.localdate()
    return (
        reports(user=user).filter(due_date__lt=today).exclude(status=ReportStatus.FINAL).order_by("due_date")
    )


def deliveries_for_choice(user: Any) -> Any:
    return delivery_selectors.deliveries_for_choice(user)


def _env(run: TestRun) -> str:
    return run.environment_label or "—"


def report_content(delivery: Any) -> dict[str, Any]:
    """The content of a delivery's test report, computed now from its tickets, the cases linked to
    them or planned for the delivery, the runs of those plans, their executions and the defects.

    Plain JSON-ready values, so that finalising can keep it as the report's snapshot."""
    tickets = list(delivery_selectors.tickets_of(delivery))
    ticket_ids = [t.pk for t in tickets]
    cases = list(
        TestCase.objects.filter(Q(tickets__in=ticket_ids) | Q(plans__delivery=delivery))
        .distinct()
        .prefetch_related("tickets")
        .order_by("key")
    )
    case_ids = [c.pk for c in cases]
    runs = list(
        TestRun.objects.filter(plan__delivery=delivery)
        .select_related("environment")
        .order_by("created_at", "pk")
    )
    run_env = {r.pk: _env(r) for r in runs}
    # the latest execution of each case in each environment (later runs and later executions win)
    latest: dict[tuple[int, str], Execution] = {}
    executions = (
        Execution.objects.filter(run__in=[r.pk for r in runs], case__in=case_ids)
        .select_related("tester", "case_version")
        .order_by("executed_at", "pk")
    )
    for execution in executions:
        latest[(execution.case_id, run_env[execution.run_id])] = execution
    # cases that a run of an environment holds but nobody has executed yet count as "not run"
    in_env: dict[str, set[int]] = defaultdict(set)
    for run_id, case_id in RunCase.objects.filter(run__in=list(run_env), case__in=case_ids).values_list(
        "run_id", "case_id"
    ):
        in_env[run_env[run_id]].add(case_id)
    for case_id, env in latest:
        in_env[env].add(case_id)
    environments = []
    for env in sorted(in_env):
        counts = dict.fromkeys(STATUSES, 0)
        for case_id in in_env[env]:
            last = latest.get((case_id, env))
            counts[last.status if last else ExecutionStatus.NOT_RUN.value] += 1
        environments.append({"environment": env, **counts, "total": len(in_env[env])})

    defects = list(
        Defect.objects.filter(
            Q(tickets__in=ticket_ids) | Q(execution__case__in=case_ids, execution__run__in=list(run_env))
        )
        .distinct()
        .select_related("execution")
        .prefetch_related("tickets")
        .order_by("pk")
    )
    defects_of_case: dict[int, list[str]] = defaultdict(list)
    defects_of_ticket: dict[int, list[str]] = defaultdict(list)
    for defect in defects:
        if defect.execution is not None:
            defects_of_case[defect.execution.case_id].append(defect.key)
        for ticket in defect.tickets.all():
            defects_of_ticket[ticket.pk].append(defect.key)

    def trace_row(ticket: Any, case: TestCase | None) -> list[dict[str, Any]]:
        base = {"ticket": ticket.key if ticket else "", "ticket_title": ticket.title if ticket else ""}
        if case is None:
            return [
                {
                    **base,
                    "case": "",
                    "case_title": "",
                    "environment": "",
                    "status": "",
                    "version": "",
                    "executed_at": "",
                    "defects": ", ".join(defects_of_ticket.get(ticket.pk, [])),
                }
            ]
        keys = sorted(
            set(defects_of_case.get(case.pk, []))
            | set(defects_of_ticket.get(ticket.pk, []) if ticket else [])
        )
        rows = []
        envs = sorted(env for env in in_env if case.pk in in_env[env]) or [""]
        for env in envs:
            execution = latest.get((case.pk, env))
            rows.append(
                {
                    **base,
                    "case": case.key,
                    "case_title": case.title,
                    "environment": env,
                    "status": execution.status
                    if execution
                    else (ExecutionStatus.NOT_RUN.value if env else ""),
                    "version": f"v{execution.case_version.number}" if execution else "",
                    "executed_at": timezone.localtime(execution.executed_at).strftime("%d.%m.%Y %H:%M")
                    if execution
                    else "",
                    "defects": ", ".join(keys),
                }
            )
        return rows

    traceability: list[dict[str, Any]] = []
    linked: set[int] = set()
    for ticket in tickets:
        ticket_cases: list[TestCase | None] = [
            c for c in cases if any(t.pk == ticket.pk for t in c.tickets.all())
        ]
        linked.update(c.pk for c in ticket_cases if c is not None)
        for case in ticket_cases or [None]:
            traceability.extend(trace_row(ticket, case))
    for case in cases:
        if case.pk not in linked:
            traceability.extend(trace_row(None, case))

    open_defects = [d for d in defects if d.status in DEFECT_OPEN]
    return {
        "delivery": str(delivery),
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "tickets": [{"key": t.key, "title": t.title, "status": t.status} for t in tickets],
        "cases": [
            {
                "key": c.key,
                "title": c.title,
                "priority": c.priority,
                "tickets": ", ".join(sorted(t.key for t in c.tickets.all())),
            }
            for c in cases
        ],
        "environments": environments,
        "traceability": traceability,
        "open_defects": [
            {
                "key": d.key,
                "title": d.title,
                "severity": d.severity,
                "status": d.status,
                "tickets": ", ".join(sorted(t.key for t in d.tickets.all())),
            }
            for d in open_defects
        ],
        "untested_tickets": [
            t.key for t in tickets if not any(r["ticket"] == t.key and r["status"] for r in traceability)
        ],
    }


def report_data(report: TestReport) -> dict[str, Any]:
    """A final report's kept snapshot; a draft's content computed now."""
    if report.status == ReportStatus.FINAL and report.snapshot:
        return dict(report.snapshot)
    return report_content(report.delivery)


# --- guidance and trainings --------------------------------------------------------------------


def testing_guides(*, user: Any) -> Any:
    """The work area's guides whose area is testing, the earliest review date first."""
    guides = list(work_selectors.guides(user=user).filter(area="testing"))
    return sorted(guides, key=lambda g: g.review_due_on)


def trainings(*, user: Any) -> QuerySet[Training]:
    return Training.objects.restrict(user).annotate(  # type: ignore[return-value]
        participant_count=Count("participants", distinct=True),
        attended_count=Count("participants", filter=Q(participants__attended=True), distinct=True),
    )


def training_get(*, user: Any, pk: int) -> Training:
    return get_restricted(Training.objects.all(), user, pk=pk)


def training_participants(training: Training) -> QuerySet[TrainingParticipant]:
    return training.participants.select_related("user").order_by("user__username")


def users_for_choice() -> QuerySet[Any]:
    return get_user_model().objects.filter(is_active=True).order_by("username")


def training_matrix(*, user: Any) -> dict[str, Any]:
    """Who has been trained on what: a row per person who attended at least one training, a column
    per topic, each cell the date of the latest attended training on that topic (or None)."""
    rows = (
        TrainingParticipant.objects.filter(attended=True, training__in=Training.objects.restrict(user))
        .select_related("user", "training")
        .order_by("training__held_on")
    )
    topics: list[str] = sorted({p.training.topic for p in rows})
    people: dict[int, dict[str, Any]] = {}
    for p in rows:
        person = people.setdefault(p.user_id, {"user": p.user, "cells": {}})
        person["cells"][p.training.topic] = p.training.held_on
    ordered = sorted(people.values(), key=lambda r: (r["user"].get_full_name() or r["user"].username).lower())
    for person in ordered:
        person["dates"] = [person["cells"].get(t) for t in topics]
    return {"topics": topics, "rows": ordered}
