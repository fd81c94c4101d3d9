"""`tugi pensions <subcommand>`: the pension register's command line.

One command with argparse subparsers. Each subcommand is a pair of small functions — one adds its
arguments to its subparser, one runs it — listed in ``SUBCOMMANDS``; add a subcommand by writing
the two functions and adding one line to the list.

File-based subcommands (no database): ``generate``, ``compute-year``, ``calculate``,
``index-parameters``. They read the parameters from the engine's YAML files only.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ..runs_cli import run_arguments, run_run

PROBLEMS_SHOWN = 20


def decimal(text: str) -> Decimal:
    """An argparse type: an exact decimal ("7.2062"); the error names the option."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{text!r} is not a decimal number") from None
    if not value.is_finite():
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def iso_date(text: str) -> Any:
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None


def year_range(text: str) -> range:
    match = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a year or a range like 2019-2025")
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if last < first:
        raise argparse.ArgumentTypeError(f"{text!r}: the last year is before the first")
    return range(first, last + 1)


# --- generate -----------------------------------------------------------------------------------


def generate_arguments(parser: CommandParser) -> None:
    parser.add_argument("--persons", type=int, required=True, help="number of insured persons")
    parser.add_argument("--years", type=year_range, required=True, help="e.g. 2019-2025")
    parser.add_argument("--out", type=Path, required=True, help="directory for the CSV files")
    parser.add_argument("--seed", type=int, default=1)


def generate_run(command: BaseCommand, options: dict[str, Any]) -> None:
    from tqdm import tqdm

    from tugi.engine.generate import generate

    if options["persons"] < 1:
        raise CommandError("--persons: give at least 1")
    years: range = options["years"]
    with tqdm(total=len(years) + 1, desc="generate", unit="file", file=command.stderr) as bar:

        def progress(message: str) -> None:
            bar.set_postfix_str(message)
            bar.update(1)

        report = generate(options["persons"], years, options["out"], seed=options["seed"], progress=progress)
    for path in report.tax_files:
        year = int(path.stem.split("-")[1])
        command.stdout.write(f"{path}: {report.rows[year]} rows")
    command.stdout.write(f"{report.pensioners_file}: {report.pensioners} pensioners")
    command.stdout.write(f"{report.persons_file}: persons of the pensioners")


# --- compute-year -------------------------------------------------------------------------------


def compute_year_arguments(parser: CommandParser) -> None:
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--tax-file", type=Path, action="append", required=True, dest="tax_files")
    parser.add_argument("--minimum-wage", type=decimal, help="default: the parameter of the year")
    parser.add_argument("--average", type=decimal, help="the confirmed average (default: the proposal)")
    parser.add_argument("--out", type=Path, required=True, help="results CSV")


def compute_year_run(command: BaseCommand, options: dict[str, Any]) -> None:
    import pyarrow as pa

    from tugi.engine import taxfile, yearly
    from tugi.engine.parameters import ParameterMissing, Parameters

    year: int = options["year"]
    wage = options["minimum_wage"]
    if wage is None:
        try:
            wage = Parameters.from_files().minimum_wage(year)
        except ParameterMissing as exc:
            raise CommandError(f"--minimum-wage: {exc}; give it explicitly") from None
    if wage <= 0:
        raise CommandError("--minimum-wage must be positive")
    tables = []
    for path in options["tax_files"]:
        if not path.is_file():
            raise CommandError(f"--tax-file: {path} does not exist")
        try:
            tables.append(taxfile.read_tax_csv(path, year=year))
        except taxfile.TaxFileInvalid as exc:
            lines = [f"{path.name}: {problem}" for problem in exc.problems[:PROBLEMS_SHOWN]]
            if exc.total > len(lines):
                lines.append(f"… {exc.total - len(lines)} more problems")
            raise CommandError("File rejected, nothing was written:\n" + "\n".join(lines)) from None
    try:
        result = yearly.compute_year(
            yearly.connect("duckdb"),
            pa.concat_tables(tables),
            year=year,
            minimum_wage=wage,
            average=options["average"],
        )
    except (yearly.YearInputError, ValueError) as exc:
        raise CommandError(str(exc)) from None
    yearly.write_results_csv(result.table, options["out"])
    command.stdout.write(f"average={result.average_proposed}")
    if options["average"] is not None:
        command.stdout.write(f"average_used={result.average_used}")
    command.stdout.write(f"persons={result.persons}")
    command.stdout.write(f"sha256={yearly.results_sha256(result.table)}")


