"""Assignments of profiles to accounts: give, end."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tugi.core.crud import save_changes, save_new
from tugi.core.permissions import require

from ..audit_events import AccessEvent
from ..models import Account, Assignment, AssignmentStatus, EmploymentStatus, Profile, ProfileStatus


@transaction.atomic
def assignment_create(
    *,
    account: Account,
    profile: Profile,
    valid_from: dt.date,
    valid_to: dt.date | None,
    justification: str,
    requested_by: Any,
    approved_by: Any,
    actor: Any,
    reason: str = "",
    permission: str = "access.add_assignment",
) -> Assignment:
    """Give ``profile`` to ``account`` for a period. ``permission`` lets the request flow assign on
    an approver's authority (the approval itself was checked)."""
    require(actor, permission)
    if not (justification or "").strip():
        raise ValidationError({"justification": _("Say why the account needs this profile.")})
    if profile.status != ProfileStatus.ACTIVE:
        raise ValidationError({"profile": _("Only an active profile can be assigned.")})
    if account.status != EmploymentStatus.ACTIVE:
        raise ValidationError({"account": _("The account holder has left; nothing can be assigned.")})
    assignment = Assignment(
        account=account,
        profile=profile,
        valid_from=valid_from,
        valid_to=valid_to,
        justification=justification.strip(),
        requested_by=requested_by,
        approved_by=approved_by,
    )
    overlapping = Assignment.objects.filter(
        account=account, profile=profile, status=AssignmentStatus.ACTIVE
    ).overlapping(valid_from, valid_to)
    if overlapping.exists():
        raise ValidationError({"profile": _("The account already holds this profile in that period.")})
    return save_new(assignment, event=AccessEvent.ASSIGNMENT_CREATED, actor=actor, reason=reason)


@transaction.atomic
def assignment_end(
    *,
    assignment: Assignment,
    on: dt.date | None = None,
    actor: Any,
    reason: str = "",
    permission: str = "access.change_assignment",
) -> Assignment:
    """End an assignment: it grants up to and including ``on`` (default today), then no more.

    ``status`` ENDED says an end is decided; what an assignment grants on a day follows only from
    its dates, so explanations of past days stay true."""
    require(actor, permission)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    on = on or timezone.localdate()
    if on < assignment.valid_from:
        raise ValidationError({"valid_to": _("An assignment cannot end before it starts.")})
    if (
        assignment.status == AssignmentStatus.ENDED
        and assignment.valid_to is not None
        and assignment.valid_to <= on
    ):
        return assignment
    before = assignment.audit_snapshot()
    if assignment.valid_to is None or assignment.valid_to > on:
        assignment.valid_to = on
    assignment.status = AssignmentStatus.ENDED
    assignment.end_reason = (reason or "")[:200]
    assignment.needs_review = False
    save_changes(assignment, before, event=AccessEvent.ASSIGNMENT_ENDED, actor=actor, reason=reason)
    return assignment
