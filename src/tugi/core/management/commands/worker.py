"""`tugi worker`: runs background jobs (django-tasks database backend), beats a heartbeat for
/readyz, and starts periodic jobs when their period turns."""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS
from django_tasks_db.management.commands.db_worker import Worker

from tugi.core.services import start_periodic_due, worker_heartbeat

logger = logging.getLogger("tugi.worker")


class Command(BaseCommand):
    help = "Run Tugi's background worker."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds to wait when the queue is empty"
        )
        parser.add_argument("--batch", action="store_true", help="exit when the queue is empty")
        parser.add_argument("--max-tasks", type=int, default=None)
        parser.add_argument("--no-periodic", action="store_true", help="do not start periodic jobs")

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = get_random_string(32)
        stop = threading.Event()
        beat = threading.Thread(
            target=self._beat,
            args=(worker_id, stop, not options["no_periodic"]),
            daemon=True,
            name="heartbeat",
        )
        self._tick(worker_id, not options["no_periodic"])
        beat.start()
        worker = Worker(
            queue_names=["*"],
            interval=options["interval"],
            batch=options["batch"],
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False,
            max_tasks=options["max_tasks"],
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        self.stdout.write(f"Tugi worker {worker_id[:8]} started")
        worker.configure_signals()
        try:
            worker.run()
        finally:
            stop.set()

    def _tick(self, worker_id: str, periodic: bool) -> None:
        try:
            worker_heartbeat(worker_id=worker_id)
            if periodic:
                start_periodic_due()
        except Exception:  # the heartbeat must never kill the worker
            logger.exception("heartbeat failed")
        finally:
            close_old_connections()

    def _beat(self, worker_id: str, stop: threading.Event, periodic: bool) -> None:
        while not stop.wait(settings.WORKER_HEARTBEAT_SECONDS):
            self._tick(worker_id, periodic)
