"""Reads of calculation runs: lists, one run, its staged results, the yearly checklist.

The checklist's due dates are assumptions documented here (the agency can correct them in one
place): the Tax and Customs Board's corrections of a year close on ``CORRECTION_CUTOFF`` of the next
year, the average is confirmed and the shares applied before the recalculation and indexation take
effect on 1 April, and payments are informed before the April payment day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tugi.core.selectors import get_restricted
from tugi.engine.yearly import RESULT_COLUMNS

from .models import CalculationRun, RunKind, RunPensionResult, RunPersonResult, RunStatus

#: (assumption) The date after which the Tax and Customs Board no longer corrects year Y's
#: personalised social tax for the yearly calculation: 1 March of Y+1.
CORRECTION_CUTOFF = (3, 1)
#: (assumption) All 12 months of year Y are imported by 15 February of Y+1.
MONTHS_DUE = (2, 15)
#: (assumption) The year's average is confirmed and the year-shares run approved by 15 March of Y+1,
#: applied by 20 March of Y+1: the recalculation and indexation rest on them from 1 April.
AVERAGE_DUE = (3, 15)
APPROVE_DUE = (3, 20)
APPLY_DUE = (3, 25)
#: (assumption) The pension index is confirmed by the government by 15 March of the indexation year.
INDEX_DUE = (3, 15)
#: (assumption) The payments team is told of new amounts by 28 March, before April's payment run.
PAYMENTS_DUE = (3, 28)

#: The process guide seeded in Tugi for the yearly mass calculation.
RUNBOOK_SLUG = "yearly-mass-calculation"

ANOMALY_LABELS = {
    "falls": _("Pensions that fall"),
    "share_above_10": _("Shares above 10"),
    "deceased": _("Pensions of persons who have died"),
    "no_amount": _("Pensions without an amount"),
    "unknown_persons": _("Tax rows of persons unknown to the register"),
}

FIGURE_LABELS = {
    "persons": _("Insured persons"),
    "tax_rows": _("Social tax rows"),
    "tax_files": _("Social tax files"),
    "pensions": _("Pensions recomputed"),
    "pensions_in_payment": _("Pensions in payment"),
    "skipped": _("Skipped (share already added)"),
    "applied": _("Rows written to the register"),
    "average_proposed": _("Average social tax, proposed"),
    "average_used": _("Average social tax, used"),
    "average_source": _("Average used is"),
    "pension_part": _("Σ pension part"),
    "service_fraction": _("Σ service fraction"),
    "insurance_share": _("Σ insurance shares"),
    "joint_share": _("Σ joint shares"),
    "added_share": _("Σ shares added"),
    "base_amount_before": _("Base amount before"),
    "year_value_before": _("Year value before"),
    "extra_base_increase": _("Extraordinary base increase"),
    "base_amount": _("Base amount used"),
    "year_value": _("Year value used"),
    "base_amount_proposed": _("Base amount proposed"),
    "year_value_proposed": _("Year value proposed"),
    "base_amount_source": _("Base amount from"),
    "year_value_source": _("Year value from"),
    "total_base": _("Σ base amounts (TB)"),
    "total_years": _("Σ years and shares (TS)"),
    "old_total": _("Σ amounts before"),
    "new_total": _("Σ amounts after"),
    "change_total": _("Σ change"),
}


def figures(values: dict[str, Any] | None) -> list[tuple[str, Any, Any]]:
    """(key, label, value) of a run's counts or totals, in the order above, unknown keys last."""
    values = values or {}
    known = [(k, FIGURE_LABELS[k], values[k]) for k in FIGURE_LABELS if k in values and values[k] is not None]
    rest = [(k, k, v) for k, v in values.items() if k not in FIGURE_LABELS and v is not None]
    return known + rest


def mask(code: str | None) -> str:
    return f"{(code or '')[:7]}****"


def runs(*, user: Any) -> QuerySet[CalculationRun]:
    qs: QuerySet[CalculationRun] = CalculationRun.objects.restrict(user, "view")
    return qs.select_related("created_by", "computed_by", "approved_by", "applied_by")


def run_get(*, user: Any, pk: Any, action: str = "view") -> CalculationRun:
    qs = CalculationRun.objects.select_related(
        "created_by", "computed_by", "approved_by", "applied_by", "job"
    )
    run: CalculationRun = get_restricted(qs, user, action, pk=pk)
    return run


