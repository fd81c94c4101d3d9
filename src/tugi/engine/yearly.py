"""The yearly figures of every insured person (PENSIONS.md § 1–4) as Ibis expressions.

The backend is a parameter: DuckDB in memory by default (over Parquet files or an Arrow table),
PostgreSQL through Ibis for the cross-check. Both must give byte-identical results, equal to the
scalar rules of ``tugi.engine.rules`` (the definition).

Exactness: DuckDB's decimal division returns a double, and Ibis compiles integer floor division
through a double on both backends. Every rounded figure is therefore computed on int64 columns in
cents or 10⁻⁴ / 10⁻³ units, with half-up rounding ``(2·num + den) // (2·den)`` for non-negative
integers, where the integer division is made exact as ``round((a − a mod b) / b)``: the dividend is
an exact multiple, so the double quotient is exact while the quotient stays below 2⁵⁰ (ours are
below 10¹²). Intermediate magnitudes stay below int64 limits: per person the social tax is refused
above ``MAX_PERSON_TAX_CENTS``; the largest intermediate, the joint share's numerator
``(pp·10⁴ + sf·avg) · ff``, stays below 2·10¹⁸.
"""

from __future__ import annotations

import csv
import hashlib
import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from ibis.backends import BaseBackend

from tugi.engine import rules
from tugi.engine.arrowutil import YearInputError, decimal_units, to_units, units_to_decimal_array
from tugi.engine.taxfile import SCHEMA as TAX_SCHEMA
from tugi.engine.taxfile import read_parquet

#: A person's social tax of a year above this (160 million EUR) is refused: it keeps every
#: intermediate of the integer arithmetic within int64.
MAX_PERSON_TAX_CENTS = 16_000_000_000
#: The average social tax (in cents) must stay below this (1 million EUR) for the same reason.
MAX_AVERAGE_CENTS = 100_000_000

__all__ = [
    "RESULT_COLUMNS",
    "RESULT_SCHEMA",
    "YearInputError",
    "YearResult",
    "compute_year",
    "connect",
    "decimal_units",
    "half_up",
    "int_div",
    "latest_rows",
    "person_figures",
    "results_sha256",
    "shares",
    "to_units",
    "units_to_decimal_array",
    "write_results_csv",
]

RESULT_COLUMNS = (
    "person_code",
    "year",
    "pension_part",
    "insured_base",
    "service_fraction",
    "funded_factor",
    "insurance_share",
    "joint_share",
)
RESULT_SCHEMA = pa.schema(
    [
        ("person_code", pa.string()),
        ("year", pa.int16()),
        ("pension_part", pa.decimal128(14, 2)),
        ("insured_base", pa.decimal128(14, 2)),
        ("service_fraction", pa.decimal128(7, 4)),
        ("funded_factor", pa.decimal128(7, 4)),
        ("insurance_share", pa.decimal128(9, 3)),
        ("joint_share", pa.decimal128(9, 3)),
    ]
)


# --- exact integer helpers for Ibis -------------------------------------------------------------


def int_div(a: ir.IntegerValue, b: ir.IntegerValue | int) -> ir.IntegerValue:
    """Exact ``a // b`` for non-negative int64 ``a`` and positive ``b`` on every backend.

    ``a − a mod b`` is an exact multiple of ``b``, so the (double) quotient Ibis compiles is exact
    while it stays below 2⁵⁰; ``round`` removes the representation error of the division."""
    return ((a - a % b) / b).round().cast("int64")


def half_up(num: ir.IntegerValue, den: ir.IntegerValue | int) -> ir.IntegerValue:
    """``round_half_up(num / den)`` for num >= 0, den > 0: ``(2·num + den) // (2·den)``."""
    return int_div(num * 2 + den, den * 2)


# --- connection and source ----------------------------------------------------------------------


def connect(backend: str = "duckdb", url: str | None = None) -> BaseBackend:
    """An Ibis connection: ``"duckdb"`` (in memory) or ``"postgres"`` (``url``: postgres://...)."""
    if backend == "duckdb":
        return ibis.duckdb.connect()
    if backend == "postgres":
        if not url:
            raise YearInputError("a PostgreSQL URL is needed for the postgres backend")
        if url.startswith("postgresql://"):
            url = "postgres://" + url.removeprefix("postgresql://")
        return ibis.connect(url)
    raise YearInputError(f"unknown backend {backend!r}: use 'duckdb' or 'postgres'")


def _backend_name(con: BaseBackend) -> str:
    return str(getattr(con, "name", ""))


def source_table(con: BaseBackend, source: ir.Table | pa.Table | Sequence[Path] | Path) -> ir.Table:
    """Tax rows as an Ibis table on ``con``: Parquet paths, an Arrow table or an Ibis table."""
    if isinstance(source, ir.Table):
        return source
    if isinstance(source, pa.Table):
        table = source.select(list(TAX_SCHEMA.names)).cast(TAX_SCHEMA)
        return _register(con, table)
    paths = [Path(source)] if isinstance(source, Path | str) else [Path(p) for p in source]
    if not paths:
        return _register(con, TAX_SCHEMA.empty_table())
    if _backend_name(con) == "duckdb":
        return con.read_parquet([str(p) for p in paths])
    return _register(con, read_parquet(paths))


