"""Background tasks of the kernel; they only call services."""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def run_job_task(job_uid: str) -> None:
    from .services import job_run

    job_run(job_uid)


@task()
def deliver_outbox_task() -> dict[str, Any]:
    from .services import outbox_deliver

    return outbox_deliver()