def runs_waiting_for_approval(*, user: Any) -> QuerySet[CalculationRun]:
    """Computed runs that ``user`` may approve (someone else created and computed them)."""
    return (
        runs(user=user)
        .filter(status=RunStatus.COMPUTED)
        .exclude(created_by=user)
        .exclude(computed_by=user)
        .order_by("computed_at")
    )


def person_results(run: CalculationRun, *, code: str = "") -> QuerySet[RunPersonResult]:
    qs = RunPersonResult.objects.filter(run=run).order_by("person_code")
    return qs.filter(person_code=code) if code else qs


def pension_results(run: CalculationRun, *, code: str = "") -> QuerySet[RunPensionResult]:
    qs = RunPensionResult.objects.filter(run=run).select_related("pension__person").order_by("pension_id")
    return qs.filter(pension__person__personal_code=code) if code else qs


def is_pension_run(run: CalculationRun) -> bool:
    return run.kind in (RunKind.RECALCULATION, RunKind.INDEXATION)


def results_rows(run: CalculationRun) -> tuple[list[str], Any]:
    """Header and rows of a run's results for export (codes in clear: the export is audited by the
    view that serves it and needs the view permission of results)."""
    if is_pension_run(run):
        header = [
            "pension_id",
            "person_code",
            "old_amount",
            "new_amount",
            "base_amount",
            "year_value",
            "service_years",
            "insurance_shares",
            "joint_shares",
            "adjustment_factor",
            "added_share",
        ]
        rows = (
            RunPensionResult.objects.filter(run=run)
            .order_by("pension_id")
            .values_list(
                "pension_id",
                "pension__person__personal_code",
                "old_amount",
                "new_amount",
                "base_amount",
                "year_value",
                "service_years",
                "insurance_shares",
                "joint_shares",
                "adjustment_factor",
                "added_share",
            )
            .iterator(chunk_size=5000)
        )
        return header, rows
    header = list(RESULT_COLUMNS)
    rows = (
        RunPersonResult.objects.filter(run=run)
        .order_by("person_code")
        .values_list(*header)
        .iterator(chunk_size=5000)
    )
    return header, rows


# --- the yearly checklist ------------------------------------------------------------------------


@dataclass
class CheckItem:
    key: str
    label: Any
    state: str  # "done", "late", "pending", "n/a"
    due: dt.date | None = None
    detail: str = ""


def _state(done: bool, due: dt.date | None, today: dt.date) -> str:
    if done:
        return "done"
    if due is not None and today > due:
        return "late"
    return "pending"


def _on(year: int, month_day: tuple[int, int]) -> dt.date:
    return dt.date(year, month_day[0], month_day[1])


def checklist(run: CalculationRun, *, today: dt.date | None = None) -> list[CheckItem]:
    """The yearly process around ``run``: what is done, pending or late against its due date."""
    from .selectors_parameters import confirmed_average, parameters
    from .selectors_taxfiles import months_covered

    today = today or timezone.localdate()
    # The tax year the process is about: Y for year shares and recalculation, D.year − 1 for an
    # indexation on date D (its shares and average are those of the previous year).
    if run.kind == RunKind.INDEXATION and run.effective_date:
        tax_year = run.effective_date.year - 1
    else:
        tax_year = int(run.year or today.year)
    next_year = tax_year + 1
    items: list[CheckItem] = []
    months = months_covered(tax_year)
    missing = [m for m in range(1, 13) if m not in months]
    items.append(
        CheckItem(
            "months",
            _("All 12 months of %(year)d imported") % {"year": tax_year},
            _state(not missing, _on(next_year, MONTHS_DUE), today),
            _on(next_year, MONTHS_DUE),
            (str(_("missing months: %(months)s")) % {"months": ", ".join(str(m) for m in missing)})
            if missing
            else "",
        )
    )
    cutoff = _on(next_year, CORRECTION_CUTOFF)
    items.append(
        CheckItem(
            "cutoff",
            _("Correction cut-off passed"),
            "done" if today >= cutoff else "pending",
            cutoff,
        )
    )
    average = confirmed_average(tax_year)
    items.append(
        CheckItem(
            "average",
            _("Average social tax of %(year)d confirmed") % {"year": tax_year},
            _state(average is not None, _on(next_year, AVERAGE_DUE), today),
            _on(next_year, AVERAGE_DUE),
            str(average) if average is not None else "",
        )
    )
    if run.kind == RunKind.INDEXATION and run.effective_date:
        index_entry = None
        for item in parameters().entries("pension_index"):
            if item.valid_from == run.effective_date:
                index_entry = item
        due = _on(run.effective_date.year, INDEX_DUE)
        items.append(
            CheckItem(
                "index",
                _("Pension index confirmed"),
                _state(index_entry is not None, due, today),
                due,
                str(index_entry.value) if index_entry is not None else "",
            )
        )
    else:
        items.append(CheckItem("index", _("Pension index confirmed"), "n/a"))
    process_year = run.effective_date.year if run.effective_date else next_year
    approved = run.status in (RunStatus.APPROVED, RunStatus.APPLIED)
    items.append(
        CheckItem(
            "approved",
            _("Run approved by a second person"),
            _state(approved, _on(process_year, APPROVE_DUE), today),
            _on(process_year, APPROVE_DUE),
            run.approved_by.get_username() if run.approved_by else "",
        )
    )
    items.append(
        CheckItem(
            "applied",
            _("Run applied to the register"),
            _state(run.status == RunStatus.APPLIED, _on(process_year, APPLY_DUE), today),
            _on(process_year, APPLY_DUE),
        )
    )
    informed = (run.review or {}).get("payments_informed")
    if run.kind == RunKind.YEAR_SHARES:
        items.append(CheckItem("payments", _("Payments informed"), "n/a"))
    else:
        items.append(
            CheckItem(
                "payments",
                _("Payments informed"),
                _state(bool(informed), _on(process_year, PAYMENTS_DUE), today),
                _on(process_year, PAYMENTS_DUE),
                informed["by"] if informed else "",
            )
        )
    return items


