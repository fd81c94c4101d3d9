"""Calculation runs: draft → computing → computed → approved → applied, or discarded / failed.

Every transition is one function here, atomic, permission-checked and audited once:

- ``run_create``: a draft run of a kind (year-shares and recalculation take a year, indexation a
  date and an index).
- ``run_compute``: starts the background job (``pensions-run-compute``); the job handler calls
  ``runs_compute.run_compute_execute`` which stages the results (the register is untouched) and
  marks the run computed, or failed with the error kept.
- ``run_approve``: a second person (neither the creator nor the one who computed) approves, after
  checking that the inputs are still those the run was computed from.
- ``run_apply``: writes the staged results into the register in one transaction
  (``runs_apply``); applying twice is impossible.
- ``run_discard``: the run is set aside (from draft, computed, failed or approved) with a reason.
- ``run_mark_payments_informed``: the checklist's last step, the finance team told.

Each stage (started, computed, approved, applied) notifies the ``mass-calculation`` topic.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tugi.core.audit import audit_record
from tugi.core.permissions import require
from tugi.core.services.runs import run_job_start, run_mark_computing, run_refuse_same_person

from ..audit_events import PensionEvent
from ..models import CalculationRun, RunKind, RunPensionResult, RunPersonResult, RunStatus
from . import runs_apply, runs_compute
from .runs_notify import announce

COMPUTE_JOB = "pensions-run-compute"

FIRST_YEAR = 1999

#: Statuses from which a run may be discarded (an applied run is history; a computing one waits).
DISCARDABLE = {RunStatus.DRAFT, RunStatus.COMPUTED, RunStatus.FAILED, RunStatus.APPROVED}


def _snapshot(run: CalculationRun) -> dict[str, Any]:
    return {
        "kind": run.kind,
        "year": run.year,
        "effective_date": run.effective_date.isoformat() if run.effective_date else None,
        "index": str(run.index) if run.index is not None else None,
        "status": run.status,
        "inputs_hash": run.inputs_hash,
        "results_hash": run.results_hash,
    }


def _check_year(year: int | None) -> int:
    last = timezone.localdate().year + 1
    if year is None:
        raise ValidationError({"year": _("Enter the year.")})
    if not FIRST_YEAR <= int(year) <= last:
        raise ValidationError(
            {
                "year": _("The year must be between %(first)d and %(last)d.")
                % {"first": FIRST_YEAR, "last": last}
            }
        )
    return int(year)


def _check_index(index: Any) -> Decimal:
    if index is None or index == "":
        raise ValidationError({"index": _("Enter the pension index.")})
    if isinstance(index, float):
        raise ValidationError({"index": _("Give the index as a decimal number, e.g. 1.045.")})
    try:
        value = Decimal(str(index))
    except InvalidOperation:
        raise ValidationError({"index": _("The index must be a number, e.g. 1.045.")}) from None
    if not value.is_finite() or value <= 0:
        raise ValidationError({"index": _("The index must be greater than zero.")})
    if value >= 10 or value.as_tuple().exponent < -4:  # type: ignore[operator]
        raise ValidationError({"index": _("The index has at most 4 decimals and is below 10.")})
    return value


@transaction.atomic
def run_create(
    *,
    kind: str,
    actor: Any,
    year: int | None = None,
    effective_date: dt.date | None = None,
    index: Decimal | str | None = None,
    note: str = "",
) -> CalculationRun:
    """A draft run. ``year-shares`` and ``recalculation`` need a year (the recalculation takes
    effect on 1 April of the next year); ``indexation`` needs a date and an index."""
    require(actor, "pensions.add_calculationrun")
    if kind not in RunKind.values:
        raise ValidationError({"kind": _("Choose the kind of run.")})
    run = CalculationRun(kind=kind, note=note or "", created_by=actor, status=RunStatus.DRAFT)
    if kind in (RunKind.YEAR_SHARES, RunKind.RECALCULATION):
        run.year = _check_year(year)
        if kind == RunKind.RECALCULATION:
            run.effective_date = dt.date(run.year + 1, 4, 1)
    else:
        if effective_date is None:
            raise ValidationError({"effective_date": _("Enter the date the indexation takes effect.")})
        if not dt.date(FIRST_YEAR, 1, 1) <= effective_date <= dt.date(timezone.localdate().year + 1, 12, 31):
            raise ValidationError({"effective_date": _("The date is outside the years Tugi calculates.")})
        run.effective_date = effective_date
        run.index = _check_index(index)
        run.year = effective_date.year
    run.full_clean()
    run.save()
    audit_record(event=PensionEvent.RUN_CREATED, actor=actor, obj=run, after=_snapshot(run))
    return run


def _locked(run: CalculationRun) -> CalculationRun:
    return CalculationRun.objects.select_for_update().get(pk=run.pk)


def _mark_computing(run: CalculationRun, actor: Any) -> CalculationRun:
    """Lock the run and mark it computing by ``actor`` (from draft, failed or computed: a
    recomputation replaces the staged results and any approval)."""
    require(actor, "pensions.add_calculationrun")
    return run_mark_computing(_locked(run), actor)


def run_compute(*, run: CalculationRun, actor: Any) -> Any:
    """Start computing ``run`` in the background. Returns the job; its page and the run's page
    show the progress."""
    with transaction.atomic():
        run = _mark_computing(run, actor)
        job = run_job_start(run, kind=COMPUTE_JOB, title=_("Compute %(run)s") % {"run": run}, actor=actor)
        announce(run, "started", actor)
    return job


def run_compute_now(*, run: CalculationRun, actor: Any, progress: Any | None = None) -> CalculationRun:
    """Compute ``run`` here and now, without a background job (the demo loader, benchmarks).
    The run ends computed or failed like a background computation; a failure is raised again."""
    with transaction.atomic():
        run = _mark_computing(run, actor)
        announce(run, "started", actor)
    runs_compute.run_compute_execute(run_id=run.pk, progress=progress)
    run.refresh_from_db()
    return run


@transaction.atomic
def run_approve(*, run: CalculationRun, actor: Any, reason: str = "") -> CalculationRun:
    """A second person approves a computed run whose inputs have not changed since computing."""
    require(actor, "pensions.change_calculationrun")
    run = _locked(run)
    if run.status != RunStatus.COMPUTED:
        raise ValidationError(
            {
                "status": _("Only a computed run can be approved; this one is %(status)s.")
                % {"status": run.get_status_display()}
            }
        )
    run_refuse_same_person(run, actor, _("approving"))
    runs_compute.check_inputs_unchanged(run)
    before = _snapshot(run)
    run.status, run.approved_by, run.approved_at = RunStatus.APPROVED, actor, timezone.now()
    run.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    audit_record(
        event=PensionEvent.RUN_APPROVED,
        actor=actor,
        obj=run,
        before=before,
        after=_snapshot(run),
        reason=reason,
    )
    announce(run, "approved", actor)
    return run


@transaction.atomic
def run_apply(*, run: CalculationRun, actor: Any, reason: str = "") -> CalculationRun:
    """Write an approved run's results into the register, all or nothing. The approver may apply;
    the person who computed may not. A second apply finds the run applied and is refused."""
    require(actor, "pensions.change_calculationrun")
    run = _locked(run)
    if run.status != RunStatus.APPROVED:
        raise ValidationError(
            {
                "status": _("Only an approved run can be applied; this one is %(status)s.")
                % {"status": run.get_status_display()}
            }
        )
    run_refuse_same_person(run, actor, _("applying"))
    runs_compute.check_inputs_unchanged(run)
    before = _snapshot(run)
    written = runs_apply.apply_results(run)
    run.status, run.applied_by, run.applied_at = RunStatus.APPLIED, actor, timezone.now()
    run.counts = {**run.counts, "applied": written}
    run.save(update_fields=["status", "applied_by", "applied_at", "counts", "updated_at"])
    audit_record(
        event=PensionEvent.RUN_APPLIED,
        actor=actor,
        obj=run,
        before=before,
        after={**_snapshot(run), "rows_written": written},
        reason=reason,
    )
    announce(run, "applied", actor)
    return run


@transaction.atomic
def run_discard(*, run: CalculationRun, actor: Any, reason: str) -> CalculationRun:
    """Set a run aside (its staged results are deleted); a reason is required."""
    require(actor, "pensions.change_calculationrun")
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for discarding the run.")})
    run = _locked(run)
    if run.status not in DISCARDABLE:
        raise ValidationError(
            {
                "status": _("A run that is %(status)s cannot be discarded.")
                % {"status": run.get_status_display()}
            }
        )
    before = _snapshot(run)
    RunPersonResult.objects.filter(run=run).delete()
    RunPensionResult.objects.filter(run=run).delete()
    run.status = RunStatus.DISCARDED
    run.save(update_fields=["status", "updated_at"])
    audit_record(
        event=PensionEvent.RUN_DISCARDED,
        actor=actor,
        obj=run,
        before=before,
        after=_snapshot(run),
        reason=reason,
    )
    return run


@transaction.atomic
def run_mark_payments_informed(*, run: CalculationRun, actor: Any, reason: str = "") -> CalculationRun:
    """Record that the payments team was told of an applied run (the checklist's last step); the
    finance role is notified."""
    require(actor, "pensions.change_calculationrun")
    run = _locked(run)
    if run.status != RunStatus.APPLIED:
        raise ValidationError({"status": _("Only an applied run's payments can be informed.")})
    if run.review.get("payments_informed"):
        return run
    before = {"payments_informed": None}
    stamp = {"at": timezone.now().isoformat(), "by": actor.get_username()}
    run.review = {**run.review, "payments_informed": stamp}
    run.save(update_fields=["review", "updated_at"])
    audit_record(
        event=PensionEvent.RUN_PAYMENTS_INFORMED,
        actor=actor,
        obj=run,
        before=before,
        after={"payments_informed": stamp},
        reason=reason,
    )
    announce(run, "payments", actor)
    return run
