"""Computing a run: gather its inputs, call the engine, stage the results (register untouched).

``run_inputs(run)`` is what the computation rests on (tax file manifests, parameter values, the
register's state, code version) as canonical JSON; ``inputs_hash`` is its SHA-256, compared again
before approval. The results hash is the SHA-256 of the canonical result table, so the same
inputs give byte-identical results.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import metadata
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tugi.core.audit import audit_record
from tugi.core.services.runs import NoProgress

from .. import bulk
from ..audit_events import PensionEvent
from ..models import (
    CalculationRun,
    InsuredYear,
    Pension,
    PensionAmount,
    RunKind,
    RunPensionResult,
    RunPersonResult,
    RunStatus,
)
from . import runs_review
from .runs_notify import announce

#: The first year whose shares are joint shares (RPKS § 11 lg 1²); earlier years add insurance shares.
FIRST_JOINT_SHARE_YEAR = 2021


def code_version() -> str:
    """The code that computed (the package version; deterministic, no clock, no machine)."""
    try:
        return f"tugi {metadata.version('tugi')}"
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a plain checkout
        return "tugi (unpackaged)"


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def sha256_json(value: Any) -> str:
    return hashlib.sha256(canonical_json(value).encode()).hexdigest()


def table_sha256(table: pa.Table) -> str:
    """SHA-256 of a table written as CSV with every value as exact text (decimals at their scale)."""
    as_text = pa.table({name: table.column(name).cast(pa.string()) for name in table.column_names})
    buffer = io.BytesIO()
    pacsv.write_csv(as_text, buffer, write_options=pacsv.WriteOptions(include_header=True, delimiter=";"))
    return hashlib.sha256(buffer.getvalue()).hexdigest()


# --- inputs --------------------------------------------------------------------------------------


def _params() -> Any:
    from ..selectors_parameters import parameters

    return parameters()


def _entry(params: Any, name: str, on: dt.date) -> Any:
    from tugi.engine.parameters import ParameterMissing

    try:
        return params.entry(name, on)
    except ParameterMissing:
        raise ValidationError(
            {
                "parameters": _("No value of %(name)s is in force on %(date)s; record it first.")
                % {"name": name, "date": on.isoformat()}
            }
        ) from None


def _exact_entry(params: Any, name: str, on: dt.date) -> Any:
    """The value of ``name`` valid from exactly ``on`` (a published or confirmed value), or None."""
    for item in params.entries(name):
        if item.valid_from == on:
            return item
    return None


def _param_dict(entry: Any) -> dict[str, Any] | None:
    if entry is None:
        return None
    return {
        "valid_from": entry.valid_from.isoformat(),
        "value": str(entry.value),
        "source": entry.source,
        "legal_title": entry.legal_title,
    }


def register_fingerprint(on: dt.date) -> dict[str, Any]:
    """The state of the register a pension run rests on: pensions in payment and amount rows."""
    from ..selectors_register import pensions_in_payment

    pensions = pensions_in_payment(on).aggregate(changed=Max("updated_at"))
    return {
        "pensions_in_payment": pensions_in_payment(on).count(),
        "pensions_changed": pensions["changed"].isoformat() if pensions["changed"] else None,
        "pensions_all_changed": _iso(Pension.objects.aggregate(m=Max("updated_at"))["m"]),
        "amount_rows": PensionAmount.objects.count(),
        "last_amount_row": PensionAmount.objects.aggregate(m=Max("id"))["m"],
    }


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def applied_year_shares(year: int) -> CalculationRun | None:
    return CalculationRun.objects.filter(
        kind=RunKind.YEAR_SHARES, year=year, status=RunStatus.APPLIED
    ).first()


def run_inputs(run: CalculationRun) -> dict[str, Any]:
    """Everything the run's result depends on, as JSON-able values (no clock, no run id)."""
    params = _params()
    common: dict[str, Any] = {"kind": run.kind, "code_version": code_version()}
    if run.kind == RunKind.YEAR_SHARES:
        from ..selectors_parameters import confirmed_average
        from ..selectors_taxfiles import tax_manifests

        year = int(run.year or 0)
        average = confirmed_average(year)
        return {
            **common,
            "year": year,
            "tax_files": tax_manifests(year),
            "parameters": {
                "minimum_wage": _param_dict(_entry(params, "minimum_wage", dt.date(year, 12, 31))),
                "average_confirmed": str(average) if average is not None else None,
            },
        }
    assert run.effective_date is not None
    on = run.effective_date
    if run.kind == RunKind.RECALCULATION:
        year = int(run.year or 0)
        shares_run = applied_year_shares(year)
        return {
            **common,
            "year": year,
            "effective_date": on.isoformat(),
            "year_shares_run": (
                {"id": shares_run.pk, "results_hash": shares_run.results_hash} if shares_run else None
            ),
            "insured_years": InsuredYear.objects.filter(year=year).count(),
            "register": register_fingerprint(on),
            "parameters": {
                "base_amount": _param_dict(_entry(params, "base_amount", on)),
                "year_value": _param_dict(_entry(params, "year_value", on)),
            },
        }
    before = on - dt.timedelta(days=1)
    return {
        **common,
        "effective_date": on.isoformat(),
        "index": str(run.index),
        "register": register_fingerprint(on),
        "parameters": {
            "base_amount_before": _param_dict(_entry(params, "base_amount", before)),
            "year_value_before": _param_dict(_entry(params, "year_value", before)),
            "base_amount_on_date": _param_dict(_exact_entry(params, "base_amount", on)),
            "year_value_on_date": _param_dict(_exact_entry(params, "year_value", on)),
            "extra_base_increase": _param_dict(_exact_entry(params, "extra_base_increase", on)),
        },
    }


