"""Applying a run: the staged results go into the register in set-based SQL statements.

``apply_results`` runs inside ``run_apply``'s transaction, so a failure in any step leaves the
register as it was (and the run approved). Year shares replace the person's figures of that year;
recalculation and indexation add an amount row per pension effective from the run's date, and a
recalculation also moves the pension's sums of shares on. ``INSERT … SELECT`` and ``UPDATE … FROM``
work on PostgreSQL and on SQLite ≥ 3.33 alike: 320 000 pensions are written in seconds.
"""

from __future__ import annotations

from django.db import connection
from django.utils import timezone

from tugi.engine.yearly import RESULT_COLUMNS

from ..models import (
    AmountReason,
    CalculationRun,
    InsuredYear,
    Pension,
    PensionAmount,
    RunKind,
    RunPensionResult,
    RunPersonResult,
)

YEAR_FIELDS = list(RESULT_COLUMNS)  # the engine's result columns are the staged and register columns
AMOUNT_COPIED = [
    "base_amount",
    "year_value",
    "service_years",
    "insurance_shares",
    "joint_shares",
    "adjustment_factor",
]


# The SQL below is built only from model metadata (table and column names); every value is a
# query parameter, hence the ``noqa: S608``.


def _t(model: type) -> str:
    return f'"{model._meta.db_table}"'  # type: ignore[attr-defined]


def _cols(names: list[str]) -> str:
    return ", ".join(f'"{n}"' for n in names)


def replace_insured_years(run: CalculationRun) -> int:
    """Step 1 of a year-shares apply: remove the register's rows of these persons for the year."""
    with connection.cursor() as cursor:
        cursor.execute(
            f'DELETE FROM {_t(InsuredYear)} WHERE "year" = %s AND "person_code" IN '  # noqa: S608
            f'(SELECT "person_code" FROM {_t(RunPersonResult)} WHERE "run_id" = %s)',
            [run.year, run.pk],
        )
        return int(cursor.rowcount or 0)


def insert_insured_years(run: CalculationRun) -> int:
    """Step 2: the staged figures become the register's, with the run that produced them."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_t(InsuredYear)} ({_cols([*YEAR_FIELDS, 'run_id'])}) "  # noqa: S608
            f'SELECT {_cols(YEAR_FIELDS)}, "run_id" FROM {_t(RunPersonResult)} WHERE "run_id" = %s',
            [run.pk],
        )
        return int(cursor.rowcount or 0)


def insert_amounts(run: CalculationRun, reason: str) -> int:
    """Step 1 of a pension run's apply: one amount row per pension, effective from the run's date."""
    ops = connection.ops
    valid_from = ops.adapt_datefield_value(run.effective_date)
    created = ops.adapt_datetimefield_value(timezone.now())
    note = str(run)[:300]
    columns = ["pension_id", "valid_from", "amount", *AMOUNT_COPIED, "reason", "note", "run_id", "created_at"]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_t(PensionAmount)} ({_cols(columns)}) "  # noqa: S608
            f'SELECT "pension_id", %s, "new_amount", {_cols(AMOUNT_COPIED)}, %s, %s, "run_id", %s '
            f'FROM {_t(RunPensionResult)} WHERE "run_id" = %s',
            [valid_from, reason, note, created, run.pk],
        )
        return int(cursor.rowcount or 0)


def update_pension_sums(run: CalculationRun) -> int:
    """Step 2 of a recalculation's apply: the pensions' sums of shares and the last year added."""
    changed = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE {_t(Pension)} SET "insurance_shares" = r."insurance_shares", '  # noqa: S608
            f'"joint_shares" = r."joint_shares", "last_share_year" = %s, "updated_at" = %s '
            f'FROM {_t(RunPensionResult)} AS r WHERE r."run_id" = %s AND {_t(Pension)}."id" = r."pension_id"',
            [run.year, changed, run.pk],
        )
        return int(cursor.rowcount or 0)


def apply_results(run: CalculationRun) -> int:
    """Write the run's staged rows into the register (inside the caller's transaction)."""
    if run.kind == RunKind.YEAR_SHARES:
        replace_insured_years(run)
        return insert_insured_years(run)
    if run.kind == RunKind.RECALCULATION:
        written = insert_amounts(run, AmountReason.RECALCULATION)
        update_pension_sums(run)
        return written
    return insert_amounts(run, AmountReason.INDEXATION)
