"""Background jobs: start (idempotent by kind and key), run with progress, periodic starts."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..audit import CoreEvent, audit_record
from ..context import request_context, system_actor
from ..imports import ImportError_
from ..models import Job, JobStatus, ScheduledRun, WorkerHeartbeat
from ..permissions import require
from ..registry import registry

logger = logging.getLogger(__name__)


class JobProgress:
    """Writes a job's progress outside any transaction so that the browser sees it at once."""

    def __init__(self, job: Job):
        self.job = job

    def update(
        self, *, percent: int | None = None, step: str | None = None, message: str | None = None
    ) -> None:
        fields: dict[str, Any] = {"updated_at": timezone.now()}
        if percent is not None:
            fields["percent"] = max(0, min(100, int(percent)))
            self.job.percent = fields["percent"]
        if step is not None:
            fields["step"] = step[:200]
            self.job.step = fields["step"]
        if message is not None:
            fields["message"] = message
            self.job.message = message
        Job.objects.filter(pk=self.job.pk).update(**fields)


def job_start(
    *, kind: str, key: str, actor: Any, params: dict[str, Any] | None = None, title: str = ""
) -> Job:
    """Start a job once: the same kind and key return the existing job unless it failed."""
    from ..tasks import run_job_task

    require(actor, "core.add_job")
    handler = registry.job_handlers.get(kind)
    if handler is None:
        raise ValidationError({"kind": _("Unknown job kind %(kind)s.") % {"kind": kind}})
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(kind=kind, key=key).first()
        if job is not None and job.status != JobStatus.FAILED:
            return job
        if job is None:
            job = Job(kind=kind, key=key, actor=actor, params=params or {}, title=title or str(handler.title))
        else:
            job.status, job.percent, job.step, job.message, job.result = JobStatus.QUEUED, 0, "", "", {}
            job.started_at = job.finished_at = None
            job.actor, job.params = actor, params or {}
        job.full_clean()
        job.save()
        audit_record(
            event=CoreEvent.JOB_STARTED,
            actor=actor,
            obj=job,
            after={"kind": kind, "key": key, "title": job.title},
        )
        transaction.on_commit(lambda: run_job_task.enqueue(job_uid=str(job.uid)))
    return job


def job_run(job_uid: str) -> Job:
    """Run a queued job (the worker calls this). A finished job is not run again."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(uid=job_uid)
        if job.status != JobStatus.QUEUED:
            return job
        job.status, job.started_at = JobStatus.RUNNING, timezone.now()
        job.save(update_fields=["status", "started_at", "updated_at"])
    handler = registry.job_handlers[job.kind]
    progress = JobProgress(job)
    with request_context(f"job-{job.uid}"):
        try:
            result = handler.run(job, progress) or {}
        except (ValidationError, ImportError_) as exc:
            return job_mark_failed(job=job, message=_describe(exc))
        except Exception as exc:
            logger.exception("job %s (%s) failed", job.uid, job.kind)
            return job_mark_failed(
                job=job, message=_("Unexpected error: %(error)s") % {"error": type(exc).__name__}
            )
        with transaction.atomic():
            job.status, job.percent, job.finished_at, job.result = (
                JobStatus.SUCCEEDED,
                100,
                timezone.now(),
                result,
            )
            job.step = job.step or _("Done")
            job.save()
            audit_record(
                event=CoreEvent.JOB_FINISHED,
                actor=job.actor,
                obj=job,
                before={"status": JobStatus.RUNNING},
                after={"status": JobStatus.SUCCEEDED, "result": result},
            )
    return job


def _describe(exc: Exception) -> str:
    if isinstance(exc, ImportError_):
        return "\n".join(str(e) for e in exc.errors[:200])
    if isinstance(exc, ValidationError):
        return "\n".join(exc.messages)
    return str(exc)


@transaction.atomic
def job_mark_failed(*, job: Job, message: str) -> Job:
    job.status, job.finished_at, job.message = JobStatus.FAILED, timezone.now(), message
    job.save(update_fields=["status", "finished_at", "message", "updated_at"])
    audit_record(
        event=CoreEvent.JOB_FINISHED,
        actor=job.actor,
        obj=job,
        before={"status": JobStatus.RUNNING},
        after={"status": JobStatus.FAILED, "message": message},
    )
    return job


def worker_heartbeat(*, worker_id: str) -> None:
    """Record that a worker is alive (technical telemetry, not an audited change)."""
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"hostname": socket.gethostname()[:200], "pid": os.getpid(), "seen_at": timezone.now()},
    )


def period_key(now: dt.datetime, every: dt.timedelta) -> str:
    seconds = int(every.total_seconds())
    start = int(now.timestamp()) // seconds * seconds
    return dt.datetime.fromtimestamp(start, tz=dt.UTC).strftime("%Y-%m-%dT%H:%M")


def start_periodic_due(*, now: dt.datetime | None = None) -> list[str]:
    """Start every periodic job whose period has turned; safe to call from several workers."""
    now = now or timezone.now()
    started = []
    actor = None
    for item in registry.periodic.values():
        with transaction.atomic():
            run, created = ScheduledRun.objects.select_for_update().get_or_create(
                name=item.name, defaults={"last_run_at": now}
            )
            if not created and run.last_run_at + item.every > now:
                continue
            run.last_run_at = now
            run.save(update_fields=["last_run_at"])
        actor = actor or system_actor()
        item.start(actor, period_key(now, item.every))
        started.append(item.name)
    return started