INPUT_LABELS = {
    "tax_files": "the social tax files of the year",
    "parameters": "the parameters",
    "register": "the pension register",
    "year_shares_run": "the applied year-shares run",
    "insured_years": "the insured persons' yearly figures",
    "code_version": "the program version",
}


def changed_inputs(run: CalculationRun) -> list[str]:
    """Top-level input keys whose value differs now from what the run was computed from."""
    now = json.loads(canonical_json(run_inputs(run)))
    then = run.inputs or {}
    return sorted(k for k in set(now) | set(then) if now.get(k) != then.get(k))


def check_inputs_unchanged(run: CalculationRun) -> None:
    if sha256_json(run_inputs(run)) == run.inputs_hash:
        return
    keys = changed_inputs(run)
    labels = ", ".join(_(INPUT_LABELS.get(k, k)) for k in keys) or _("the inputs")
    raise ValidationError(
        {
            "inputs": _(
                "The inputs changed since the run was computed (%(what)s); "
                "compute the run again before approving it."
            )
            % {"what": labels}
        }
    )


# --- computing -----------------------------------------------------------------------------------


@dataclass
class Staged:
    model: type[Any]
    table: pa.Table
    results_hash: str
    counts: dict[str, Any] = field(default_factory=dict)
    totals: dict[str, Any] = field(default_factory=dict)
    review: dict[str, Any] = field(default_factory=dict)


def _dec_sum(column: pa.ChunkedArray | pa.Array) -> str:
    if len(column) == 0:
        return "0"
    total = pc.sum(column).as_py()
    return str(total if total is not None else 0)


def compute_year_shares(run: CalculationRun, inputs: dict[str, Any], progress: Any) -> Staged:
    from tugi.engine.yearly import compute_year, connect, results_sha256

    from ..selectors_taxfiles import tax_parquet_paths

    year = int(run.year or 0)
    paths = tax_parquet_paths(year)
    if not paths:
        raise ValidationError(
            {"year": _("No social tax file of %(year)d has been imported.") % {"year": year}}
        )
    minimum_wage = Decimal(inputs["parameters"]["minimum_wage"]["value"])
    confirmed = inputs["parameters"]["average_confirmed"]
    progress.update(percent=15, step=_("Computing every insured person's figures"))
    con = connect("duckdb")
    try:
        result = compute_year(
            con,
            [str(p) for p in paths],
            year=year,
            minimum_wage=minimum_wage,
            average=Decimal(confirmed) if confirmed is not None else None,
        )
    finally:
        close = getattr(con, "disconnect", None)
        if close is not None:
            close()
    table = result.table
    progress.update(percent=60, step=_("Preparing the review"))
    share_col = "joint_share" if year >= FIRST_JOINT_SHARE_YEAR else "insurance_share"
    counts = {
        "persons": table.num_rows,
        "tax_rows": sum(int(m.get("rows", 0)) for m in inputs["tax_files"]),
        "tax_files": len(inputs["tax_files"]),
    }
    totals = {
        "average_proposed": str(result.average_proposed),
        "average_used": str(result.average_used),
        "average_source": "confirmed" if confirmed is not None else "proposal",
        "pension_part": _dec_sum(table.column("pension_part")),
        "service_fraction": _dec_sum(table.column("service_fraction")),
        "insurance_share": _dec_sum(table.column("insurance_share")),
        "joint_share": _dec_sum(table.column("joint_share")) if year >= FIRST_JOINT_SHARE_YEAR else None,
    }
    review = runs_review.year_shares_review(table, share_col)
    return Staged(RunPersonResult, table, results_sha256(table), counts, totals, review)


