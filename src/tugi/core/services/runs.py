"""What pension calculation runs and payment runs share: both are four-eyes runs that go draft /
failed / computed → computing (a recomputation drops the approval), compute in a background job
whose progress their page shows, and are approved by somebody who neither created nor computed
them. The caller checks the right and locks the row."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .jobs import job_start

COMPUTABLE = ("draft", "failed", "computed")


class NoProgress:
    """Progress reporting that goes nowhere (a computation run here and now, not by a job, which
    passes its ``JobProgress``)."""

    def update(
        self, *, percent: int | None = None, step: str | None = None, message: str | None = None
    ) -> None:
        return None


def run_refuse_same_person(run: Any, actor: Any, what: str) -> None:
    """Four eyes: ``actor`` may not approve (or apply) a run they created or computed."""
    if actor.pk in {run.created_by_id, run.computed_by_id} - {None}:
        raise PermissionDenied(
            _("Four eyes: %(what)s needs another person than the one who created or computed the run.")
            % {"what": what}
        )


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
