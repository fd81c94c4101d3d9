"""`tugi user`: create staff users, set their roles, deactivate leavers — every change audited.

tugi user create USERNAME --role domain_support [--role auditor] [--email E] [--superuser]
tugi user roles USERNAME --role test_manager
tugi user deactivate USERNAME --reason "left the agency"
tugi user activate USERNAME
tugi user password USERNAME          (asks for the new password)
tugi user list
"""

from __future__ import annotations

import getpass
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tugi.core.context import system_actor
from tugi.core.roles import Role, user_roles
from tugi.core.services import user_create, user_set_active, user_set_password, user_set_roles

ROLE_NAMES = [r.value for r in Role]


class Command(BaseCommand):
    help = "Manage Tugi's staff users and their roles (audited as the system actor)."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("username")
        create.add_argument("--role", action="append", choices=ROLE_NAMES, default=[])
        create.add_argument("--email", default="")
        create.add_argument("--first-name", default="")
        create.add_argument("--last-name", default="")
        create.add_argument("--superuser", action="store_true")
        roles = sub.add_parser("roles")
        roles.add_argument("username")
        roles.add_argument("--role", action="append", choices=ROLE_NAMES, default=[])
        for name in ("deactivate", "activate", "password"):
            p = sub.add_parser(name)
            p.add_argument("username")
        sub.add_parser("list")
        for p in sub.choices.values():
            p.add_argument("--reason", default="command line")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = system_actor()
        action = options["action"]
        if action == "list":
            for listed in get_user_model().objects.exclude(pk=actor.pk).order_by("username"):
                state = "active" if listed.is_active else "inactive"
                roles = ",".join(r.value for r in user_roles(listed))
                self.stdout.write(f"{listed.username}\t{state}\t{roles}")
            return
        try:
            if action == "create":
                password = secrets.token_urlsafe(12)
                user_create(
                    username=options["username"],
                    password=password,
                    roles=[Role(r) for r in options["role"]],
                    actor=actor,
                    email=options["email"],
                    first_name=options["first_name"],
                    last_name=options["last_name"],
                    is_superuser=options["superuser"],
                    reason=options["reason"],
                )
                self.stdout.write(f"created {options['username']}; initial password: {password}")
                return
            user = get_user_model().objects.filter(username=options["username"]).exclude(pk=actor.pk).first()
            if user is None:
                raise CommandError(f"No user named {options['username']!r}.")
            if action == "roles":
                user_set_roles(
                    user=user, roles=[Role(r) for r in options["role"]], actor=actor, reason=options["reason"]
                )
            elif action in ("activate", "deactivate"):
                user_set_active(user=user, active=action == "activate", actor=actor, reason=options["reason"])
            else:
                password = getpass.getpass("New password: ")
                user_set_password(user=user, password=password, actor=actor, reason=options["reason"])
            self.stdout.write(f"{action}: {user.username}")
        except ValidationError as exc:
            raise CommandError(
                "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            ) from None