def _decimal_array(values: list[Any], precision: int, scale: int) -> pa.Array:
    return pa.array(values, type=pa.decimal128(precision, scale))


def _pension_stage(
    pensions: pa.Table,
    new_amounts: pa.Table,
    *,
    base_amount: Decimal,
    year_value: Decimal,
    added: pa.Array | None,
) -> pa.Table:
    """The staged rows (RunPensionResult's columns), sorted by pension id."""
    order = pc.sort_indices(pensions, sort_keys=[("pension_id", "ascending")])
    pensions = pensions.take(order)
    if added is not None:
        added = added.take(order)
    ids = pensions.column("pension_id").cast(pa.int64())
    n = len(ids)
    # recompute_amounts answers sorted by pension id: the same order, checked, no Python loop
    if new_amounts.num_rows != n or not pc.all(pc.equal(new_amounts.column("pension_id"), ids)).as_py():
        raise ValueError("the engine's amounts do not match the pensions")
    table = pa.table(
        {
            "pension_id": ids,
            "old_amount": pensions.column("old_amount").cast(pa.decimal128(14, 2)),
            "new_amount": new_amounts.column("new_amount").cast(pa.decimal128(14, 2)),
            "base_amount": pa.repeat(
                pa.scalar(base_amount.quantize(Decimal("0.000001")), pa.decimal128(18, 6)), n
            ),
            "year_value": pa.repeat(
                pa.scalar(year_value.quantize(Decimal("0.000001")), pa.decimal128(18, 6)), n
            ),
            "service_years": pensions.column("service_years").cast(pa.decimal128(6, 2)),
            "insurance_shares": pensions.column("insurance_shares").cast(pa.decimal128(9, 3)),
            "joint_shares": pensions.column("joint_shares").cast(pa.decimal128(9, 3)),
            "adjustment_factor": pensions.column("adjustment_factor").cast(pa.decimal128(8, 6)),
            "added_share": added if added is not None else pa.nulls(n, type=pa.decimal128(9, 3)),
        }
    )
    return table


def _recompute(pensions: pa.Table, *, base_amount: Decimal, year_value: Decimal) -> pa.Table:
    from tugi.engine.pensions_calc import recompute_amounts

    columns = ["pension_id", "service_years", "insurance_shares", "joint_shares", "adjustment_factor"]
    return recompute_amounts(pensions.select(columns), base_amount=base_amount, year_value=year_value)