def runbook_url(*, user: Any) -> str | None:
    """The address of the yearly process guide, if it exists and the user may read it."""
    from django.urls import NoReverseMatch, reverse

    from tugi.work.selectors import guides

    if not guides(user=user).filter(slug=RUNBOOK_SLUG).exists():
        return None
    try:
        return reverse("work:guide_detail", args=[RUNBOOK_SLUG])
    except NoReverseMatch:
        return None


# --- the register as an Arrow table, fast -----------------------------------------------------------

_REGISTER_SQL = """
    WITH latest AS (
        SELECT DISTINCT ON (a.pension_id) a.pension_id, a.amount
        FROM {amount} a
        WHERE a.valid_from <= DATE '{on}'
        ORDER BY a.pension_id, a.valid_from DESC, a.id DESC
    )
    SELECT p.id AS pension_id, p.service_years, p.insurance_shares, p.joint_shares,
           p.adjustment_factor, l.amount AS old_amount, pe.personal_code AS person_code,
           pe.date_of_death
    FROM {pension} p
    JOIN {person} pe ON pe.id = p.person_id
    LEFT JOIN latest l ON l.pension_id = p.id
    WHERE p.status = '{in_payment}' AND p.start_date <= DATE '{on}'
      AND (p.ended_on IS NULL OR p.ended_on > DATE '{on}')
    ORDER BY p.id
"""


def register_table(on: dt.date) -> Any:
    """``selectors_register.pensions_table(on)`` (same rows, same schema), read on PostgreSQL with
    one ``COPY … TO STDOUT`` parsed by Arrow: 320 000 pensions in about a second instead of
    building Python objects row by row. Other databases use ``pensions_table`` itself."""
    from django.db import connection

    from .selectors_register import PENSIONS_TABLE_SCHEMA, pensions_table

    if connection.vendor != "postgresql":
        return pensions_table(on)
    import io

    import pyarrow as pa
    import pyarrow.csv as pacsv

    from tugi.core.models import Person

    from .models import Pension, PensionAmount, PensionStatus

    # ``on`` is a date (ISO text, no quotes possible) and the names come from model metadata.
    sql = _REGISTER_SQL.format(
        amount=PensionAmount._meta.db_table,
        pension=Pension._meta.db_table,
        person=Person._meta.db_table,
        in_payment=PensionStatus.IN_PAYMENT.value,
        on=dt.date.fromordinal(on.toordinal()).isoformat(),
    )
    buffer = io.BytesIO()
    statement = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for chunk in copy:
            buffer.write(chunk)
    buffer.seek(0)
    names = PENSIONS_TABLE_SCHEMA.names
    table = pacsv.read_csv(
        buffer,
        read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
        convert_options=pacsv.ConvertOptions(
            column_types={f.name: f.type for f in PENSIONS_TABLE_SCHEMA},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    return pa.Table.from_arrays([table.column(n) for n in names], schema=PENSIONS_TABLE_SCHEMA)
