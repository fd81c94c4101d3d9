"""The problem register of SKAIS's finance and payment functions.

Lifecycle: reported → analysing → forwarded (to a partner, with their reference) → solved (root
cause and resolution) → closed. Analysing may lead straight to solved; a forwarded problem may go
back to analysing; a solved one may be reopened (analysing). Skipping a step is refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tugi.core.crud import assign, save_changes, save_fields, save_new
from tugi.core.permissions import require

from ..audit_events_monitors import MonitorEvent
from ..models import FinanceProblem, Monitor, ProblemStatus

__all__ = [
    "EDITABLE",
    "TRANSITIONS",
    "problem_analyse",
    "problem_close",
    "problem_create",
    "problem_forward",
    "problem_link_monitor",
    "problem_reopen",
    "problem_solve",
    "problem_update",
]

S = ProblemStatus
EDITABLE = ("title", "description", "module", "severity", "reported_on", "reported_by_name")

#: status -> the statuses it may move to
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.REPORTED: (S.ANALYSING,),
    S.ANALYSING: (S.FORWARDED, S.SOLVED),
    S.FORWARDED: (S.ANALYSING, S.SOLVED),
    S.SOLVED: (S.CLOSED, S.ANALYSING),
    S.CLOSED: (),
}


def _locked(problem: FinanceProblem) -> FinanceProblem:
    return FinanceProblem.objects.select_for_update().get(pk=problem.pk)


def _check_step(problem: FinanceProblem, to: str) -> None:
    if to not in TRANSITIONS.get(problem.status, ()):
        allowed = ", ".join(str(S(s).label) for s in TRANSITIONS.get(problem.status, ())) or "—"
        raise ValidationError(
            {
                "status": _("A %(status)s problem cannot become %(to)s; next step: %(allowed)s.")
                % {"status": S(problem.status).label, "to": S(to).label, "allowed": allowed}
            }
        )


def problem_create(*, actor: Any, reason: str = "", **values: Any) -> FinanceProblem:
    require(actor, "finance.add_financeproblem")
    problem = FinanceProblem(created_by=actor, status=S.REPORTED)
    values.setdefault("reported_on", timezone.localdate())
    assign(problem, values, EDITABLE, keep_spaces=("description",))
    with transaction.atomic():
        return save_new(problem, event=MonitorEvent.PROBLEM_CREATED, actor=actor, reason=reason)


def problem_update(*, problem: FinanceProblem, actor: Any, reason: str = "", **values: Any) -> FinanceProblem:
    """Change the description fields (not the status: that has its own steps)."""
    require(actor, "finance.change_financeproblem")
    with transaction.atomic():
        problem = _locked(problem)
        if problem.status == S.CLOSED:
            raise ValidationError({"status": _("A closed problem cannot be changed.")})
        before = problem.audit_snapshot()
        assign(problem, values, EDITABLE, keep_spaces=("description",))
        save_changes(problem, before, event=MonitorEvent.PROBLEM_UPDATED, actor=actor, reason=reason)
    return problem


def problem_analyse(*, problem: FinanceProblem, actor: Any, reason: str = "") -> FinanceProblem:
    """Start analysing a reported problem."""
    require(actor, "finance.change_financeproblem")
    with transaction.atomic():
        problem = _locked(problem)
        if problem.status != S.REPORTED:
            raise ValidationError({"status": _("Only a reported problem can be taken into analysis.")})
        save_fields(
            problem, event=MonitorEvent.PROBLEM_STATUS, actor=actor, reason=reason, status=S.ANALYSING
        )
    return problem


def problem_reopen(*, problem: FinanceProblem, actor: Any, reason: str = "") -> FinanceProblem:
    """Back to analysing: a forwarded problem taken back, or a solved one that was not solved."""
    require(actor, "finance.change_financeproblem")
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the problem is analysed again.")})
    with transaction.atomic():
        problem = _locked(problem)
        if problem.status == S.REPORTED:
            raise ValidationError({"status": _("Use 'start analysis' for a reported problem.")})
        _check_step(problem, S.ANALYSING)
        save_fields(
            problem, event=MonitorEvent.PROBLEM_STATUS, actor=actor, reason=reason, status=S.ANALYSING
        )
    return problem


def problem_forward(
    *,
    problem: FinanceProblem,
    partner: Any,
    partner_reference: str,
    actor: Any,
    forwarded_on: dt.date | None = None,
    reason: str = "",
) -> FinanceProblem:
    """Forward the problem to a partner (e.g. the developer); their reference is required."""
    require(actor, "finance.change_financeproblem")
    errors: dict[str, str] = {}
    if partner is None:
        errors["partner"] = _("Choose the partner the problem is forwarded to.")
    reference = (partner_reference or "").strip()
    if not reference:
        errors["partner_reference"] = _("Enter the partner's reference (their ticket number).")
    elif len(reference) > 100:
        errors["partner_reference"] = _("The reference may have at most 100 characters.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        problem = _locked(problem)
        _check_step(problem, S.FORWARDED)
        save_fields(
            problem,
            event=MonitorEvent.PROBLEM_STATUS,
            actor=actor,
            reason=reason,
            status=S.FORWARDED,
            partner=partner,
            partner_reference=reference,
            forwarded_on=forwarded_on or timezone.localdate(),
        )
    return problem


def problem_solve(
    *,
    problem: FinanceProblem,
    root_cause: str,
    resolution: str,
    actor: Any,
    solved_on: dt.date | None = None,
    monitor: Monitor | None = None,
    reason: str = "",
) -> FinanceProblem:
    """Record the root cause and the resolution (and optionally the monitor that watches for a
    recurrence)."""
    require(actor, "finance.change_financeproblem")
    errors: dict[str, str] = {}
    if not (root_cause or "").strip():
        errors["root_cause"] = _("Describe the root cause.")
    if not (resolution or "").strip():
        errors["resolution"] = _("Describe how the problem was solved.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        problem = _locked(problem)
        _check_step(problem, S.SOLVED)
        changes: dict[str, Any] = {
            "status": S.SOLVED,
            "root_cause": root_cause.strip(),
            "resolution": resolution.strip(),
            "solved_on": solved_on or timezone.localdate(),
        }
        if monitor is not None:
            changes["monitor"] = monitor
        save_fields(problem, event=MonitorEvent.PROBLEM_STATUS, actor=actor, reason=reason, **changes)
    return problem


def problem_close(*, problem: FinanceProblem, actor: Any, reason: str = "") -> FinanceProblem:
    require(actor, "finance.change_financeproblem")
    with transaction.atomic():
        problem = _locked(problem)
        _check_step(problem, S.CLOSED)
        save_fields(problem, event=MonitorEvent.PROBLEM_STATUS, actor=actor, reason=reason, status=S.CLOSED)
    return problem


def problem_link_monitor(
    *, problem: FinanceProblem, monitor: Monitor | None, actor: Any, reason: str = ""
) -> FinanceProblem:
    """Link the monitor created so that the problem does not recur (or unlink with None)."""
    require(actor, "finance.change_financeproblem")
    with transaction.atomic():
        problem = _locked(problem)
        if problem.status == S.CLOSED:
            raise ValidationError({"monitor": _("A closed problem cannot be changed.")})
        save_fields(problem, event=MonitorEvent.PROBLEM_UPDATED, actor=actor, reason=reason, monitor=monitor)
    return problem
