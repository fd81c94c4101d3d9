"""Vectorised pension amounts and the indexation proposal."""

from __future__ import annotations

from decimal import Decimal

import pyarrow as pa
import pytest

from tugi.engine import pensions_calc, rules
from tugi.engine.arrowutil import YearInputError


def pensions(rows: list[tuple[int, str, str, str, str]]) -> pa.Table:
    return pa.table(
        {
            "pension_id": pa.array([r[0] for r in rows], pa.int64()),
            "service_years": pa.array([Decimal(r[1]) for r in rows], pa.decimal128(6, 2)),
            "insurance_shares": pa.array([Decimal(r[2]) for r in rows], pa.decimal128(9, 3)),
            "joint_shares": pa.array([Decimal(r[3]) for r in rows], pa.decimal128(9, 3)),
            "adjustment_factor": pa.array([Decimal(r[4]) for r in rows], pa.decimal128(8, 6)),
        }
    )


def test_amounts_equal_the_published_checks_and_the_scalar_rule() -> None:
    table = pensions(
        [
            (3, "44", "0", "0", "1"),
            (1, "15", "0", "0", "1"),
            (2, "30", "0", "0", "1"),
            (4, "20.25", "12.345", "1.5", "0.912345"),
        ]
    )
    result = pensions_calc.recompute_amounts(
        table, base_amount=Decimal("235.3079"), year_value=Decimal("7.2062")
    )
    assert result.column("pension_id").to_pylist() == [1, 2, 3, 4]
    amounts = result.column("new_amount").to_pylist()
    assert amounts[:3] == [Decimal("343.40"), Decimal("451.49"), Decimal("552.38")]
    assert (
        amounts[3]
        == rules.old_age_amount(
            base_amount="235.3079",
            year_value="7.2062",
            service_years="20.25",
            insurance_shares="12.345",
            joint_shares="1.5",
            adjustment_factor="0.912345",
        ).amount
    )
    assert result.schema.field("new_amount").type == pa.decimal128(14, 2)


def test_nulls_count_as_zero_and_adjustment_one() -> None:
    table = pa.table(
        {
            "pension_id": pa.array([1], pa.int64()),
            "service_years": pa.array([Decimal("44")], pa.decimal128(6, 2)),
            "insurance_shares": pa.array([None], pa.decimal128(9, 3)),
            "joint_shares": pa.array([None], pa.decimal128(9, 3)),
            "adjustment_factor": pa.array([None], pa.decimal128(8, 6)),
        }
    )
    result = pensions_calc.recompute_amounts(
        table, base_amount=Decimal("161.9038"), year_value=Decimal("5.767")
    )
    assert result.column("new_amount").to_pylist() == [Decimal("415.65")]


def test_floats_and_excess_decimals_are_refused() -> None:
    table = pensions([(1, "44", "0", "0", "1")]).set_column(
        1, "service_years", pa.array([44.0], pa.float64())
    )
    with pytest.raises(YearInputError, match="floating-point"):
        pensions_calc.recompute_amounts(table, base_amount=Decimal(1), year_value=Decimal(1))
    too_precise = pensions([(1, "44", "0", "0", "1")]).set_column(
        2, "insurance_shares", pa.array([Decimal("1.0001")], pa.decimal128(9, 4))
    )
    with pytest.raises(YearInputError, match="at most 3 decimals"):
        pensions_calc.recompute_amounts(too_precise, base_amount=Decimal(1), year_value=Decimal(1))
    with pytest.raises(YearInputError, match="lacks columns"):
        pensions_calc.recompute_amounts(
            pa.table({"pension_id": [1]}), base_amount=Decimal(1), year_value=Decimal(1)
        )


def test_empty_input_gives_an_empty_table() -> None:
    result = pensions_calc.recompute_amounts(pensions([]), base_amount=Decimal(1), year_value=Decimal(1))
    assert result.num_rows == 0


def test_register_totals() -> None:
    table = pensions([(1, "40", "10.5", "1.25", "1"), (2, "20", "0", "0", "0.9")])
    total_base, total_years = pensions_calc.register_totals(table, base_amount=Decimal("255.7562"))
    assert total_base == Decimal("511.5124")
    assert total_years == Decimal("71.750")


def test_indexation_proposal_adds_the_extra_base_after_indexing() -> None:
    proposal = pensions_calc.indexation_proposal(
        base_amount=Decimal("191.6496"),
        year_value=Decimal("6.627"),
        index=Decimal("1.080"),
        total_base=Decimal("1000"),
        total_years=Decimal("150"),
        extra_base=Decimal("7.00"),
    )
    assert proposal.indexed_base == Decimal("208.5148")
    assert proposal.base_amount == Decimal("215.5148")
    assert proposal.year_value == rules.indexed_year_value("6.627", "1.080", "1000", "150")


def test_total_of_pensions_grows_by_the_index_within_rounding() -> None:
    """The derived year-value rule keeps Σ pensions × index (before rounding each amount)."""
    table = pensions([(i, str(10 + i % 30), f"{i % 7}.125", "0.5", "1") for i in range(1, 200)])
    base, value, index = Decimal("235.3079"), Decimal("7.2062"), Decimal("1.079")
    total_base, total_years = pensions_calc.register_totals(table, base_amount=base)
    proposal = pensions_calc.indexation_proposal(
        base_amount=base, year_value=value, index=index, total_base=total_base, total_years=total_years
    )
    before = sum(
        pensions_calc.recompute_amounts(table, base_amount=base, year_value=value)["new_amount"].to_pylist()
    )
    after = sum(
        pensions_calc.recompute_amounts(
            table, base_amount=proposal.base_amount, year_value=proposal.year_value
        )["new_amount"].to_pylist()
    )
    # parameters rounded to 4 decimals and amounts to cents: at most a cent per pension off
    assert abs(after - before * index) <= Decimal("0.01") * table.num_rows
    assert abs(after / before - index) < Decimal("0.0005")
