"""`tugi token create --user USERNAME --name NAME` prints a new API token alone on one line."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tugi.core.models import ApiToken
from tugi.core.services import token_create, token_revoke


class Command(BaseCommand):
    help = "Create, list or revoke personal API tokens."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token and print it once")
        create.add_argument("--user", required=True)
        create.add_argument("--name", required=True)
        create.add_argument("--days", type=int, default=None)
        listing = sub.add_parser("list", help="list a user's tokens")
        listing.add_argument("--user", required=True)
        revoke = sub.add_parser("revoke", help="revoke a token by its id")
        revoke.add_argument("--user", required=True)
        revoke.add_argument("--id", type=int, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {options['user']!r}.")
        try:
            if options["action"] == "create":
                _token, text = token_create(
                    user=user, name=options["name"], days=options["days"], actor=user, reason="command line"
                )
                self.stdout.write(text)
            elif options["action"] == "list":
                for t in ApiToken.objects.filter(user=user):
                    state = "active" if t.is_active else "inactive"
                    self.stdout.write(
                        f"{t.pk}\t{t.prefix}…\t{t.name}\t{state}\texpires {t.expires_at:%Y-%m-%d}"
                    )
            else:
                token = ApiToken.objects.filter(user=user, pk=options["id"]).first()
                if token is None:
                    raise CommandError(f"User {user.username!r} has no token {options['id']}.")
                token_revoke(token=token, actor=user, reason="command line")
                self.stdout.write(f"revoked {token.pk}")
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            ) from None
