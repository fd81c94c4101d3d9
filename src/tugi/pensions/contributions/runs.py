"""What the calculation runs add to the shell: the compute job, the "runs waiting for my approval"
desk card and the yearly process guide (seeded with the demo data; ``tugi pensions run`` makes sure
it exists too). The menu entry is in ``taxfiles`` with the area's other entries."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tugi.core.registry import DemoLoader, DeskWidget, JobHandler, registry

COMPUTE_JOB = "pensions-run-compute"


def _compute_run(job: Any, progress: Any) -> dict[str, Any]:
    from ..services.runs_compute import run_compute_execute

    return run_compute_execute(run_id=int(job.params["run_id"]), progress=progress)


def _desk_waiting(request: Any) -> dict[str, Any] | None:
    from tugi.core.permissions import can

    from ..selectors_runs import runs_waiting_for_approval

    if not can(request.user, "pensions.change_calculationrun"):
        return None
    items = list(runs_waiting_for_approval(user=request.user)[:10])
    return {"runs": items} if items else None


def _load_runbook(actor: Any, stdout: Any) -> None:
    from ..services.runs_guide import runbook_ensure

    guide = runbook_ensure(actor=actor)
    stdout.write(f"pensions runbook guide: {guide.slug}\n")


def register() -> None:
    registry.add(JobHandler(COMPUTE_JOB, _("Compute a calculation run"), _compute_run))
    registry.add(
        DeskWidget(
            "pensions-runs-waiting",
            _("Calculation runs waiting for my approval"),
            "pensions/run_widget.html",
            _desk_waiting,
            30,
        )
    )
    registry.add(DemoLoader("pensions-runbook", _load_runbook, order=85))
