"""The synthetic population: valid import files, deterministic, realistic enough."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
import pytest
from stdnum.ee import ik

from tugi.engine import yearly
from tugi.engine.generate import PENSIONER_COLUMNS, generate
from tugi.engine.taxfile import file_sha256, read_tax_csv


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Any:
    out = tmp_path_factory.mktemp("gen")
    return generate(400, range(2020, 2022), out, seed=9)


def test_files_are_in_the_import_format_and_valid(generated: Any) -> None:
    assert [p.name for p in generated.tax_files] == ["tax-2020.csv", "tax-2021.csv"]
    for path, year in zip(generated.tax_files, (2020, 2021), strict=True):
        table = read_tax_csv(path, year=year)  # raises on any bad line
        assert table.num_rows == generated.rows[year]
        assert len(pc.unique(table.column("person_code"))) == 400
        # several payers per person for some, switching and second jobs
        per_person = table.group_by("person_code").aggregate([("payer_code", "count_distinct")])
        assert pc.max(per_person.column("payer_code_count_distinct")).as_py() >= 2
        # corrections: some (person, payer, month) submitted more than once
        keys = table.group_by(["person_code", "payer_code", "month"]).aggregate([("submitted_at", "count")])
        assert pc.max(keys.column("submitted_at_count")).as_py() >= 2
        # pillar-II members and non-members
        assert 0 < pc.sum(table.column("funded")).as_py() < table.num_rows


def test_the_same_seed_gives_the_same_files(generated: Any, tmp_path: Path) -> None:
    again = generate(400, range(2020, 2022), tmp_path, seed=9)
    for a, b in zip(generated.tax_files, again.tax_files, strict=True):
        assert file_sha256(a) == file_sha256(b)
    assert file_sha256(generated.pensioners_file) == file_sha256(again.pensioners_file)
    other = generate(400, range(2020, 2021), tmp_path / "other", seed=10)
    assert file_sha256(other.tax_files[0]) != file_sha256(generated.tax_files[0])


def test_figures_are_plausible(generated: Any) -> None:
    result = yearly.compute_year(
        yearly.connect(), read_tax_csv(generated.tax_files[1]), year=2021, minimum_wage=Decimal(584)
    )
    # the confirmed-looking average of 2021 is about 3 400 EUR; synthetic wages are in that range
    assert Decimal(2500) < result.average_proposed < Decimal(6000)
    fractions = result.table.column("service_fraction").to_pylist()
    assert any(f < 1 for f in fractions) and any(f == 1 for f in fractions)  # part-year workers
    factors = set(result.table.column("funded_factor").to_pylist())
    assert Decimal("0.8000") in factors and Decimal("1.0000") in factors


def test_pensioners_and_persons(generated: Any) -> None:
    with generated.pensioners_file.open(encoding="utf-8") as handle:
        pensioners = list(csv.DictReader(handle, delimiter=";"))
    assert tuple(pensioners[0]) == PENSIONER_COLUMNS
    assert len(pensioners) == generated.pensioners
    codes = [p["person_code"] for p in pensioners]
    assert len(set(codes)) == len(codes) and all(ik.is_valid(c) for c in codes)
    insured = set(read_tax_csv(generated.tax_files[0]).column("person_code").to_pylist())
    assert any(c in insured for c in codes), "working pensioners appear in the tax files"
    assert any(c not in insured for c in codes), "and pensioners who no longer work"
    for p in pensioners:
        assert p["pension_type"] == "old-age"
        assert Decimal(10) <= Decimal(p["service_years"]) <= Decimal(44)
        assert Decimal(p["adjustment_factor"]) > 0
        assert p["start_date"] <= "2021-12-01"
    assert sum(p["adjustment_factor"] == "1.000000" for p in pensioners) > len(pensioners) * 0.8
    with generated.persons_file.open(encoding="utf-8") as handle:
        persons = list(csv.DictReader(handle, delimiter=";"))
    assert tuple(persons[0]) == ("personal_code", "first_name", "last_name", "date_of_death")
    assert [p["personal_code"] for p in persons] == codes


def test_persons_csv_is_accepted_by_the_person_import(generated: Any) -> None:
    from tugi.core.services import persons_import_validate

    rows = persons_import_validate(generated.persons_file.read_bytes())
    assert len(rows) == generated.pensioners
