"""Explanations (issue 3 § 7): how a person's figures of a year and a pension's amount came about.

For a person and year: the social tax rows of the year's stored files (DuckDB over the Parquet,
filtered to the person; rows replaced by a later submission are marked), the sums, the average
(confirmed or the run's proposal, with its source), every step of the formula recomputed with the
scalar rules of ``tugi.engine.rules`` and compared with the register's stored figures, and the
parameters with their legal references. For a pension: each component of its amount with the
parameters in force. Reads only; the views write the personal-data view log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from .models import InsuredYear, Pension, PensionAmount
from .selectors_register import amount_row_breakdown, insured_year

CENT = Decimal("0.01")
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class TaxRow:
    """One row of personalised social tax of the person (as stored, with where it came from)."""

    payer_code: str
    month: int
    social_tax: Decimal
    funded: bool
    submitted_at: dt.datetime
    file: str
    used: bool  # False: replaced by a later submission for the same payer and month


@dataclass(frozen=True)
class MonthSummary:
    month: int
    payers: int
    social_tax: Decimal
    funded: bool


@dataclass(frozen=True)
class Step:
    """One step of the formula: what, the formula with the numbers, the result, the stored figure."""

    key: str
    label: Any
    formula: str
    result: Decimal | None
    stored: Decimal | None = None
    places: int = 2

    @property
    def differs(self) -> bool:
        return self.stored is not None and self.result is not None and self.stored != self.result


@dataclass
class YearExplanation:
    person_code: str
    year: int
    rows: list[TaxRow] = field(default_factory=list)
    months: list[MonthSummary] = field(default_factory=list)
    social_tax_sum: Decimal = Decimal("0.00")
    funded_tax_sum: Decimal = Decimal("0.00")
    files: list[str] = field(default_factory=list)
    minimum_wage: Any = None  # ParamValue
    average: Decimal | None = None
    average_source: str = ""
    average_entry: Any = None  # ParamValue when the average is a parameter
    steps: list[Step] = field(default_factory=list)
    stored: InsuredYear | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def differs(self) -> bool:
        return any(s.differs for s in self.steps)

    @property
    def superseded(self) -> int:
        return sum(1 for r in self.rows if not r.used)

    @property
    def payers(self) -> list[str]:
        return sorted({r.payer_code for r in self.rows if r.used})


def tax_rows(person_code: str, paths: list[Path]) -> list[TaxRow]:
    """The person's rows in the given Parquet files, marking which are replaced by corrections.

    The latest ``submitted_at`` per payer and month wins (PENSIONS.md § 1), as in the engine.
    """
    import duckdb

    existing = [p for p in paths if p.exists()]
    if not existing:
        return []
    con = duckdb.connect()
    try:
        result = con.execute(
            """
            SELECT payer_code, month, social_tax_cents, funded, epoch_us(submitted_at), filename,
                   row_number() OVER (PARTITION BY payer_code, month
                                      ORDER BY submitted_at DESC, filename DESC) = 1 AS used
            FROM read_parquet(?, filename = true)
            WHERE person_code = ?
            ORDER BY month, payer_code, submitted_at
            """,
            [[str(p) for p in existing], person_code],
        ).fetchall()
    finally:
        con.close()
    rows = []
    for payer, month, cents, funded, submitted, filename, used in result:
        rows.append(
            TaxRow(
                payer_code=str(payer),
                month=int(month),
                social_tax=(Decimal(int(cents)) / 100).quantize(CENT),
                funded=bool(funded),
                submitted_at=EPOCH + dt.timedelta(microseconds=int(submitted)),
                file=Path(str(filename)).name,
                used=bool(used),
            )
        )
    return rows


def _average_of(year: int, stored: InsuredYear | None) -> tuple[Decimal | None, str, Any]:
    """The average the year's shares rest on and where it comes from."""
    from .selectors_parameters import confirmed_average, parameters

    run = stored.run if stored is not None else None
    if run is not None:
        totals = run.totals or {}
        used = totals.get("average_used")
        if used:
            source = str(totals.get("average_source") or (run.inputs or {}).get("average_source") or "")
            confirmed = confirmed_average(year)
            if not source:
                source = (
                    "confirmed" if confirmed is not None and confirmed == Decimal(str(used)) else "proposal"
                )
            return Decimal(str(used)), source, None
    confirmed = confirmed_average(year)
    if confirmed is not None:
        return confirmed, "confirmed", parameters().average_social_tax(year)
    entry = parameters().average_social_tax(year)
    if entry is not None:
        return entry.value, "file", entry
    return None, "", None


