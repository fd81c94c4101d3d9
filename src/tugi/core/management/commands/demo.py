"""`tugi demo [--no-serve] [--port N]`: migrate, create demo users, load demo data, serve web and worker."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from tugi.core.context import system_actor
from tugi.core.registry import registry
from tugi.core.roles import Role
from tugi.core.services import user_create

DEMO_USERS = [
    ("domain_support", [Role.DOMAIN_SUPPORT], "Valdkonna", "Tugi"),
    ("test_manager", [Role.TEST_MANAGER], "Testi", "Juht"),
    ("finance", [Role.FINANCE], "Finants", "Spetsialist"),
    ("auditor", [Role.AUDITOR], "Audiitor", "Kontroll"),
    ("admin", [Role.ADMIN], "Tugi", "Administraator"),
    ("security", [Role.SECURITY], "Info", "Turve"),
]


class Command(BaseCommand):
    help = "Set up Tugi with demo data and serve it (demo only: prints the demo users' passwords once)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-serve", action="store_true", help="stop after loading the demo data")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database migrated.")
        actor = system_actor()
        self._users(actor)
        self.stdout.write("Loading demo data:")
        for loader in registry.demo_loaders:
            loader.load(actor, self.stdout)
        self.stdout.write(f"Demo ready in {time.monotonic() - started:.1f} s.")
        if not options["no_serve"]:
            self._serve(options["host"], options["port"])

    def _users(self, actor: Any) -> None:
        user_model = get_user_model()
        lines = []
        for username, roles, first, last in DEMO_USERS:
            if user_model.objects.filter(username=username).exists():
                lines.append(f"  {username:<16} (exists; password unchanged)")
                continue
            password = secrets.token_urlsafe(12)
            user_create(
                username=username,
                password=password,
                roles=roles,
                actor=actor,
                first_name=first,
                last_name=last,
                email=f"{username}@tugi.example.com",
                is_superuser=username == "admin",
                reason="demo user",
            )
            lines.append(f"  {username:<16} {password}")
        self.stdout.write("Demo users (passwords are shown only now):")
        self.stdout.write("\n".join(lines))

    def _serve(self, host: str, port: int) -> None:
        stops = [service.start(self.stdout) for service in registry.demo_services]
        try:
            self._run(host, port)
        finally:
            for stop in stops:
                stop()

    def _run(self, host: str, port: int) -> None:
        tugi = [sys.executable, "-m", "tugi.cli"]
        web = subprocess.Popen(  # noqa: S603 - our own executable and arguments
            [
                sys.executable,
                "-m",
                "gunicorn",
                "tugi.wsgi:application",
                "--bind",
                f"{host}:{port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--access-logfile",
                "-",
            ],
            env=os.environ.copy(),
        )
        worker = subprocess.Popen([*tugi, "worker"], env=os.environ.copy())  # noqa: S603
        self.stdout.write(f"Tugi runs on http://{host}:{port}/ (Ctrl+C stops it).")
        try:
            while web.poll() is None and worker.poll() is None:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for proc in (web, worker):
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            for proc in (web, worker):
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
