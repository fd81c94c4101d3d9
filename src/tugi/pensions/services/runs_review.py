"""The review of a computed run, stored in ``run.review`` at compute time (JSON).

- ``histogram``: the distribution of the change of amount (pension runs) or of the year's share
  (year-shares runs) in fixed buckets, rendered server-side as a bar chart;
- ``largest_increases`` / ``largest_decreases`` (top 20) or ``largest_shares``, masked codes;
- ``anomalies``: a pension that falls, a share above 10, a pension of a person who has died, a
  pension without an amount, tax rows for persons unknown to the register;
- ``total_check`` (indexation): the total of pensions grows by the index within rounding.

Personal codes are kept masked (``3800101****``): the review is shown to everyone who may see the
run, and it is copied into notifications and exports of the run page.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tugi.core.models import Person

from ..models import CalculationRun, RunPersonResult

TOP = 20
SAMPLE = 10
#: A share above this is implausible (someone paid tax on more than ten times the average).
SHARE_LIMIT = Decimal(10)
#: Rounding tolerance of the indexation total check, per pension (EUR): each amount is rounded to
#: the cent and the new base amount and year value to 4 decimals. (assumption)
TOTAL_TOLERANCE_PER_PENSION = Decimal("0.01")

SHARE_EDGES = [0, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, math.inf]
CHANGE_EDGES = [-math.inf, -0.005, 0.005, 5, 10, 20, 30, 50, 100, math.inf]


def mask(code: str | None) -> str:
    return f"{(code or '')[:7]}****"


def _floats(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    return np.asarray(
        pc.fill_null(column.cast(pa.float64()), 0.0).to_numpy(zero_copy_only=False), dtype=float
    )


def _edge_label(lo: float, hi: float) -> str:
    def fmt(x: float) -> str:
        return f"{x:g}"

    if lo == -math.inf:
        return f"< {fmt(hi)}"
    if hi == math.inf:
        return f"≥ {fmt(lo)}"
    return f"{fmt(lo)} … {fmt(hi)}"


def histogram(values: np.ndarray, edges: list[float]) -> dict[str, Any]:
    counts, _ = np.histogram(values, bins=np.array(edges, dtype=float))
    # np.histogram closes the last bin on the right; values equal to an inner edge go up
    top = int(max(counts)) if len(counts) else 0
    return {
        "buckets": [
            {
                "label": _edge_label(edges[i], edges[i + 1]),
                "count": int(c),
                "percent": round(100 * int(c) / top) if top else 0,
            }
            for i, c in enumerate(counts)
        ],
        "total": int(values.size),
    }


def year_shares_review(table: pa.Table, share_col: str) -> dict[str, Any]:
    shares = _floats(table.column(share_col))
    codes = table.column("person_code").to_pylist()
    order = np.argsort(-shares, kind="stable")[:TOP]
    parts = table.column("pension_part")
    largest = [
        {
            "code": mask(codes[i]),
            "share": str(table.column(share_col)[int(i)].as_py()),
            "pension_part": str(parts[int(i)].as_py()),
        }
        for i in order
    ]
    ins = _floats(table.column("insurance_share"))
    joint = (
        _floats(table.column("joint_share")) if "joint_share" in table.column_names else np.zeros(len(ins))
    )
    high = np.nonzero((ins > float(SHARE_LIMIT)) | (joint > float(SHARE_LIMIT)))[0]
    return {
        "histogram": {"of": share_col, **histogram(shares, SHARE_EDGES)},
        "largest_shares": largest,
        "anomalies": [
            {
                "key": "share_above_10",
                "count": int(high.size),
                "sample": [
                    {"code": mask(codes[i]), "value": f"{max(ins[i], joint[i]):.3f}"} for i in high[:SAMPLE]
                ],
            }
        ],
    }


def amount_totals(table: pa.Table) -> dict[str, Any]:
    old, new = table.column("old_amount"), table.column("new_amount")
    valid = pc.is_valid(old)
    old_total = pc.sum(pc.filter(old, valid)).as_py() or Decimal(0)
    new_total_same = pc.sum(pc.filter(new, valid)).as_py() or Decimal(0)
    new_total = pc.sum(new).as_py() or Decimal(0)
    return {
        "old_total": str(old_total),
        "new_total": str(new_total),
        "change_total": str(Decimal(new_total_same) - Decimal(old_total)),
    }


def pension_review(
    table: pa.Table,
    pensions: pa.Table,
    *,
    kind: str,
    index: Decimal | None = None,
    extra_base: Decimal = Decimal(0),
) -> dict[str, Any]:
    """``table``: the staged rows; ``pensions``: the register rows they came from (codes, deaths).
    Vectorised: 320 000 pensions take well under a second; Python objects only for the samples."""
    source = pensions.take(pc.sort_indices(pensions, sort_keys=[("pension_id", "ascending")]))
    if source.num_rows != table.num_rows:
        # only some pensions staged (cannot happen today: both come from the same rows)
        source = source.filter(
            pc.is_in(source.column("pension_id"), value_set=table.column("pension_id").combine_chunks())
        )
    ids_col, codes, deaths = (
        table.column("pension_id"),
        source.column("person_code"),
        source.column("date_of_death"),
    )
    old_col, new_col = table.column("old_amount"), table.column("new_amount")
    has_old = np.asarray(pc.is_valid(old_col).to_numpy(zero_copy_only=False), dtype=bool)
    old, new = _floats(old_col), _floats(new_col)
    change = new - old

    def row(i: int) -> dict[str, Any]:
        return {
            "pension": ids_col[i].as_py(),
            "code": mask(codes[i].as_py()),
            "old": str(old_col[i].as_py()),
            "new": str(new_col[i].as_py()),
            "change": f"{change[i]:.2f}",
        }

    with_old = np.nonzero(has_old)[0]
    ordered = with_old[np.argsort(-change[with_old], kind="stable")]
    increases = [row(int(i)) for i in ordered[:TOP] if change[i] > 0]
    decreases = [row(int(i)) for i in ordered[::-1][:TOP] if change[i] < 0]
    falls = with_old[change[with_old] < -0.0049]
    no_old = np.nonzero(~has_old)[0]
    dead = [
        int(i)
        for i in np.nonzero(np.asarray(pc.is_valid(deaths).to_numpy(zero_copy_only=False), dtype=bool))[0]
    ]
    anomalies = [
        {"key": "falls", "count": int(falls.size), "sample": [row(int(i)) for i in falls[:SAMPLE]]},
        {
            "key": "deceased",
            "count": len(dead),
            "sample": [{**row(i), "value": str(deaths[i].as_py())} for i in dead[:SAMPLE]],
        },
        {"key": "no_amount", "count": int(no_old.size), "sample": [row(int(i)) for i in no_old[:SAMPLE]]},
    ]
    if "added_share" in table.column_names and kind == "recalculation":
        added = _floats(table.column("added_share"))
        high = np.nonzero(added > float(SHARE_LIMIT))[0]
        anomalies.append(
            {
                "key": "share_above_10",
                "count": int(high.size),
                "sample": [{**row(int(i)), "value": f"{added[i]:.3f}"} for i in high[:SAMPLE]],
            }
        )
    review: dict[str, Any] = {
        "histogram": {"of": "change", **histogram(change[with_old], CHANGE_EDGES)},
        "largest_increases": increases,
        "largest_decreases": decreases,
        "anomalies": anomalies,
    }
    if index is not None:
        review["total_check"] = total_check(table, index=index, extra_base=extra_base)
    return review


def total_check(table: pa.Table, *, index: Decimal, extra_base: Decimal) -> dict[str, Any]:
    """Does the total of pensions grow by the index (plus any extraordinary base increase)?"""
    old, new = table.column("old_amount"), table.column("new_amount")
    valid = pc.is_valid(old)
    n = int(pc.sum(valid.cast(pa.int64())).as_py() or 0)
    old_total = Decimal(pc.sum(pc.filter(old, valid)).as_py() or 0)
    new_total = Decimal(pc.sum(pc.filter(new, valid)).as_py() or 0)
    adjust = Decimal(pc.sum(pc.filter(table.column("adjustment_factor"), valid)).as_py() or 0)
    expected = (old_total * index + extra_base * adjust).quantize(Decimal("0.01"))
    difference = new_total - expected
    tolerance = (TOTAL_TOLERANCE_PER_PENSION * n).quantize(Decimal("0.01"))
    return {
        "pensions": n,
        "old_total": str(old_total),
        "expected": str(expected),
        "actual": str(new_total),
        "difference": str(difference),
        "tolerance": str(tolerance),
        "growth": str((new_total / old_total).quantize(Decimal("0.000001"))) if old_total else None,
        "ok": abs(difference) <= tolerance,
    }


def stored_checks(run: CalculationRun, model: type[Any], review: dict[str, Any]) -> dict[str, Any]:
    """Checks that need the staged rows in the database: tax rows of persons unknown to the
    register (no ``core.Person`` with the code)."""
    if model is not RunPersonResult:
        return review
    unknown = RunPersonResult.objects.filter(run=run).exclude(
        person_code__in=Person.objects.values("personal_code")
    )
    count = unknown.count()
    sample = [
        {"code": mask(c)}
        for c in unknown.order_by("person_code").values_list("person_code", flat=True)[:SAMPLE]
    ]
    anomalies = [*review.get("anomalies", []), {"key": "unknown_persons", "count": count, "sample": sample}]
    return {**review, "anomalies": anomalies}
