"""A job's progress as a terminal progress bar (tqdm)."""

from __future__ import annotations

import time
from typing import Any

from tqdm import tqdm

from .models import Job, JobStatus


def run_job_with_bar(job: Job, *, inline: bool, stream: Any, poll: float = 0.5, timeout: float = 3600) -> Job:
    """Run the job here (``inline``) or wait for the worker, drawing its progress."""
    from .services import job_run

    if inline and job.status == JobStatus.QUEUED:
        import threading

        runner = threading.Thread(target=job_run, args=(str(job.uid),), daemon=True)
        runner.start()
    bar = tqdm(total=100, desc=job.title[:40], file=stream, unit="%", leave=True)
    deadline = time.monotonic() + timeout
    while True:
        job.refresh_from_db()
        bar.n = job.percent
        bar.set_postfix_str(job.step[:40])
        bar.refresh()
        if job.is_finished or time.monotonic() > deadline:
            break
        time.sleep(poll)
    bar.close()
    return job
