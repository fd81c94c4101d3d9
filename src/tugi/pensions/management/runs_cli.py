"""`tugi pensions run year-shares --year Y | recalculation --year Y | indexation --date D --index I`:
create a calculation run and compute it here with a progress bar; approving and applying stay a
second person's action in the browser or the API."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


def run_arguments(parser: CommandParser) -> None:
    from .commands.pensions import decimal, iso_date

    kinds = parser.add_subparsers(dest="run_kind", required=True, metavar="kind")
    for name, text in [
        ("year-shares", "the year's average and every insured person's shares"),
        ("recalculation", "working pensioners' shares of the year, from 1 April of the next year"),
        ("indexation", "every pension in payment on the date, with the index"),
    ]:
        sub = kinds.add_parser(name, help=text)
        if name == "indexation":
            sub.add_argument("--date", type=iso_date, required=True, help="effective date YYYY-MM-DD")
            sub.add_argument("--index", type=decimal, required=True, help="the pension index, e.g. 1.045")
        else:
            sub.add_argument("--year", type=int, required=True)
        sub.add_argument("--user", required=True, help="who computes (kept in the audit log)")
        sub.add_argument("--note", default="")
        sub.add_argument("--quiet", action="store_true", help=argparse.SUPPRESS)


def run_run(command: BaseCommand, options: dict[str, Any]) -> None:
    from django.contrib.auth import get_user_model
    from django.core.exceptions import PermissionDenied, ValidationError

    from tugi.core.cli_progress import run_job_with_bar

    from ..selectors_runs import figures
    from ..services import runs as services
    from ..services.runs_guide import runbook_ensure

    user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
    if user is None:
        raise CommandError(f"No active user named {options['user']!r}.")
    kind = options["run_kind"]
    try:
        run = services.run_create(
            kind=kind,
            actor=user,
            year=options.get("year"),
            effective_date=options.get("date"),
            index=options.get("index"),
            note=options["note"],
        )
        job = services.run_compute(run=run, actor=user)
    except ValidationError as exc:
        raise CommandError("; ".join(exc.messages)) from None
    except PermissionDenied as exc:
        raise CommandError(str(exc)) from None
    try:
        from tugi.core.context import system_actor

        runbook_ensure(actor=system_actor())
    except Exception as exc:  # the guide is a convenience; the run matters
        command.stderr.write(f"(the process guide was not created: {type(exc).__name__})")
    run_job_with_bar(job, inline=True, stream=command.stderr, poll=0.2)
    run.refresh_from_db()
    out = command.stdout
    out.write(f"run={run.pk} kind={run.kind} status={run.status}")
    if run.status != "computed":
        raise CommandError(run.error or f"the run is {run.status}")
    for key, _label, value in figures(run.counts) + figures(run.totals):
        out.write(f"{key}={value}")
    out.write(f"inputs_sha256={run.inputs_hash}")
    out.write(f"results_sha256={run.results_hash}")
    out.write(f"duration_ms={run.duration_ms}")
    out.write("Approve and apply it as another user on the run's page or through the API.")
