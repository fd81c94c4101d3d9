"""The start of a four-eyes run's computation, shared by pension calculation runs and payment runs:
both go draft / failed / computed → computing (a recomputation drops the approval) and compute in a
background job whose progress their page shows. The caller checks the right and locks the row."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .jobs import job_start

COMPUTABLE = ("draft", "failed", "computed")


def run_mark_computing(run: Any, actor: Any) -> Any:
    """Mark the locked ``run`` computing by ``actor``; refused from any other state than draft,
    failed or computed, naming ``status``."""
    if run.status not in COMPUTABLE:
        raise ValidationError(
            {
                "status": _("A run that is %(status)s cannot be computed.")
                % {"status": run.get_status_display()}
            }
        )
    run.status, run.error = "computing", ""
    run.computed_by, run.computed_at = actor, None
    run.approved_by, run.approved_at = None, None
    run.save(
        update_fields=[
            "status",
            "error",
            "computed_by",
            "computed_at",
            "approved_by",
            "approved_at",
            "updated_at",
        ]
    )
    return run


def run_job_start(run: Any, *, kind: str, title: str, actor: Any) -> Any:
    """The background job computing ``run`` (its own audit event records who started it)."""
    job = job_start(
        kind=kind,
        key=f"run-{run.pk}-{timezone.now().isoformat()}",
        actor=actor,
        params={"run_id": run.pk},
        title=title,
    )
    run.job = job
    run.save(update_fields=["job", "updated_at"])
    return job