# --- calculate ----------------------------------------------------------------------------------


def calculate_arguments(parser: CommandParser) -> None:
    parser.add_argument(
        "--date", type=iso_date, help="take the base amount and year value in force on this date"
    )
    parser.add_argument("--base", type=decimal, help="base amount")
    parser.add_argument("--year-value", type=decimal, dest="year_value")
    parser.add_argument("--service-years", type=decimal, required=True, dest="service_years")
    parser.add_argument("--insurance-shares", type=decimal, default=Decimal(0), dest="insurance_shares")
    parser.add_argument("--joint-shares", type=decimal, default=Decimal(0), dest="joint_shares")
    parser.add_argument("--adjustment", type=decimal, default=Decimal(1))


def calculate_run(command: BaseCommand, options: dict[str, Any]) -> None:
    from tugi.engine import rules
    from tugi.engine.parameters import BASE_AMOUNT, YEAR_VALUE, ParameterMissing, Parameters

    on = options["date"]
    base, value = options["base"], options["year_value"]
    if on is not None:
        if base is not None or value is not None:
            raise CommandError("--date: give either --date or both --base and --year-value")
        params = Parameters.from_files()
        try:
            base = params.value(BASE_AMOUNT, on)
            value = params.value(YEAR_VALUE, on)
        except ParameterMissing as exc:
            raise CommandError(f"--date: {exc}") from None
    elif base is None or value is None:
        missing = "--base" if base is None else "--year-value"
        raise CommandError(f"{missing}: give --date, or both --base and --year-value")
    try:
        result = rules.old_age_amount(
            base_amount=base,
            year_value=value,
            service_years=options["service_years"],
            insurance_shares=options["insurance_shares"],
            joint_shares=options["joint_shares"],
            adjustment_factor=options["adjustment"],
        )
    except rules.RuleInputError as exc:
        raise CommandError(str(exc)) from None
    for name in (
        "base_amount",
        "year_value",
        "service_years",
        "service_part",
        "insurance_shares",
        "insurance_part",
        "joint_shares",
        "joint_part",
        "before_adjustment",
        "adjustment_factor",
    ):
        command.stdout.write(f"{name}={getattr(result, name)}")
    command.stdout.write(f"amount={result.amount}")


# --- index-parameters ---------------------------------------------------------------------------


def index_parameters_arguments(parser: CommandParser) -> None:
    parser.add_argument("--base", type=decimal, required=True, help="base amount before the date")
    parser.add_argument("--year-value", type=decimal, required=True, dest="year_value")
    parser.add_argument("--index", type=decimal, required=True)
    parser.add_argument("--total-base", type=decimal, required=True, dest="total_base", help="TB")
    parser.add_argument("--total-years", type=decimal, required=True, dest="total_years", help="TS")
    parser.add_argument("--extra-base", type=decimal, default=Decimal(0), dest="extra_base")


def index_parameters_run(command: BaseCommand, options: dict[str, Any]) -> None:
    from tugi.engine import pensions_calc, rules

    if options["total_years"] <= 0:
        raise CommandError("--total-years must be positive")
    if options["index"] <= 0:
        raise CommandError("--index must be positive")
    try:
        proposal = pensions_calc.indexation_proposal(
            base_amount=options["base"],
            year_value=options["year_value"],
            index=options["index"],
            total_base=options["total_base"],
            total_years=options["total_years"],
            extra_base=options["extra_base"],
        )
    except rules.RuleInputError as exc:
        raise CommandError(str(exc)) from None
    four = Decimal("0.0001")
    command.stdout.write(f"index_applied={proposal.index_applied}")
    command.stdout.write(f"indexed_base={proposal.indexed_base.quantize(four)}")
    command.stdout.write(f"base={proposal.base_amount.quantize(four)}")
    command.stdout.write(f"year_value={proposal.year_value.quantize(four)}")


