"""Dated parameters: the shipped YAML files, lookups by date, database overrides."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from tugi.engine.parameters import (
    NAMES,
    ParameterFileError,
    ParameterMissing,
    Parameters,
    ParamValue,
)


@pytest.fixture(scope="module")
def params() -> Parameters:
    return Parameters.from_files()


def test_every_parameter_has_a_file_with_legal_references(params: Parameters) -> None:
    assert set(params.names()) == set(NAMES)
    for value in params.entries():
        assert value.unit, value
        assert value.legal_title, value
        assert value.checked_on is not None and value.checked_by, value
        assert value.source == "file"
        assert value.checked_by.lower() == value.checked_by, "a role, not a person's name"


def test_values_of_pensions_md(params: Parameters) -> None:
    on = dt.date
    assert params.value("base_amount", on(2017, 4, 1)) == Decimal("161.9038")
    assert params.value("base_amount", on(2017, 3, 31)) == Decimal("153.3035")
    # 2020 and 2021: the amount in force after the extraordinary increase
    assert params.value("base_amount", on(2020, 4, 1)) == Decimal("215.5148")
    assert params.value("base_amount", on(2021, 12, 31)) == Decimal("235.3079")
    assert params.value("year_value", on(2021, 4, 1)) == Decimal("7.2062")
    assert params.value("pension_index", on(2022, 4, 1)) == Decimal("1.079")
    assert [v.value for v in params.entries("extra_base_increase")] == [Decimal(7), Decimal(16), Decimal(20)]
    assert params.entries("extra_base_increase")[-1].valid_from == on(2023, 1, 1)
    assert params.minimum_wage(2019) == Decimal(540)
    assert params.minimum_wage(2025) == Decimal(886)


def test_average_social_tax_is_the_years_own_value(params: Parameters) -> None:
    assert params.average_social_tax(2013).value == Decimal("2039.15")  # type: ignore[union-attr]
    secondary = params.average_social_tax(2021)
    assert secondary is not None and secondary.value == Decimal("3433.03")
    assert "to be verified" in secondary.note
    provisional = params.average_social_tax(2025)
    assert provisional is not None and "provisional" in provisional.note
    assert params.average_social_tax(2014) is None  # no value of its own: not the 2013 one


def test_missing_value_names_parameter_and_date(params: Parameters) -> None:
    with pytest.raises(ParameterMissing) as info:
        params.value("base_amount", dt.date(2010, 1, 1))
    assert "base_amount" in str(info.value) and "2010-01-01" in str(info.value)
    with pytest.raises(ParameterMissing):
        params.minimum_wage(2018)


def test_database_overrides_replace_the_same_date_and_add_new_ones(params: Parameters) -> None:
    confirmed = ParamValue(
        name="average_social_tax",
        valid_from=dt.date(2021, 1, 1),
        value=Decimal("3433.10"),
        unit="EUR/year",
        source="database",
    )
    new = ParamValue(
        name="base_amount", valid_from=dt.date(2026, 4, 1), value=Decimal("300.1234"), source="database"
    )
    merged = params.with_overrides([confirmed, new])
    assert merged.average_social_tax(2021) == confirmed
    assert merged.value("base_amount", dt.date(2026, 5, 1)) == Decimal("300.1234")
    assert len(merged) == len(params) + 1
    # the original set is unchanged
    assert params.average_social_tax(2021).value == Decimal("3433.03")  # type: ignore[union-attr]


def test_as_dict_is_json_able(params: Parameters) -> None:
    import json

    data = params.as_dict()
    assert json.loads(json.dumps(data)) == data
    assert {"name": "base_amount", "valid_from": "2022-04-01", "value": "255.7562"}.items() <= data[
        [i for i, d in enumerate(data) if d["name"] == "base_amount"][-1]
    ].items()


def test_entries_are_sorted(params: Parameters) -> None:
    entries = params.entries()
    assert entries == sorted(entries, key=lambda v: (v.name, v.valid_from))


def test_a_float_in_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text("name: x\nvalues:\n  - valid_from: 2020-01-01\n    value: 1.1\n")
    with pytest.raises(ParameterFileError, match=r"x.yaml, value 1: .*quoted string"):
        Parameters.from_files(tmp_path)


def test_a_bad_date_in_a_file_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "y.yaml").write_text("name: y\nvalues:\n  - valid_from: 2020-13-01\n    value: '1'\n")
    with pytest.raises(ParameterFileError, match=r"y.yaml: .*month must be in 1..12"):
        Parameters.from_files(tmp_path)
