"""What the ``mass-calculation`` topic hears of a run: started, computed (with its summary
figures), approved, applied, and the payments team informed. One key per run and stage, so a
repeated call never reaches anyone twice."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _

from tugi.core.roles import Role

from ..models import CalculationRun

TOPIC = "mass-calculation"


def _figures(run: CalculationRun) -> str:
    lines = []
    counts, totals = run.counts or {}, run.totals or {}
    for key in ("persons", "pensions", "tax_rows", "skipped"):
        if key in counts:
            lines.append(f"{key}: {counts[key]}")
    for key in (
        "average_used",
        "average_proposed",
        "pension_part",
        "base_amount",
        "year_value",
        "old_total",
        "new_total",
    ):
        if key in totals:
            lines.append(f"{key}: {totals[key]}")
    if run.results_hash:
        lines.append(f"results_sha256: {run.results_hash}")
    return "\n".join(lines)


def announce(run: CalculationRun, stage: str, actor: Any) -> dict[str, int]:
    """Notify the topic of ``stage`` of ``run`` (in the caller's transaction)."""
    from tugi.core.services import notify

    url = reverse("pensions:run_detail", args=[run.pk])
    subjects = {
        "started": _("Mass calculation started: %(run)s"),
        "computed": _("Mass calculation computed, waiting for approval: %(run)s"),
        "failed": _("Mass calculation failed: %(run)s"),
        "approved": _("Mass calculation approved: %(run)s"),
        "applied": _("Mass calculation applied to the register: %(run)s"),
        "payments": _("Payments informed of the mass calculation: %(run)s"),
    }
    subject = subjects[stage] % {"run": run}
    body = subject
    if stage in ("computed", "applied"):
        body = f"{subject}\n\n{_figures(run)}"
    elif stage == "failed":
        body = f"{subject}\n\n{run.error}"
    users: list[Any] = []
    if stage == "payments":
        users = list(get_user_model().objects.filter(groups__name=Role.FINANCE.value, is_active=True))
    return notify(
        topic=TOPIC,
        subject=subject,
        body=body,
        actor=actor,
        dedup_key=f"pensions-run:{run.pk}:{stage}",
        url=url,
        users=users,
    )
