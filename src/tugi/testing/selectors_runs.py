"""Reads of plans, runs and executions: progress per run and per tester, and the roll-up of
results per case and per ticket that other parts of Tugi use.

**Roll-up rule.** For each environment a case ran in, only the case's latest execution there
counts (latest ``executed_at``, then the latest recorded; cancelled runs are ignored; a run's
environment is its registered environment, or the name written on the run). The case's status is
the worst of those: *failed* beats *blocked*, which beats *not run*, which beats *passed*. A case
that never ran is *not run*. A ticket's status is the worst status of its linked cases (empty
when no case is linked); a ticket is tested when it has cases and every one passed.

Other helpers: ``case_status(case)``, ``case_statuses(cases)``, ``ticket_status(ticket)``,
``executions_for_tickets(tickets)``. Go / no-go: ``evidence(ticket)`` is registered as the
delivery area's evidence provider ("tested" from the roll-up; the defects part adds its defects
to this answer).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, QuerySet
from django.urls import reverse

from tugi.core.selectors import get_restricted

from .models import Execution, ExecutionStatus, RunCase, RunStatus, TestCase, TestPlan, TestRun

#: Worst first: the roll-up takes the first status of this order that occurs.
SEVERITY_ORDER = (
    ExecutionStatus.FAILED,
    ExecutionStatus.BLOCKED,
    ExecutionStatus.NOT_RUN,
    ExecutionStatus.PASSED,
)
STATUSES = [s.value for s in ExecutionStatus]


# --- plans and runs ------------------------------------------------------------------------------


def plans(*, user: Any) -> QuerySet[TestPlan]:
    qs: QuerySet[TestPlan] = TestPlan.objects.restrict(user)
    return qs.select_related("delivery").annotate(case_count=Count("cases")).order_by("-created_at", "-pk")


def plan_get(*, user: Any, pk: Any, action: str = "view") -> TestPlan:
    return get_restricted(TestPlan.objects.select_related("delivery"), user, action, pk=pk)


def runs(*, user: Any) -> QuerySet[TestRun]:
    return (
        TestRun.objects.restrict(user)
        .select_related("plan", "plan__delivery", "environment")
        .order_by("-created_at", "-pk")
    )


def run_get(*, user: Any, pk: Any, action: str = "view") -> TestRun:
    return get_restricted(
        TestRun.objects.select_related("plan", "plan__delivery", "environment"), user, action, pk=pk
    )


def run_cases(run: TestRun) -> list[RunCase]:
    return list(
        run.run_cases.select_related("case", "case__current_version", "assignee").order_by("case__key")
    )


def latest_in_run(run: TestRun) -> dict[int, Execution]:
    """Case id → its latest execution in ``run``."""
    latest: dict[int, Execution] = {}
    for e in (
        run.executions.select_related("tester", "case_version")
        .prefetch_related("attachments")
        .order_by("case_id", "-executed_at", "-pk")
    ):
        latest.setdefault(e.case_id, e)
    return latest


def _counts(statuses: Iterable[str]) -> dict[str, Any]:
    c = Counter(statuses)
    total = sum(c.values())
    done = total - c[ExecutionStatus.NOT_RUN]
    return {
        **{s: c[s] for s in STATUSES},
        "total": total,
        "executed": done,
        "percent": round(100 * done / total) if total else 0,
        "percent_passed": round(100 * c[ExecutionStatus.PASSED] / total) if total else 0,
    }


def run_progress(run: TestRun, *, latest: dict[int, Execution] | None = None) -> dict[str, Any]:
    """Counts by status of the run's cases (latest execution each; none yet = not run), the
    number executed and the percentages executed and passed."""
    latest = latest_in_run(run) if latest is None else latest
    case_ids = list(run.run_cases.values_list("case_id", flat=True))
    return _counts(latest[c].status if c in latest else ExecutionStatus.NOT_RUN for c in case_ids)


def runs_progress(run_list: Iterable[TestRun]) -> dict[int, dict[str, Any]]:
    """Progress of many runs in three queries (for lists and the desk)."""
    run_list = list(run_list)
    ids = [r.pk for r in run_list]
    members: dict[int, list[int]] = defaultdict(list)
    for run_id, case_id in RunCase.objects.filter(run_id__in=ids).values_list("run_id", "case_id"):
        members[run_id].append(case_id)
    latest: dict[tuple[int, int], str] = {}
    for run_id, case_id, status in (
        Execution.objects.filter(run_id__in=ids)
        .order_by("run_id", "case_id", "-executed_at", "-pk")
        .values_list("run_id", "case_id", "status")
    ):
        latest.setdefault((run_id, case_id), status)
    return {
        rid: _counts(latest.get((rid, c), ExecutionStatus.NOT_RUN) for c in members.get(rid, []))
        for rid in ids
    }


def tester_progress(run: TestRun, *, latest: dict[int, Execution] | None = None) -> list[dict[str, Any]]:
    """Progress per tester of the run: the cases assigned to each (unassigned cases count under
    whoever executed them last, else under "unassigned")."""
    latest = latest_in_run(run) if latest is None else latest
    groups: dict[Any, list[str]] = defaultdict(list)
    names: dict[Any, str] = {}
    for rc in run.run_cases.select_related("assignee"):
        execution = latest.get(rc.case_id)
        who = rc.assignee or (execution.tester if execution else None)
        key = who.pk if who else None
        names[key] = who.get_username() if who else ""
        groups[key].append(execution.status if execution else ExecutionStatus.NOT_RUN)
    rows = [{"tester": names[k], "tester_id": k, **_counts(v)} for k, v in groups.items()]
    return sorted(rows, key=lambda r: (r["tester"] == "", r["tester"]))


def my_todo(*, user: Any, limit: int = 10) -> list[RunCase]:
    """Run cases assigned to ``user`` in open runs whose latest execution is missing or not run."""
    qs = (
        RunCase.objects.filter(assignee=user)
        .exclude(run__status__in=[RunStatus.COMPLETED, RunStatus.CANCELLED])
        .select_related("run", "case")
        .order_by("run__planned_end", "run_id", "case__key")
    )
    out = []
    for rc in qs[:200]:
        last = (
            Execution.objects.filter(run_id=rc.run_id, case_id=rc.case_id)
            .order_by("-executed_at", "-pk")
            .first()
        )
        if last is None or last.status == ExecutionStatus.NOT_RUN:
            out.append(rc)
            if len(out) >= limit:
                break
    return out


def open_runs(*, user: Any, limit: int = 8) -> list[TestRun]:
    return list(
        runs(user=user)
        .filter(status__in=[RunStatus.PLANNED, RunStatus.IN_PROGRESS])
        .order_by("planned_end", "pk")[:limit]
    )


# --- roll-up -------------------------------------------------------------------------------------


def worst(statuses: Iterable[str]) -> str:
    """The roll-up of several statuses: failed > blocked > not run > passed; none = not run."""
    found = set(statuses)
    for status in SEVERITY_ORDER:
        if status in found:
            return str(status.value)
    return str(ExecutionStatus.NOT_RUN.value)


def environment_key(run: TestRun) -> str:
    if run.environment_id:
        return f"env:{run.environment_id}"
    return f"name:{run.environment_name.strip().lower()}"


def _latest_per_environment(case_ids: list[int]) -> dict[int, dict[str, Execution]]:
    out: dict[int, dict[str, Execution]] = defaultdict(dict)
    qs = (
        Execution.objects.filter(case_id__in=case_ids)
        .exclude(run__status=RunStatus.CANCELLED)
        .select_related("run", "run__environment", "case_version", "tester")
        .order_by("case_id", "-executed_at", "-pk")
    )
    for e in qs:
        out[e.case_id].setdefault(environment_key(e.run), e)
    return out


def case_statuses(cases: Iterable[TestCase]) -> dict[int, str]:
    """Case id → rolled-up status (see the module text for the rule)."""
    ids = [c.pk for c in cases]
    latest = _latest_per_environment(ids)
    return {pk: worst(e.status for e in latest.get(pk, {}).values()) for pk in ids}


def case_status(case: TestCase) -> str:
    """The rolled-up status of one case across environments."""
    return case_statuses([case])[case.pk]


def case_environments(case: TestCase) -> list[Execution]:
    """The latest execution of ``case`` in each environment (the ones the roll-up uses)."""
    return sorted(
        _latest_per_environment([case.pk]).get(case.pk, {}).values(), key=lambda e: e.run.environment_label
    )


def ticket_status(ticket: Any) -> dict[str, Any]:
    """``{"status", "tested", "cases": [{"key", "title", "status"}], "counts"}`` of a ticket:
    the worst status of its linked cases ("" when none is linked)."""
    cases = list(TestCase.objects.filter(tickets=ticket, active=True).order_by("key"))
    statuses = case_statuses(cases)
    rows = [{"key": c.key, "title": c.title, "status": statuses[c.pk], "id": c.pk} for c in cases]
    status = worst(statuses.values()) if cases else ""
    return {
        "status": status,
        "tested": bool(cases) and status == ExecutionStatus.PASSED,
        "cases": rows,
        "counts": dict(Counter(statuses.values())),
    }


def executions_for_tickets(tickets: Iterable[Any]) -> QuerySet[Execution]:
    """Every execution of a case linked to any of ``tickets``, newest first."""
    ids = [t.pk for t in tickets]
    return (
        Execution.objects.filter(case__tickets__in=ids)
        .distinct()
        .select_related("run", "run__environment", "case", "case_version", "tester")
        .order_by("-executed_at", "-pk")
    )


def evidence(ticket: Any) -> dict[str, Any] | None:
    """Go / no-go evidence of a ticket from its test cases' executions: tested when every linked
    case passed (roll-up rule). ``None`` when no case is linked: the delivery area's own evidence
    (ticket status and links) is used then."""
    state = ticket_status(ticket)
    if not state["cases"]:
        return None
    run_rows: dict[int, dict[str, Any]] = {}
    for e in executions_for_tickets([ticket]).exclude(run__status=RunStatus.CANCELLED):
        row = run_rows.setdefault(
            e.run_id,
            {
                "title": f"{e.run.name} ({e.run.environment_label})",
                "url": reverse("testing:run_detail", args=[e.run_id]),
                "passed": True,
                "seen": set(),
            },
        )
        if e.case_id in row["seen"]:
            continue
        row["seen"].add(e.case_id)
        if e.status != ExecutionStatus.PASSED:
            row["passed"] = False
    return {
        "tested": state["tested"],
        "status": state["status"],
        "cases": [{k: v for k, v in c.items() if k != "id"} for c in state["cases"]],
        "runs": [{k: v for k, v in r.items() if k != "seen"} for r in run_rows.values()],
        "defects": [],
    }
