"""Access problems (kasutajaõiguste probleemid): report with the explanation of the moment, work on
them, forward to a partner, resolve. Problems of one kind share a ``group_key`` so that recurring
ones are seen together."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tugi.core.audit import register_event_types
from tugi.core.crud import save_changes, save_new
from tugi.core.permissions import require

from ..audit_events import AccessEvent
from ..explain import assignments_on, explain
from ..models import AccessProblem, Account, ManagedSystem, ProblemStatus, Right


@register_event_types
class ProblemEvent(models.TextChoices):
    FORWARDED = "access.problem_forwarded", gettext_lazy("access problem forwarded to a partner")


def group_key(system: ManagedSystem, right: Right | None, granted: bool | None) -> str:
    """The kind of a problem: ``SYSTEM:RIGHT:granted|missing`` (``unknown`` without an account),
    or ``SYSTEM:general`` when no right is named."""
    if right is None:
        return f"{system.code}:general"
    outcome = "unknown" if granted is None else ("granted" if granted else "missing")
    return f"{system.code}:{right.code}:{outcome}"


def _explanation(account: Account | None, system: ManagedSystem, right: Right | None) -> dict[str, Any]:
    if account is None:
        return {}
    if right is not None:
        return explain(account, right)
    today = timezone.localdate()
    return {
        "account": account.username,
        "system": system.code,
        "at": today.isoformat(),
        "granted": None,
        "profiles": sorted(a.profile.code for a in assignments_on(account, today, system.pk)),
    }


@transaction.atomic
def problem_report(
    *,
    system: ManagedSystem | None,
    symptom: str,
    actor: Any,
    account: Account | None = None,
    right: Right | None = None,
    reason: str = "",
) -> AccessProblem:
    """Log a problem; with an account and a right, the explanation of that moment is kept with it."""
    require(actor, "access.add_accessproblem")
    errors: dict[str, str] = {}
    if system is None:
        errors["system"] = _("Choose the system.")
    elif right is not None and right.system_id != system.pk:
        errors["right"] = _("The right belongs to another system.")
    if not (symptom or "").strip():
        errors["symptom"] = _("Describe what the user cannot (or can) do.")
    if errors:
        raise ValidationError(errors)
    assert system is not None
    explanation = _explanation(account, system, right)
    granted = explanation.get("granted") if right is not None and account is not None else None
    problem = AccessProblem(
        reported_by=actor,
        account=account,
        system=system,
        right=right,
        symptom=symptom.strip(),
        explain=explanation,
        group_key=group_key(system, right, granted),
        status=ProblemStatus.NEW,
    )
    return save_new(problem, event=AccessEvent.PROBLEM_REPORTED, actor=actor, reason=reason)


@transaction.atomic
def problem_update(
    *, problem: AccessProblem, status: str, resolution: str = "", actor: Any, reason: str = ""
) -> AccessProblem:
    """Change a problem's status and resolution. Resolving needs the resolution; "forwarded" is set
    by forwarding to a partner; reopening a resolved problem clears its resolution time."""
    require(actor, "access.change_accessproblem")
    problem = AccessProblem.objects.select_for_update().get(pk=problem.pk)
    before = problem.audit_snapshot()
    resolution = (resolution or "").strip()
    if status not in ProblemStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    if status == ProblemStatus.RESOLVED and not resolution:
        raise ValidationError({"resolution": _("Say how the problem was resolved.")})
    if status == ProblemStatus.FORWARDED and problem.partner_id is None:
        raise ValidationError({"status": _("Forward the problem to a partner to mark it forwarded.")})
    problem.status, problem.resolution = status, resolution
    if status == ProblemStatus.RESOLVED:
        problem.resolved_at = problem.resolved_at or timezone.now()
    else:
        problem.resolved_at = None
    save_changes(problem, before, event=AccessEvent.PROBLEM_UPDATED, actor=actor, reason=reason)
    return problem


@transaction.atomic
def problem_forward(
    *, problem: AccessProblem, partner: Any, reference: str = "", actor: Any, reason: str = ""
) -> AccessProblem:
    """Hand the problem to a partner (e.g. TEHIK) with the partner's reference; status forwarded."""
    require(actor, "access.change_accessproblem")
    problem = AccessProblem.objects.select_for_update().get(pk=problem.pk)
    if partner is None:
        raise ValidationError({"partner": _("Choose the partner.")})
    if not partner.active:
        raise ValidationError({"partner": _("The partner is no longer active.")})
    if problem.status == ProblemStatus.RESOLVED:
        raise ValidationError({"partner": _("The problem is resolved; reopen it before forwarding.")})
    before = problem.audit_snapshot()
    problem.partner, problem.partner_reference = partner, (reference or "").strip()
    problem.status = ProblemStatus.FORWARDED
    save_changes(problem, before, event=ProblemEvent.FORWARDED, actor=actor, reason=reason)
    return problem
