"""`tugi import_persons FILE --user USERNAME`: import persons from CSV with a progress bar."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tugi.core.cli_progress import run_job_with_bar
from tugi.core.imports import ImportError_
from tugi.core.services import job_start, persons_import_validate
from tugi.core.uploads import store_upload


class Command(BaseCommand):
    help = "Import persons (personal_code;first_name;last_name[;date_of_death]); all lines or none."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="who imports (kept in the audit log)")
        parser.add_argument("--reason", default="")
        parser.add_argument("--queue", action="store_true", help="leave the job to the worker and watch it")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {options['user']!r}.")
        content = options["file"].read_bytes()
        try:
            persons_import_validate(content)
        except ImportError_ as exc:
            raise CommandError(
                "File rejected, nothing was stored:\n" + "\n".join(str(e) for e in exc.errors)
            ) from None
        digest, _path = store_upload(content, ".csv")
        job = job_start(
            kind="persons-import",
            key=f"{user.pk}:{digest}",  # the same key as the web import of the same user
            actor=user,
            params={"sha256": digest, "reason": options["reason"]},
            title=f"Import persons from {options['file'].name}",
        )
        job = run_job_with_bar(job, inline=not options["queue"], stream=self.stderr)
        self.stdout.write(f"{job.status}: {job.result or job.message}")
        if job.status == "failed":
            raise CommandError(job.message)
