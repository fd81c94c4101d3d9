"""`tugi pensions` file-based subcommands: generate, compute-year, calculate, index-parameters."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tugi.engine import yearly
from tugi.engine.taxfile import COLUMNS

from .conftest import code


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("pensions", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli")
    run("generate", "--persons", "150", "--years", "2021-2022", "--out", str(out), "--seed", "4")
    return out


def test_generate_writes_the_files(generated: Path) -> None:
    names = sorted(p.name for p in generated.iterdir())
    assert names == ["pensioners.csv", "persons.csv", "tax-2021.csv", "tax-2022.csv"]


def test_compute_year_prints_the_average_and_writes_sorted_rows(generated: Path, tmp_path: Path) -> None:
    out = tmp_path / "results.csv"
    text = run(
        "compute-year", "--year", "2022", "--tax-file", str(generated / "tax-2022.csv"), "--out", str(out)
    )
    assert text.startswith("average=")
    average = text.splitlines()[0].split("=")[1]
    assert len(average.split(".")[1]) == 2
    rows = yearly.read_results_csv(out)
    assert len(rows) == 150
    assert [r["person_code"] for r in rows] == sorted(r["person_code"] for r in rows)
    assert out.read_text().splitlines()[0] == ";".join(yearly.RESULT_COLUMNS)
    # the minimum wage defaults to the parameter of the year (654 in 2022); explicit gives the same
    again = tmp_path / "again.csv"
    tax_file = str(generated / "tax-2022.csv")
    run(
        "compute-year", "--year", "2022", "--tax-file", tax_file, "--minimum-wage", "654", "--out", str(again)
    )
    assert again.read_bytes() == out.read_bytes()


def test_compute_year_rejects_a_bad_line_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        ";".join(COLUMNS) + "\n"
        f"{code(1)};10000018;2021;1;660.00;1;2021-02-10T08:00:00+02:00\n"
        f"{code(2)};10000018;2021;14;660.00;1;2021-02-10T08:00:00+02:00\n"
    )
    out = tmp_path / "results.csv"
    with pytest.raises(CommandError, match=r"bad.csv: line 3, month: month is not a number from 1 to 12"):
        run("compute-year", "--year", "2021", "--tax-file", str(bad), "--out", str(out))
    assert not out.exists()


def test_compute_year_without_a_minimum_wage_parameter(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--minimum-wage"):
        run(
            "compute-year",
            "--year",
            "2010",
            "--tax-file",
            str(tmp_path / "x.csv"),
            "--out",
            str(tmp_path / "o"),
        )


def test_calculate_with_a_date_uses_the_parameter_files() -> None:
    text = run("calculate", "--date", "2021-06-01", "--service-years", "44")
    assert "base_amount=235.3079" in text and "year_value=7.2062" in text
    assert text.splitlines()[-1] == "amount=552.38"


def test_calculate_with_explicit_parameters_and_shares() -> None:
    text = run("calculate", "--base", "255.7562", "--year-value", "7.718", "--service-years", "20",
               "--insurance-shares", "15.5", "--joint-shares", "1.25")  # fmt: skip
    assert "service_part=154.36" in text and "insurance_part=119.629" in text and "joint_part=9.6475" in text
    assert text.splitlines()[-1] == "amount=539.39"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--service-years", "44"], "--base"),
        (["--base", "200", "--service-years", "44"], "--year-value"),
        (["--date", "2010-01-01", "--service-years", "44"], "--date: no value of parameter 'base_amount'"),
        (["--date", "2021-06-01", "--base", "1", "--service-years", "44"], "--date"),
        (
            ["--base", "abc", "--year-value", "1", "--service-years", "44"],
            "argument --base: 'abc' is not a decimal",
        ),
        (["--base", "1", "--year-value", "1", "--service-years", "-1"], "service years must not be negative"),
    ],
)
def test_calculate_bad_arguments_name_the_option(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run("calculate", *args)


def test_index_parameters_prints_four_decimals() -> None:
    text = run("index-parameters", "--base", "215.5148", "--year-value", "7.104", "--index", "1.016",
               "--total-base", "7165", "--total-years", "1000", "--extra-base", "16")  # fmt: skip
    assert "base=235.3079" in text.splitlines()
    assert "year_value=7.2062" in text.splitlines()
    text = run("index-parameters", "--base", "175.439", "--year-value", "6.161", "--index", "1.084",
               "--total-base", "6161", "--total-years", "1000")  # fmt: skip
    assert "base=191.6496" in text.splitlines()


def test_index_parameters_bad_arguments() -> None:
    with pytest.raises(CommandError, match="--total-years"):
        run("index-parameters", "--base", "1", "--year-value", "1", "--index", "1.01", "--total-base", "1",
            "--total-years", "0")  # fmt: skip
    with pytest.raises(CommandError, match="--index"):
        run("index-parameters", "--base", "1", "--year-value", "1", "--total-base", "1", "--total-years", "1")


def test_generate_bad_years(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--years"):
        run("generate", "--persons", "5", "--years", "2025-2019", "--out", str(tmp_path))


def test_no_database_is_touched(generated: Path, tmp_path: Path) -> None:
    """pytest-django refuses any database access in a test without the ``db`` fixture."""
    tax_file = str(generated / "tax-2021.csv")
    run("compute-year", "--year", "2021", "--tax-file", tax_file, "--out", str(tmp_path / "r.csv"))
    run("calculate", "--date", "2022-05-01", "--service-years", "10")