def _register(con: BaseBackend, table: pa.Table) -> ir.Table:
    """An in-memory table, registered on the backend when an expression over it runs."""
    return ibis.memtable(table)


# --- the expressions ----------------------------------------------------------------------------


def latest_rows(t: ir.Table) -> ir.Table:
    """The latest submission per (person, payer, year, month): corrections replace earlier rows
    (PENSIONS.md § 1). Ties on ``submitted_at`` (a data error) are broken deterministically by the
    larger amount, then funded before not funded."""
    window = ibis.window(
        group_by=[t.person_code, t.payer_code, t.year, t.month],
        order_by=[ibis.desc(t.submitted_at), ibis.desc(t.social_tax_cents), ibis.desc(t.funded)],
    )
    ranked = t.mutate(_tugi_rank=ibis.row_number().over(window))
    return ranked.filter(ranked._tugi_rank == 0).drop("_tugi_rank")


def person_figures(t: ir.Table, *, year: int, minimum_wage: Decimal) -> ir.Table:
    """Per person of ``year`` (from raw tax rows; corrections applied here): social tax in cents,
    the funded months' tax, pension part and insured base in cents, service fraction and funded
    factor in 10⁻⁴ units (PENSIONS.md § 2, rules ``pension_part``, ``insured_base``,
    ``service_fraction``, ``funded_factor``)."""
    wage_cents = to_units(Decimal(minimum_wage), 2, "minimum wage")
    if wage_cents <= 0:
        raise YearInputError("the minimum wage must be positive")
    rows = latest_rows(t.filter(t.year == year))
    per_person = rows.group_by("person_code").aggregate(
        tax_cents=rows.social_tax_cents.sum().cast("int64"),
        funded_cents=rows.social_tax_cents.sum(where=rows.funded).fill_null(0).cast("int64"),
    )
    tax = per_person.tax_cents
    funded = per_person.funded_cents
    # service fraction: exact insured base (tax·100/33 cents) / (12 × wage): tax·10⁶ / (396·wage) in
    # 10⁻⁴ units; tax above 396·wage gives 1 anyway, so cap it first to keep the product small.
    full_year_tax = 396 * wage_cents
    capped = ibis.least(tax, full_year_tax)
    service = ibis.least(half_up(capped * 1_000_000, full_year_tax), 10_000)
    factor = ibis.ifelse(tax == 0, 10_000, half_up((tax * 5 - funded) * 10_000, ibis.greatest(tax, 1) * 5))
    return per_person.mutate(
        pension_part_c=half_up(tax * 40, 66),
        insured_base_c=half_up(tax * 200, 66),
        service_fraction_u=service.cast("int64"),
        funded_factor_u=factor.cast("int64"),
    )


def shares(persons: ir.Table, *, year: int, average_cents: int) -> ir.Table:
    """Insurance share and (from 2021) joint share in 10⁻³ units (PENSIONS.md § 4, rules
    ``insurance_share`` and ``joint_share``) over the output of ``person_figures``."""
    pp = persons.pension_part_c
    sf = persons.service_fraction_u
    ff = persons.funded_factor_u
    insurance = half_up(pp * ff, average_cents * 10)
    if rules.joint_share_applies(year):
        joint = half_up((pp * 10_000 + sf * average_cents) * ff, average_cents * 200_000)
    else:
        joint = ibis.null().cast("int64")
    return persons.mutate(insurance_share_u=insurance.cast("int64"), joint_share_u=joint.cast("int64"))


# --- the year -----------------------------------------------------------------------------------


@dataclass
class YearResult:
    year: int
    average_proposed: Decimal
    average_used: Decimal
    persons: int
    table: pa.Table  # RESULT_SCHEMA, sorted by person_code
    totals: dict[str, str] = field(default_factory=dict)


def _drop_temp(con: BaseBackend, name: str) -> None:
    """Drop a temporary table (raw SQL: the installed sqlglot renders Ibis's DROP wrongly)."""
    cursor = con.raw_sql(f'DROP TABLE IF EXISTS "{name}"')
    if _backend_name(con) != "duckdb":  # DuckDB returns its connection itself: keep it open
        cursor.close()


def _to_arrow(con: BaseBackend, expr: ir.Table) -> pa.Table:
    return con.to_pyarrow(expr)


