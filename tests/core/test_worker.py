"""`tugi worker` runs queued jobs from the database queue and tells /readyz it is alive."""

from __future__ import annotations

import datetime as dt
import signal
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django_tasks_db.models import DBTaskResult

from tugi.core.identity import make_code
from tugi.core.models import JobStatus, Person, WorkerHeartbeat
from tugi.core.roles import Role
from tugi.core.services import job_start
from tugi.core.uploads import store_upload

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
CODES = [make_code(dt.date(1966, 3, 1 + n), "F", n) for n in range(4)]
CSV = (
    "personal_code;first_name;last_name\n" + "".join(f"{c};Kadri;Kask{n}\n" for n, c in enumerate(CODES))
).encode()


@pytest.fixture
def keep_signal_handlers() -> Iterator[None]:
    """The worker installs its own SIGINT/SIGTERM handlers; give pytest its own back."""
    kept = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in kept.items():
        signal.signal(sig, handler)


# A transactional test: the worker commits, closes old connections and locks rows as in production,
# which the per-test transaction of an ordinary database test would not allow.
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_worker_runs_a_queued_import_and_beats(make_user: Any, keep_signal_handlers: None) -> None:
    user = make_user(Role.DOMAIN_SUPPORT, username="worker-test")
    digest, _path = store_upload(CSV, ".csv")
    job = job_start(kind="persons-import", key=digest, actor=user, params={"sha256": digest})
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED  # on commit it went to the database queue, not run here
    assert DBTaskResult.objects.count() == 1
    assert not Person.objects.exists()

    out = StringIO()
    call_command("worker", "--batch", "--no-periodic", "--interval", "0", stdout=out)

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert (job.percent, job.result["created"]) == (100, 4)
    assert Person.objects.count() == 4
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    beat = WorkerHeartbeat.objects.get()
    assert beat.worker_id.startswith(out.getvalue().split()[2])
    assert Client().get("/readyz").status_code == 200
