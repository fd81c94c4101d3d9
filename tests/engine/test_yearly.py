"""The yearly computation: corrections, exact figures, the average, and DuckDB == PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from tugi.engine import rules, yearly
from tugi.engine.generate import generate
from tugi.engine.taxfile import SCHEMA, read_tax_csv, write_parquet

from .conftest import code


def tax_rows(rows: list[tuple[str, str, int, int, int, bool, str]]) -> pa.Table:
    """(person, payer, year, month, cents, funded, submitted ISO) tuples as a tax table."""
    return pa.table(
        {
            "person_code": [r[0] for r in rows],
            "payer_code": [r[1] for r in rows],
            "year": [r[2] for r in rows],
            "month": [r[3] for r in rows],
            "social_tax_cents": [r[4] for r in rows],
            "funded": [r[5] for r in rows],
            "submitted_at": [dt.datetime.fromisoformat(r[6]) for r in rows],
        }
    ).cast(SCHEMA)


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("population")
    report = generate(300, range(2021, 2022), out, seed=5)
    table = read_tax_csv(report.tax_files[0], year=2021)
    parquet = out / "tax-2021.parquet"
    write_parquet(table, parquet)
    return {"table": table, "parquet": parquet, "csv": report.tax_files[0]}


def test_figures_equal_the_scalar_rules(duck: Any, population: dict[str, Any]) -> None:
    result = yearly.compute_year(duck, population["table"], year=2021, minimum_wage=Decimal(584))
    rows = result.table.to_pylist()
    assert result.persons == len(rows) == 300
    assert [r["person_code"] for r in rows] == sorted(r["person_code"] for r in rows)
    # recompute a sample with the scalar definition from the latest rows
    latest = yearly.latest_rows(duck.read_parquet(str(population["parquet"]))).to_pyarrow().to_pylist()
    by_person: dict[str, list[dict[str, Any]]] = {}
    for r in latest:
        by_person.setdefault(r["person_code"], []).append(r)
    for row in rows[::17]:
        items = by_person[row["person_code"]]
        tax = Decimal(sum(i["social_tax_cents"] for i in items)) / 100
        funded = Decimal(sum(i["social_tax_cents"] for i in items if i["funded"])) / 100
        pp = rules.pension_part(tax)
        sf = rules.service_fraction(tax, 584)
        ff = rules.funded_factor(funded, tax)
        assert row["pension_part"] == pp
        assert row["insured_base"] == rules.insured_base(tax)
        assert row["service_fraction"] == sf
        assert row["funded_factor"] == ff
        assert row["insurance_share"] == rules.insurance_share(pp, result.average_used, ff)
        assert row["joint_share"] == rules.joint_share(pp, result.average_used, sf, ff)
    positive = [r for r in rows if r["pension_part"] > 0]
    assert result.average_proposed == rules.year_average(
        sum(r["pension_part"] for r in positive), sum(r["service_fraction"] for r in positive)
    )
    assert result.totals["pension_part"] == str(sum(r["pension_part"] for r in rows))


def test_parquet_paths_and_arrow_give_the_same_bytes(duck: Any, population: dict[str, Any]) -> None:
    a = yearly.compute_year(duck, [population["parquet"]], year=2021, minimum_wage=Decimal(584))
    b = yearly.compute_year(duck, population["table"], year=2021, minimum_wage=Decimal(584))
    assert yearly.results_sha256(a.table) == yearly.results_sha256(b.table)


def test_duckdb_and_postgresql_give_identical_results(duck: Any, pg: Any, population: dict[str, Any]) -> None:
    a = yearly.compute_year(duck, population["table"], year=2021, minimum_wage=Decimal(584))
    b = yearly.compute_year(pg, population["table"], year=2021, minimum_wage=Decimal(584))
    assert a.average_proposed == b.average_proposed
    assert a.totals == b.totals
    assert yearly.results_sha256(a.table) == yearly.results_sha256(b.table)
    c = yearly.compute_year(
        pg, [population["parquet"]], year=2021, minimum_wage=Decimal(584), average=Decimal("3433.03")
    )
    d = yearly.compute_year(
        duck, [population["parquet"]], year=2021, minimum_wage=Decimal(584), average=Decimal("3433.03")
    )
    assert yearly.results_sha256(c.table) == yearly.results_sha256(d.table)


def test_a_confirmed_average_is_used_for_the_shares(duck: Any) -> None:
    t = tax_rows([(code(1), "1", 2021, 1, 100_000, False, "2021-02-10T08:00:00+02:00")])
    result = yearly.compute_year(duck, t, year=2021, minimum_wage=Decimal(584), average=Decimal("3000.00"))
    assert result.average_used == Decimal("3000.00")
    row = result.table.to_pylist()[0]
    assert row["insurance_share"] == rules.insurance_share(row["pension_part"], "3000", 1)
    assert result.average_proposed == rules.year_average(row["pension_part"], row["service_fraction"])


def test_corrections_and_ties_are_deterministic(duck: Any) -> None:
    same_time = "2021-02-10T08:00:00+02:00"
    t = tax_rows(
        [
            (code(1), "1", 2021, 1, 1000, False, same_time),
            (code(1), "1", 2021, 1, 3000, False, same_time),  # a tie: the larger amount wins
            (code(1), "1", 2021, 2, 5000, False, "2021-04-01T08:00:00+03:00"),
            (code(1), "1", 2021, 2, 7000, False, "2021-03-10T08:00:00+02:00"),  # older: replaced
            (code(1), "1", 2020, 2, 9900, False, "2020-03-10T08:00:00+02:00"),  # another year: ignored
        ]
    )
    result = yearly.compute_year(duck, t, year=2021, minimum_wage=Decimal(584))
    assert result.totals["social_tax"] == "80.00"
    reversed_rows = result.table
    again = yearly.compute_year(duck, t.take(pa.array([4, 3, 2, 1, 0])), year=2021, minimum_wage=Decimal(584))
    assert yearly.results_sha256(reversed_rows) == yearly.results_sha256(again.table)


def test_joint_share_is_empty_before_2021(duck: Any, tmp_path: Path) -> None:
    t = tax_rows([(code(1), "1", 2020, 1, 100_000, True, "2020-02-10T08:00:00+02:00")])
    result = yearly.compute_year(duck, t, year=2020, minimum_wage=Decimal(584))
    assert result.table.column("joint_share").to_pylist() == [None]
    assert result.totals["joint_share"] == ""
    out = tmp_path / "r.csv"
    yearly.write_results_csv(result.table, out)
    lines = out.read_text().splitlines()
    assert lines[0].split(";") == list(yearly.RESULT_COLUMNS)
    # alone in the year: average = 606.06 / 0.4324 = 1401.62; share = 606.06 / 1401.62 × 0.8 = 0.346
    assert lines[1] == f"{code(1)};2020;606.06;3030.30;0.4324;0.8000;0.346;"


def test_a_year_without_rows_gives_no_persons(duck: Any) -> None:
    t = tax_rows([(code(1), "1", 2020, 1, 100, True, "2020-02-10T08:00:00+02:00")])
    result = yearly.compute_year(duck, t, year=2022, minimum_wage=Decimal(654))
    assert result.persons == 0 and result.table.num_rows == 0
    assert result.average_proposed == Decimal("0.00")


def test_persons_with_zero_tax_have_zero_shares_and_do_not_count_for_the_average(duck: Any) -> None:
    t = tax_rows(
        [
            (code(1), "1", 2021, 1, 0, True, "2021-02-10T08:00:00+02:00"),
            (code(2), "1", 2021, 1, 330_000, False, "2021-02-10T08:00:00+02:00"),
        ]
    )
    result = yearly.compute_year(duck, t, year=2021, minimum_wage=Decimal(584))
    zero = next(r for r in result.table.to_pylist() if r["person_code"] == code(1))
    assert zero["pension_part"] == 0 and zero["insurance_share"] == 0 and zero["joint_share"] == 0
    assert zero["funded_factor"] == Decimal("1.0000")  # no tax at all: rules.funded_factor gives 1
    assert result.average_proposed == Decimal("2000.00")  # only the second person: 2000.00 / 1.0000
    assert result.totals["persons_with_pension_part"] == "1"


def test_bad_inputs_are_refused(duck: Any) -> None:
    t = tax_rows([(code(1), "1", 2021, 1, 100, True, "2021-02-10T08:00:00+02:00")])
    with pytest.raises(yearly.YearInputError, match="minimum wage"):
        yearly.compute_year(duck, t, year=2021, minimum_wage=Decimal("584.001"))
    with pytest.raises(yearly.YearInputError, match="average"):
        yearly.compute_year(duck, t, year=2021, minimum_wage=Decimal(584), average=Decimal(0))
    huge = tax_rows(
        [(code(1), "1", 2021, m, 99_000_000_000, False, "2021-02-10T08:00:00+02:00") for m in (1, 2)]
    )
    with pytest.raises(yearly.YearInputError, match="implausibly large"):
        yearly.compute_year(duck, huge, year=2021, minimum_wage=Decimal(584))


def test_connect_refuses_an_unknown_backend() -> None:
    with pytest.raises(yearly.YearInputError, match="unknown backend"):
        yearly.connect("spark")
    with pytest.raises(yearly.YearInputError, match="URL"):
        yearly.connect("postgres")