def compute_recalculation(run: CalculationRun, inputs: dict[str, Any], progress: Any) -> Staged:
    from ..selectors_register import pensions_in_payment
    from ..selectors_runs import register_table

    year = int(run.year or 0)
    on = run.effective_date
    assert on is not None
    if inputs["year_shares_run"] is None:
        raise ValidationError(
            {
                "year": _("The year-shares run of %(year)d has not been applied yet; apply it first.")
                % {"year": year}
            }
        )
    progress.update(percent=10, step=_("Reading the pensions in payment"))
    pensions = register_table(on)
    shares = dict(
        (code, (ins, joint))
        for code, ins, joint in InsuredYear.objects.filter(
            year=year, person_code__in=pensions_in_payment(on).values("person__personal_code")
        ).values_list("person_code", "insurance_share", "joint_share")
    )
    already = set(Pension.objects.filter(last_share_year__gte=year).values_list("pk", flat=True))
    codes = pensions.column("person_code").to_pylist()
    ids = pensions.column("pension_id").to_pylist()
    keep = [code in shares and pid not in already for code, pid in zip(codes, ids, strict=True)]
    skipped = sum(1 for code, pid in zip(codes, ids, strict=True) if code in shares and pid in already)
    working = pensions.filter(pa.array(keep, type=pa.bool_()))
    joint = year >= FIRST_JOINT_SHARE_YEAR
    added_values: list[Decimal] = []
    for code in working.column("person_code").to_pylist():
        ins, jnt = shares[code]
        added_values.append(Decimal(jnt or 0) if joint else Decimal(ins or 0))
    added = _decimal_array(added_values, 9, 3)
    target = "joint_shares" if joint else "insurance_shares"
    new_sums = pc.add(working.column(target).cast(pa.decimal128(12, 3)), added.cast(pa.decimal128(12, 3)))
    working = working.set_column(
        working.column_names.index(target), target, new_sums.cast(pa.decimal128(9, 3))
    )
    base_amount = Decimal(inputs["parameters"]["base_amount"]["value"])
    year_value = Decimal(inputs["parameters"]["year_value"]["value"])
    progress.update(percent=35, step=_("Recomputing the amounts"))
    new_amounts = _recompute(working, base_amount=base_amount, year_value=year_value)
    table = _pension_stage(working, new_amounts, base_amount=base_amount, year_value=year_value, added=added)
    progress.update(percent=60, step=_("Preparing the review"))
    counts = {"pensions": table.num_rows, "pensions_in_payment": pensions.num_rows, "skipped": skipped}
    totals = {
        "base_amount": str(base_amount),
        "year_value": str(year_value),
        "added_share": _dec_sum(table.column("added_share")),
        **runs_review.amount_totals(table),
    }
    review = runs_review.pension_review(table, working, kind=run.kind)
    return Staged(RunPensionResult, table, table_sha256(table), counts, totals, review)


def compute_indexation(run: CalculationRun, inputs: dict[str, Any], progress: Any) -> Staged:
    from tugi.engine.pensions_calc import indexation_proposal, register_totals

    from ..selectors_runs import register_table

    on = run.effective_date
    assert on is not None and run.index is not None
    index = Decimal(run.index)
    progress.update(percent=10, step=_("Reading the pensions in payment"))
    pensions = register_table(on)
    p = inputs["parameters"]
    base_before = Decimal(p["base_amount_before"]["value"])
    year_value_before = Decimal(p["year_value_before"]["value"])
    extra = Decimal(p["extra_base_increase"]["value"]) if p["extra_base_increase"] else Decimal(0)
    columns = ["pension_id", "service_years", "insurance_shares", "joint_shares", "adjustment_factor"]
    total_base, total_years = register_totals(pensions.select(columns), base_amount=base_before)
    proposal = indexation_proposal(
        base_amount=base_before,
        year_value=year_value_before,
        index=index,
        total_base=total_base,
        total_years=total_years,
        extra_base=extra,
    )
    base_amount = (
        Decimal(p["base_amount_on_date"]["value"]) if p["base_amount_on_date"] else proposal.base_amount
    )
    year_value = Decimal(p["year_value_on_date"]["value"]) if p["year_value_on_date"] else proposal.year_value
    progress.update(percent=35, step=_("Recomputing every pension"))
    new_amounts = _recompute(pensions, base_amount=base_amount, year_value=year_value)
    table = _pension_stage(pensions, new_amounts, base_amount=base_amount, year_value=year_value, added=None)
    if index <= 1:
        # RPKS § 26: an index not above 1 does not reduce pensions.
        old = table.column("old_amount")
        new = table.column("new_amount")
        keep_old = pc.and_kleene(pc.is_valid(old), pc.less(new, old))
        table = table.set_column(
            table.column_names.index("new_amount"), "new_amount", pc.if_else(keep_old, old, new)
        )
    progress.update(percent=60, step=_("Preparing the review"))
    counts = {"pensions": table.num_rows}
    totals = {
        "base_amount_before": str(base_before),
        "year_value_before": str(year_value_before),
        "extra_base_increase": str(extra),
        "base_amount": str(base_amount),
        "year_value": str(year_value),
        "base_amount_proposed": str(proposal.base_amount),
        "year_value_proposed": str(proposal.year_value),
        "base_amount_source": p["base_amount_on_date"]["source"] if p["base_amount_on_date"] else "proposal",
        "year_value_source": p["year_value_on_date"]["source"] if p["year_value_on_date"] else "proposal",
        "total_base": str(total_base),
        "total_years": str(total_years),
        **runs_review.amount_totals(table),
    }
    review = runs_review.pension_review(table, pensions, kind=run.kind, index=index, extra_base=extra)
    return Staged(RunPensionResult, table, table_sha256(table), counts, totals, review)