def compute_year(
    con: BaseBackend,
    source: ir.Table | pa.Table | Sequence[Path] | Path,
    *,
    year: int,
    minimum_wage: Decimal,
    average: Decimal | None = None,
) -> YearResult:
    """Every insured person's figures of ``year`` and the year's average.

    The average proposal is ``round2(Σ pension_part / Σ service_fraction)`` over persons with a
    pension part above 0 (VV määrus nr 5 § 4); the shares use ``average`` when given (the confirmed
    value), else the proposal."""
    if average is not None:
        average = Decimal(average)
        average_cents_given = to_units(average, 2, "average")
        if not 0 < average_cents_given <= MAX_AVERAGE_CENTS:
            raise YearInputError(f"the average {average} is out of range")
    rows = source_table(con, source)
    persons_expr = person_figures(rows, year=year, minimum_wage=minimum_wage)
    temp_name = f"_tugi_year_{uuid.uuid4().hex[:12]}"
    persons = con.create_table(temp_name, persons_expr, temp=True)
    try:
        positive = persons.pension_part_c > 0
        summary = _to_arrow(
            con,
            persons.aggregate(
                persons=persons.count(),
                max_tax=persons.tax_cents.max(),
                pp_sum=persons.pension_part_c.sum(where=positive),
                sf_sum=persons.service_fraction_u.sum(where=positive),
            ),
        ).to_pylist()[0]
        count = int(summary["persons"] or 0)
        if int(summary["max_tax"] or 0) > MAX_PERSON_TAX_CENTS:
            raise YearInputError("a person's social tax of the year is implausibly large")
        pp_sum = int(summary["pp_sum"] or 0)
        sf_sum = int(summary["sf_sum"] or 0)
        proposed_cents = rules.half_up_div(pp_sum * 10_000, sf_sum) if sf_sum else 0
        if proposed_cents > MAX_AVERAGE_CENTS:
            raise YearInputError("the computed average is implausibly large")
        average_proposed = Decimal(proposed_cents).scaleb(-2)
        used_cents = average_cents_given if average is not None else proposed_cents
        if used_cents <= 0 and count:
            # Nobody has a pension part: every share is 0 whatever the average; use 0.01 to divide.
            used_cents = 1
        result = _to_arrow(
            con,
            shares(persons, year=year, average_cents=max(used_cents, 1)).select(
                "person_code",
                "pension_part_c",
                "insured_base_c",
                "service_fraction_u",
                "funded_factor_u",
                "insurance_share_u",
                "joint_share_u",
                "tax_cents",
            ),
        )
    finally:
        _drop_temp(con, temp_name)
    result = result.take(pc.sort_indices(result, sort_keys=[("person_code", "ascending")]))
    table = pa.table(
        {
            "person_code": result.column("person_code").cast(pa.string()),
            "year": pa.array(np.full(result.num_rows, year, dtype=np.int16)),
            "pension_part": units_to_decimal_array(result.column("pension_part_c"), 2, 14),
            "insured_base": units_to_decimal_array(result.column("insured_base_c"), 2, 14),
            "service_fraction": units_to_decimal_array(result.column("service_fraction_u"), 4, 7),
            "funded_factor": units_to_decimal_array(result.column("funded_factor_u"), 4, 7),
            "insurance_share": units_to_decimal_array(result.column("insurance_share_u"), 3, 9),
            "joint_share": units_to_decimal_array(result.column("joint_share_u"), 3, 9),
        },
        schema=RESULT_SCHEMA,
    )

    def total(column: str, places: int) -> str:
        value = pc.sum(result.column(column)).as_py()
        return str(Decimal(int(value or 0)).scaleb(-places))

    totals = {
        "persons": str(count),
        "persons_with_pension_part": str(
            int(pc.sum(pc.greater(result.column("pension_part_c"), 0)).as_py() or 0)
        ),
        "social_tax": total("tax_cents", 2),
        "pension_part": total("pension_part_c", 2),
        "insured_base": total("insured_base_c", 2),
        "service_fraction": total("service_fraction_u", 4),
        "insurance_share": total("insurance_share_u", 3),
        "joint_share": total("joint_share_u", 3) if rules.joint_share_applies(year) else "",
        "average_pension_parts": str(Decimal(pp_sum).scaleb(-2)),
        "average_service_fractions": str(Decimal(sf_sum).scaleb(-4)),
    }
    return YearResult(
        year=year,
        average_proposed=average_proposed,
        average_used=Decimal(used_cents if count else 0).scaleb(-2) if average is None else average,
        persons=count,
        table=table,
        totals=totals,
    )


# --- canonical output ---------------------------------------------------------------------------


def results_csv_bytes(table: pa.Table) -> bytes:
    """The canonical CSV of a year's results: ``;``, decimal point, header, joint_share empty when
    null, sorted as given (compute_year sorts by person_code)."""
    table = table.select(list(RESULT_COLUMNS))
    sink = io.BytesIO()
    pacsv.write_csv(
        table,
        sink,
        write_options=pacsv.WriteOptions(include_header=False, delimiter=";", quoting_style="none"),
    )
    return (";".join(RESULT_COLUMNS) + "\n").encode("ascii") + sink.getvalue()


def results_sha256(table: pa.Table) -> str:
    """SHA-256 of the canonical CSV bytes (the same inputs give the same hash)."""
    return hashlib.sha256(results_csv_bytes(table)).hexdigest()


def write_results_csv(table: pa.Table, path: Path) -> None:
    """Write the canonical CSV to ``path``."""
    Path(path).write_bytes(results_csv_bytes(table))


def read_results_csv(path: Path) -> list[dict[str, Any]]:
    """The rows of a results CSV as dicts of strings (for tests and comparisons)."""
    with Path(path).open(encoding="ascii", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))