def explain_year(person_code: str, year: int) -> YearExplanation:
    """How the person's figures of ``year`` are computed, step by step (see the module docstring)."""
    from tugi.engine import rules
    from tugi.engine.parameters import ParameterMissing

    from .selectors_parameters import parameters
    from .selectors_taxfiles import tax_files, tax_parquet_paths

    explanation = YearExplanation(person_code=person_code, year=year)
    explanation.stored = stored = insured_year(person_code, year)
    files = list(tax_files(year))
    explanation.files = [tf.original_name for tf in files]
    names = {Path(tf.path).name: tf.original_name for tf in files}
    rows = [
        replace(r, file=names.get(r.file, r.file)) for r in tax_rows(person_code, tax_parquet_paths(year))
    ]
    explanation.rows = rows
    used = [r for r in rows if r.used]
    by_month: dict[int, list[TaxRow]] = {}
    for r in used:
        by_month.setdefault(r.month, []).append(r)
    explanation.months = [
        MonthSummary(
            month=m,
            payers=len({r.payer_code for r in items}),
            social_tax=sum((r.social_tax for r in items), Decimal("0.00")),
            funded=any(r.funded for r in items),
        )
        for m, items in sorted(by_month.items())
    ]
    tax = sum((r.social_tax for r in used), Decimal("0.00"))
    funded_tax = sum((r.social_tax for r in used if r.funded), Decimal("0.00"))
    explanation.social_tax_sum, explanation.funded_tax_sum = tax, funded_tax
    params = parameters()
    try:
        explanation.minimum_wage = params.entry("minimum_wage", dt.date(year, 12, 31))
    except ParameterMissing:
        explanation.problems.append("minimum_wage")
    average, source, entry = _average_of(year, stored)
    explanation.average, explanation.average_source, explanation.average_entry = average, source, entry
    if not rows and stored is None:
        return explanation

    def stored_value(name: str) -> Decimal | None:
        return getattr(stored, name) if stored is not None else None

    steps = explanation.steps
    pp = rules.pension_part(tax)
    steps.append(
        Step("pension_part", _("pension part"), f"round2({tax} × 20 / 33)", pp, stored_value("pension_part"))
    )
    base = rules.insured_base(tax)
    steps.append(
        Step("insured_base", _("insured base"), f"round2({tax} / 0.33)", base, stored_value("insured_base"))
    )
    sf: Decimal | None = None
    if explanation.minimum_wage is not None:
        mw = explanation.minimum_wage.value
        sf = rules.service_fraction(tax, mw)
        steps.append(
            Step(
                "service_fraction",
                _("service fraction"),
                f"min(1, round4({tax} / 0.33 / (12 × {mw})))",
                sf,
                stored_value("service_fraction"),
                4,
            )
        )
    ff = rules.funded_factor(funded_tax, tax)
    steps.append(
        Step(
            "funded_factor",
            _("funded factor"),
            f"round4(1 − 0.2 × {funded_tax} / {tax})" if tax else "1 (no social tax)",
            ff,
            stored_value("funded_factor"),
            4,
        )
    )
    if average is not None:
        steps.append(
            Step(
                "insurance_share",
                _("insurance share"),
                f"round3({pp} / {average} × {ff})",
                rules.insurance_share(pp, average, ff),
                stored_value("insurance_share"),
                3,
            )
        )
        if rules.joint_share_applies(year) and sf is not None:
            steps.append(
                Step(
                    "joint_share",
                    _("joint share"),
                    f"round3(({pp} / {average} + {sf}) / 2 × {ff})",
                    rules.joint_share(pp, average, sf, ff),
                    stored_value("joint_share"),
                    3,
                )
            )
    else:
        explanation.problems.append("average")
    return explanation


# --- a pension -------------------------------------------------------------------------------------


@dataclass
class PensionExplanation:
    pension: Pension
    on: dt.date
    row: PensionAmount | None
    breakdown: Any = None  # AmountBreakdown
    base_entry: Any = None
    year_value_entry: Any = None
    increases: tuple[Any, ...] = ()
    parameters_differ: bool = False  # the row's values are not those of the parameters (e.g. a run's)
    history: list[PensionAmount] = field(default_factory=list)


def explain_pension(pension: Pension, on: dt.date | None = None) -> PensionExplanation:
    """The components of the pension's amount valid on ``on`` (default today) and the parameters
    in force on that row's date with their legal references."""
    from tugi.engine.parameters import ParameterMissing

    from .selectors_register import amount_history, amount_parameters, current_amount

    on = on or dt.date.today()
    row = current_amount(pension, on) or pension.amounts.order_by("valid_from", "id").first()
    explanation = PensionExplanation(pension=pension, on=on, row=row, history=list(amount_history(pension)))
    if row is None:
        return explanation
    explanation.breakdown = amount_row_breakdown(row, pension.pension_type.rule)
    try:
        params = amount_parameters(row.valid_from)
    except ParameterMissing:
        explanation.parameters_differ = True
        return explanation
    explanation.base_entry = params.base_entry
    explanation.year_value_entry = params.year_value_entry
    explanation.increases = params.increases
    explanation.parameters_differ = (params.base_amount, params.year_value) != (
        row.base_amount,
        row.year_value,
    )
    return explanation
