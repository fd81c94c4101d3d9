"""`tugi testdata`: generate synthetic persons from a scenario, or pseudonymise a CSV extract.

    tugi testdata generate --scenario NAME [--spec-file FILE] [--count N] [--environment E]
                           [--format csv|json] [--out FILE]
    tugi testdata pseudonymise --key-file K --out DIR FILE... [--kinds "file.csv: col=kind, ..."]

``generate`` runs as the system actor; with ``--spec-file`` the scenario is created first (if a
scenario of that name does not exist). ``pseudonymise`` reads the key from the key file, keeps it in
memory only, and writes the files and ``report.json`` (counts, no values) to DIR.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tugi.core.context import system_actor

from ...models import TestDataScenario
from ...pseudonym import PseudonymError, key_from_text
from ...services import pseudonymise as pseudonymise_services
from ...services import testdata as services


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(m)}" for field, m in exc.message_dict.items())
    return " ".join(exc.messages)


class Command(BaseCommand):
    help = "Generate test data from a scenario, or pseudonymise a CSV extract of a production clone."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        gen = sub.add_parser("generate", help="generate synthetic persons from a scenario")
        gen.add_argument("--scenario", required=True, help="the scenario's name")
        gen.add_argument(
            "--spec-file", type=Path, help="YAML or JSON spec: creates the scenario if it is new"
        )
        gen.add_argument("--count", type=int)
        gen.add_argument("--environment", default="")
        gen.add_argument("--format", choices=["csv", "json"], default="csv")
        gen.add_argument("--out", type=Path, help="write the export here (default: standard output)")
        pse = sub.add_parser("pseudonymise", help="pseudonymise CSV files of one extract together")
        pse.add_argument("--key-file", type=Path, required=True)
        pse.add_argument("--out", type=Path, required=True, help="output directory")
        pse.add_argument("--kinds", default="", help='e.g. "payments.csv: saaja=personal_code, konto=iban"')
        pse.add_argument("files", nargs="+", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "generate":
                self._generate(options)
            else:
                self._pseudonymise(options)
        except ValidationError as exc:
            raise CommandError(_messages(exc)) from None
        except PseudonymError as exc:
            raise CommandError(str(exc)) from None

    def _generate(self, options: dict[str, Any]) -> None:
        actor = system_actor()
        scenario = TestDataScenario.objects.filter(name=options["scenario"]).first()
        if scenario is None:
            if options["spec_file"] is None:
                raise CommandError(
                    f"No scenario named {options['scenario']!r}; give --spec-file to create it."
                )
            scenario = services.scenario_create(
                name=options["scenario"],
                spec_text=options["spec_file"].read_text(encoding="utf-8"),
                actor=actor,
                reason="tugi testdata generate",
            )
        batch = services.batch_generate(
            scenario=scenario, count=options["count"], environment=options["environment"], actor=actor
        )
        content, _media = services.batch_export(batch=batch, fmt=options["format"], actor=actor)
        if options["out"]:
            options["out"].write_text(content, encoding="utf-8")
            self.stderr.write(f"Batch #{batch.pk}: {batch.count} persons written to {options['out']}.")
        else:
            sys.stdout.write(content)
            self.stderr.write(f"Batch #{batch.pk}: {batch.count} persons.")

    def _pseudonymise(self, options: dict[str, Any]) -> None:
        key_path: Path = options["key_file"]
        if not key_path.is_file():
            raise CommandError(f"Key file {key_path} not found.")
        key = key_from_text(key_path.read_bytes())
        out: Path = options["out"]
        if any(f.resolve().parent == out.resolve() for f in options["files"]):
            raise CommandError("The output directory must not be the directory of an input file.")
        for f in options["files"]:
            if not f.is_file():
                raise CommandError(f"File {f} not found.")
        kinds = pseudonymise_services.parse_kinds(options["kinds"].replace(";", "\n"))
        report = pseudonymise_services.pseudonymise_to_dir(
            paths=options["files"], key=key, out_dir=out, kinds=kinds
        )
        for file_report in report["files"]:
            cols = ", ".join(f"{n} ({c['kind']}: {c['replaced']} replaced, {c['unique_values']} unique)"
                             for n, c in file_report["columns"].items())  # fmt: skip
            self.stdout.write(
                f"{file_report['file']}: {file_report['rows']} rows; {cols or 'nothing replaced'}"
            )
        self.stdout.write(f"Key id {report['key_id']}; report in {out / 'report.json'}.")