COMPUTERS: dict[str, Callable[[CalculationRun, dict[str, Any], Any], Staged]] = {
    RunKind.YEAR_SHARES: compute_year_shares,
    RunKind.RECALCULATION: compute_recalculation,
    RunKind.INDEXATION: compute_indexation,
}


def _fail(run_id: int, message: str) -> None:
    with transaction.atomic():
        run = CalculationRun.objects.select_for_update().get(pk=run_id)
        if run.status != RunStatus.COMPUTING:
            return
        run.status, run.error = RunStatus.FAILED, message[:5000]
        run.save(update_fields=["status", "error", "updated_at"])
        audit_record(
            event=PensionEvent.RUN_FAILED,
            actor=run.computed_by or run.created_by,
            obj=run,
            before={"status": RunStatus.COMPUTING},
            after={"status": RunStatus.FAILED, "error": run.error},
        )
        announce(run, "failed", run.computed_by or run.created_by)


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "\n".join(exc.messages)
    return f"{type(exc).__name__}: {exc}"


def run_compute_execute(*, run_id: int, progress: Any | None = None) -> dict[str, Any]:
    """Compute a run that is ``computing`` and stage its results; the job handler calls this.
    On an error the run is marked failed with the error kept, and the error is raised again."""
    progress = progress or NoProgress()
    run = CalculationRun.objects.get(pk=run_id)
    if run.status != RunStatus.COMPUTING:
        return {"run": run.pk, "status": run.status}
    started = time.monotonic()
    try:
        progress.update(percent=2, step=_("Recording the inputs"))
        inputs = json.loads(canonical_json(run_inputs(run)))
        staged = COMPUTERS[run.kind](run, inputs, progress)
        progress.update(percent=75, step=_("Storing the results"))
        with transaction.atomic():
            run = CalculationRun.objects.select_for_update().get(pk=run_id)
            if run.status != RunStatus.COMPUTING:
                return {"run": run.pk, "status": run.status}
            RunPersonResult.objects.filter(run=run).delete()
            RunPensionResult.objects.filter(run=run).delete()
            bulk.insert_arrow(staged.model, staged.table, constants={"run_id": run.pk})
            progress.update(percent=90, step=_("Checking the results"))
            review = runs_review.stored_checks(run, staged.model, staged.review)
            run.inputs, run.inputs_hash = inputs, sha256_json(inputs)
            run.results_hash = staged.results_hash
            run.counts, run.totals, run.review = staged.counts, staged.totals, review
            run.code_version = inputs["code_version"]
            run.duration_ms = int((time.monotonic() - started) * 1000)
            run.status, run.computed_at = RunStatus.COMPUTED, timezone.now()
            run.save()
            audit_record(
                event=PensionEvent.RUN_COMPUTED,
                actor=run.computed_by or run.created_by,
                obj=run,
                before={"status": RunStatus.COMPUTING},
                after={
                    "status": RunStatus.COMPUTED,
                    "inputs_hash": run.inputs_hash,
                    "results_hash": run.results_hash,
                    "counts": run.counts,
                    "duration_ms": run.duration_ms,
                },
            )
            announce(run, "computed", run.computed_by or run.created_by)
    except Exception as exc:
        _fail(run_id, _message(exc))
        raise
    return {"run": run.pk, "status": run.status, "results_hash": run.results_hash, **run.counts}
