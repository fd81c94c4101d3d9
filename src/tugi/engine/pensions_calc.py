"""Vectorised pension amounts (PENSIONS.md § 5) and the indexation proposal (§ 7).

``recompute_amounts`` evaluates ``rules.old_age_amount`` for every pension of an Arrow table with
Ibis (DuckDB in memory by default), in exact integer arithmetic: the result equals the scalar rule
for every row (property tests compare them).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import ibis
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from ibis.backends import BaseBackend

from tugi.core.money import to_decimal
from tugi.engine import rules
from tugi.engine.arrowutil import YearInputError, decimal_units, units_to_decimal_array
from tugi.engine.yearly import half_up

PENSION_COLUMNS = ("pension_id", "service_years", "insurance_shares", "joint_shares", "adjustment_factor")
#: Decimal places of the inputs (as the register stores them).
SERVICE_YEARS_PLACES = 2
SHARES_PLACES = 3
ADJUSTMENT_PLACES = 6
_INT64_SAFE = 2**62


@dataclass(frozen=True)
class IndexationProposal:
    """New parameters of an indexation date (PENSIONS.md § 7)."""

    base_amount: Decimal  # in force from the date: indexed base + extraordinary increase
    year_value: Decimal
    index_applied: Decimal = Decimal(1)  # rules.index_not_reducing(index)
    indexed_base: Decimal = Decimal(0)  # before the extraordinary increase
    extra_base: Decimal = Decimal(0)


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def _units(value: Decimal, places: int) -> int:
    return int(value.scaleb(places))


def _pension_units(pensions: pa.Table) -> dict[str, np.ndarray]:
    missing = [name for name in PENSION_COLUMNS if name not in pensions.column_names]
    if missing:
        raise YearInputError(f"pension table lacks columns: {', '.join(missing)}")
    years = decimal_units(pensions.column("service_years"), SERVICE_YEARS_PLACES)
    insurance = decimal_units(pensions.column("insurance_shares"), SHARES_PLACES)
    joint = decimal_units(pensions.column("joint_shares"), SHARES_PLACES)
    adjustment = decimal_units(pensions.column("adjustment_factor"), ADJUSTMENT_PLACES)

    def filled(array: pa.Array, default: int) -> np.ndarray:
        return array.fill_null(default).to_numpy(zero_copy_only=False).astype(np.int64)

    result = {
        "pension_id": pensions.column("pension_id").cast(pa.int64()).to_numpy(),
        # service years and shares together in 10⁻³ units
        "years_u": filled(years, 0) * 10 + filled(insurance, 0) + filled(joint, 0),
        "adjustment_u": filled(adjustment, 10**ADJUSTMENT_PLACES),
    }
    if len(result["years_u"]) and (result["years_u"].min() < 0 or result["adjustment_u"].min() < 0):
        raise YearInputError("service years, shares and adjustment factors must not be negative")
    return result


def recompute_amounts(
    pensions: pa.Table,
    *,
    base_amount: Decimal,
    year_value: Decimal,
    con: BaseBackend | None = None,
) -> pa.Table:
    """Every pension's amount ``round2((base + (years + shares) × year_value) × adjustment)``.

    Input columns: pension_id (int64), service_years (2 decimals), insurance_shares (3),
    joint_shares (3), adjustment_factor (6); nulls count as 0 (adjustment: 1). Output: pension_id,
    new_amount (decimal128(14, 2)), sorted by pension_id. Identical to ``rules.old_age_amount``."""
    base = to_decimal(base_amount)
    value = to_decimal(year_value)
    if base < 0 or value < 0:
        raise YearInputError("the base amount and the year value must not be negative")
    places = max(_places(base), _places(value))
    base_k = _units(base, places)
    value_k = _units(value, places)
    units = _pension_units(pensions)
    n = len(units["pension_id"])
    if n == 0:
        return pa.table(
            {"pension_id": pa.array([], pa.int64()), "new_amount": pa.array([], pa.decimal128(14, 2))}
        )
    # amount in cents = (base_k·10³ + years_u·value_k) · adj_u / 10^(places + 7)
    den = 10 ** (places + 7)
    bound = (base_k * 1000 + int(units["years_u"].max()) * value_k) * int(units["adjustment_u"].max())
    if 2 * bound + den >= _INT64_SAFE or 2 * den >= _INT64_SAFE:
        raise YearInputError("the parameters have too many decimals or the values are implausibly large")
    table = pa.table(
        {
            "pension_id": pa.array(units["pension_id"], pa.int64()),
            "years_u": pa.array(units["years_u"], pa.int64()),
            "adjustment_u": pa.array(units["adjustment_u"], pa.int64()),
        }
    )
    backend = con if con is not None else ibis.duckdb.connect()
    t = ibis.memtable(table)
    numerator = (t.years_u * value_k + base_k * 1000) * t.adjustment_u
    expr = t.select(t.pension_id, amount_c=half_up(numerator, den))
    result = backend.to_pyarrow(expr)
    result = result.take(pc.sort_indices(result, sort_keys=[("pension_id", "ascending")]))
    return pa.table(
        {
            "pension_id": result.column("pension_id").cast(pa.int64()),
            "new_amount": units_to_decimal_array(result.column("amount_c"), 2, 14),
        }
    )


def register_totals(pensions: pa.Table, *, base_amount: Decimal) -> tuple[Decimal, Decimal]:
    """TB = Σ base amounts of the given pensions (base × count) and TS = Σ (service years + shares),
    the totals of the year value's indexation rule (PENSIONS.md § 7, (derived)). The pensions are
    not weighted by their adjustment factors, as § 7 states the totals."""
    units = _pension_units(pensions)
    count = len(units["pension_id"])
    total_years = Decimal(int(units["years_u"].sum())).scaleb(-SHARES_PLACES) if count else Decimal(0)
    return to_decimal(base_amount) * count, total_years


def indexation_proposal(
    *,
    base_amount: Decimal,
    year_value: Decimal,
    index: Decimal,
    total_base: Decimal,
    total_years: Decimal,
    extra_base: Decimal = Decimal(0),
) -> IndexationProposal:
    """New base amount and year value on an indexation date (PENSIONS.md § 7).

    - An index not above 1 does not reduce pensions (``rules.index_not_reducing``).
    - Base: ``rules.indexed_base`` (derived), then the extraordinary increase of the same date is
      added. The published pairs fix this order: 2020 191.6496 × (1 + 1.1 × 0.080) = 208.5148, + 7
      = 215.5148; 2021 215.5148 → 219.3079, + 16 = 235.3079 (PENSIONS.md § 8). The increase is thus
      part of the base indexed NEXT year.
    - Year value: ``rules.indexed_year_value`` (derived) with the register's totals TB and TS
      (before the increase)."""
    applied = rules.index_not_reducing(index)
    extra = to_decimal(extra_base)
    indexed = rules.indexed_base(base_amount, applied)
    new_value = rules.indexed_year_value(year_value, applied, total_base, total_years)
    return IndexationProposal(
        base_amount=indexed + extra,
        year_value=new_value,
        index_applied=applied,
        indexed_base=indexed,
        extra_base=extra,
    )
