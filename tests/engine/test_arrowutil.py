"""Exact conversions between integer units and Arrow decimals."""

from __future__ import annotations

from decimal import Decimal

import pyarrow as pa
import pytest

from tugi.engine.arrowutil import YearInputError, decimal_units, to_units, units_to_decimal_array


def test_units_to_decimals_keeps_nulls_signs_and_offsets() -> None:
    values = pa.array([1, None, -250, 3, None, 12_345_678_901_234], pa.int64()).slice(1)
    assert units_to_decimal_array(values, 2, 18).to_pylist() == [
        None,
        Decimal("-2.50"),
        Decimal("0.03"),
        None,
        Decimal("123456789012.34"),
    ]


def test_decimal_units_round_trip_and_refusals() -> None:
    decimals = units_to_decimal_array(pa.array([5, -7, None], pa.int64()), 2, 10)
    assert decimal_units(decimals, 3).to_pylist() == [50, -70, None]
    assert decimal_units(pa.array(["1.5", "2"]), 2).to_pylist() == [150, 200]
    with pytest.raises(YearInputError, match="floating-point"):
        decimal_units(pa.array([1.5]), 2)
    with pytest.raises(YearInputError, match="at most 1 decimals"):
        decimal_units(pa.array([Decimal("1.25")]), 1)


def test_to_units() -> None:
    assert to_units(Decimal("886"), 2, "minimum wage") == 88600
    with pytest.raises(YearInputError, match=r"minimum wage 1\.005 has more than 2 decimals"):
        to_units(Decimal("1.005"), 2, "minimum wage")