# --- import-tax (database) ----------------------------------------------------------------------


def import_tax_arguments(parser: CommandParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="social tax CSV files")
    parser.add_argument("--user", required=True, help="who imports (needs pensions.add_taxfile)")
    parser.add_argument("--year", type=int, help="every line must be of this year")
    parser.add_argument("--reason", default="", help="kept in the audit log")


def import_tax_run(command: BaseCommand, options: dict[str, Any]) -> None:
    from django.contrib.auth import get_user_model

    from tugi.core.permissions import can
    from tugi.pensions.selectors_taxfiles import manifest_of
    from tugi.pensions.services.taxfiles import TaxFileRejected, taxfile_import

    actor = get_user_model().objects.filter(username=options["user"], is_active=True).first()
    if actor is None:
        raise CommandError(f"--user: no active user {options['user']!r}")
    if not can(actor, "pensions.add_taxfile"):
        raise CommandError(f"--user: {options['user']!r} may not import tax files (pensions.add_taxfile)")
    rejected = 0
    for path in options["files"]:
        if not path.is_file():
            raise CommandError(f"FILE: {path} is not a file")

        def progress(percent: int, step: str, name: str = path.name) -> None:
            command.stdout.write(f"{name}: {percent:3d}% {step}")

        try:
            tax_file, created = taxfile_import(
                path=path,
                original_name=path.name,
                actor=actor,
                year=options.get("year"),
                reason=options.get("reason", ""),
                progress=progress,
            )
        except TaxFileRejected as exc:
            rejected += 1
            command.stderr.write(f"{path.name}: rejected, nothing was stored ({exc.total} problems)")
            for error in exc.errors[:PROBLEMS_SHOWN]:
                command.stderr.write(f"{path.name}: {error}")
            if exc.total > PROBLEMS_SHOWN:
                command.stderr.write(f"{path.name}: ... and {exc.total - PROBLEMS_SHOWN} more problems")
            continue
        if not created:
            command.stdout.write(
                f"{path.name}: already imported on {tax_file.created_at.isoformat()}; nothing changed"
            )
        for key, value in manifest_of(tax_file).items():
            shown = ",".join(str(m) for m in value) if isinstance(value, list) else value
            command.stdout.write(f"{key}={shown}")
    if rejected:
        raise CommandError(f"{rejected} of {len(options['files'])} files rejected")


# --- the command --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subcommand:
    name: str
    help: str
    arguments: Callable[[CommandParser], None]
    run: Callable[[BaseCommand, dict[str, Any]], None]


SUBCOMMANDS: list[Subcommand] = [
    Subcommand(
        "generate",
        "write a synthetic population (tax files, pensioners, persons)",
        generate_arguments,
        generate_run,
    ),
    Subcommand(
        "compute-year",
        "compute a year's figures from tax files (no database)",
        compute_year_arguments,
        compute_year_run,
    ),
    Subcommand(
        "calculate",
        "the pension calculator: each component and the amount",
        calculate_arguments,
        calculate_run,
    ),
    Subcommand(
        "index-parameters",
        "the indexation proposal for given totals",
        index_parameters_arguments,
        index_parameters_run,
    ),
    Subcommand("import-tax", "import files of personalised social tax", import_tax_arguments, import_tax_run),
    Subcommand("run", "create and compute a calculation run", run_arguments, run_run),
]


class Command(BaseCommand):
    help = "The pension register: " + ", ".join(s.name for s in SUBCOMMANDS) + "."

    def add_arguments(self, parser: CommandParser) -> None:
        subparsers = parser.add_subparsers(dest="subcommand", required=True, metavar="subcommand")
        for sub in SUBCOMMANDS:
            sub.arguments(subparsers.add_parser(sub.name, help=sub.help))

    def handle(self, *args: Any, **options: Any) -> None:
        for sub in SUBCOMMANDS:
            if sub.name == options["subcommand"]:
                sub.run(self, options)
                return
        raise CommandError(f"unknown subcommand {options['subcommand']!r}")
