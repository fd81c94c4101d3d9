"""`tugi payment_run --month 2026-11 [--benefit pension] [--compute] [--approve-as USER] [--release]`:
a payment run from the command line. The run is created (or the month's live run reused) by
``--as`` (default: the system actor), computed here and now, approved by another user and released.
Each step goes through the same services as the pages, so it is permission-checked and audited."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Create, compute, approve and release a payment run."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help="the month paid for, YYYY-MM")
        parser.add_argument("--benefit", default="pension", help="pension (default), family or other")
        parser.add_argument("--as", dest="as_user", default="", help="user who creates and computes")
        parser.add_argument("--compute", action="store_true", help="compute the run now")
        parser.add_argument("--approve-as", default="", help="user who approves (not the creator)")
        parser.add_argument("--release", action="store_true", help="release: write the files and post")

    def _user(self, username: str) -> Any:
        from tugi.core.context import system_actor

        if not username:
            return system_actor()
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {username!r}")
        return user

    def handle(self, *args: Any, **options: Any) -> None:
        from tugi.finance.selectors_payments import live_run
        from tugi.finance.services import payments as services

        actor = self._user(options["as_user"])
        try:
            first = services.month_first(options["month"])
            run = live_run(options["benefit"], first)
            if run is None:
                run = services.run_create(benefit=options["benefit"], month=first, actor=actor)
                self.stdout.write(f"created run #{run.pk} {run} (payment date {run.payment_date})")
            if options["compute"]:
                run = services.run_compute_now(run=run, actor=actor)
                self.stdout.write(f"computed: {run.counts} totals {run.totals}")
            if options["approve_as"]:
                run = services.run_approve(run=run, actor=self._user(options["approve_as"]))
                self.stdout.write(f"approved by {options['approve_as']}")
            if options["release"]:
                run = services.run_release(
                    run=run, actor=self._user(options["approve_as"]) if options["approve_as"] else actor
                )
                self.stdout.write(f"released: {run.files.count()} bank files")
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            ) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc) or "permission denied") from None
        self.stdout.write(f"run #{run.pk} is {run.status}")
