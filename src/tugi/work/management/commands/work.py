"""`tugi work weekly-summary [--dry-run] [--date YYYY-MM-DD]`: send this week's summary e-mails
(or, with --dry-run, list who would get how many items without sending anything);
`tugi work task-reminders`: remind assignees of overdue tasks now."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tugi.core.context import system_actor
from tugi.work.services import summary_send, task_reminders_send


class Command(BaseCommand):
    help = "The work area's batch jobs: the weekly summary and the overdue-task reminders."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        weekly = sub.add_parser("weekly-summary", help="send each user what waits for them this week")
        weekly.add_argument("--dry-run", action="store_true", help="list the recipients, send nothing")
        weekly.add_argument("--date", default="", help="the day whose ISO week to use (default today)")
        sub.add_parser("task-reminders", help="remind assignees of overdue tasks (once a day per task)")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = system_actor()
        if options["action"] == "task-reminders":
            reminded = task_reminders_send(actor=actor)
            self.stdout.write(f"reminded: {reminded['reminded']}")
            return
        try:
            today = dt.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date: not a date in the form YYYY-MM-DD: {options['date']!r}") from None
        result = summary_send(today=today, actor=actor, dry_run=options["dry_run"])
        for row in result["recipients"]:
            self.stdout.write(f"{row['user']}\t{row['items']}")
        verb = "would send" if options["dry_run"] else "sent"
        count = result["users"] if options["dry_run"] else result["sent"]
        self.stdout.write(f"week {result['week']}: {verb} {count} summaries ({result['items']} items)")
