"""Assignments of profiles to accounts: give, end, review, and the daily expiry job."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tugi.core.audit import audit_record, register_event_types
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
    if assignment.status == AssignmentStatus.CANCELLED:
        raise ValidationError(
            {"assignment": _("The assignment was cancelled before it started; it cannot end.")}
        )
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


# --- direct assignment, review of flagged assignments, the daily job (assignments topic) ----------

EXPIRY_REMINDER_DAYS = 14
EXPIRY_TOPIC = "access-expiry"


@register_event_types
class AssignmentEvent(models.TextChoices):
    REMINDED = "access.assignment_reminded", gettext_lazy("assignment expiry reminder sent")


@transaction.atomic
def assignment_give(
    *,
    account: Account,
    profile: Profile,
    valid_from: dt.date,
    valid_to: dt.date | None,
    justification: str,
    actor: Any,
    reason: str = "",
) -> Assignment:
    """Domain support assigns a profile directly (without a request): the actor requests and
    approves it, so a segregation of duties conflict without a valid exception is refused."""
    from ..sod import blocking, conflicts_if_added_over

    require(actor, "access.add_assignment")
    if account.user_id is not None and account.user_id == actor.pk:
        raise ValidationError({"account": _("You cannot assign a profile to yourself; request it instead.")})
    if valid_from < timezone.localdate():
        raise ValidationError({"valid_from": _("An assignment cannot start in the past.")})
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError({"valid_to": _("The end of validity cannot be before its start.")})
    conflicts = blocking(conflicts_if_added_over(account, profile, valid_from, valid_to))
    if conflicts:
        raise ValidationError(
            {
                "profile": _(
                    "The account would break the segregation of duties policy %(policy)s; "
                    "an exception is needed first."
                )
                % {"policy": ", ".join(c["name"] for c in conflicts)}
            }
        )
    return assignment_create(
        account=account,
        profile=profile,
        valid_from=valid_from,
        valid_to=valid_to,
        justification=justification,
        requested_by=actor,
        approved_by=actor,
        actor=actor,
        reason=reason,
    )


@transaction.atomic
def assignment_review_keep(*, assignment: Assignment, actor: Any, reason: str = "") -> Assignment:
    """A flagged assignment (the holder moved) is still needed: the flag is cleared."""
    require(actor, "access.change_assignment")
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if not assignment.needs_review:
        return assignment
    if assignment.status != AssignmentStatus.ACTIVE:
        raise ValidationError({"assignment": _("The assignment has ended; there is nothing to review.")})
    before = assignment.audit_snapshot()
    assignment.needs_review = False
    save_changes(assignment, before, event=AccessEvent.ASSIGNMENT_REVIEWED, actor=actor, reason=reason)
    return assignment


def assignments_expire(*, actor: Any, today: dt.date | None = None) -> int:
    """End every active assignment whose last day has passed (each ended in its own transaction)."""
    require(actor, "access.change_assignment")
    today = today or timezone.localdate()
    ended = 0
    expired = Assignment.objects.filter(status=AssignmentStatus.ACTIVE, valid_to__lt=today).order_by("pk")
    for assignment in expired:
        assert assignment.valid_to is not None
        assignment_end(assignment=assignment, on=assignment.valid_to, actor=actor, reason=_("expired"))
        ended += 1
    return ended


def _remind_one(assignment: Assignment, actor: Any, today: dt.date) -> bool:
    from .requests import notify_users

    with transaction.atomic():
        assignment = (
            Assignment.objects.select_for_update(of=("self",))
            .select_related("account__user", "profile__owner", "profile__system")
            .get(pk=assignment.pk)
        )
        if assignment.reminded_on is not None:
            return False
        users = [u for u in (assignment.account.user, assignment.profile.owner) if u is not None]
        assert assignment.valid_to is not None
        subject = _("The profile %(profile)s of %(account)s ends on %(day)s") % {
            "profile": assignment.profile,
            "account": assignment.account,
            "day": assignment.valid_to.strftime("%d.%m.%Y"),
        }
        body = _(
            "The assignment ends on %(day)s. If the access is still needed, request it again before then."
        ) % {"day": assignment.valid_to.strftime("%d.%m.%Y")}
        notify_users(
            users=users,
            topic=EXPIRY_TOPIC,
            subject=subject,
            body=body,
            url=reverse("access:people_account_detail", args=[assignment.account_id]),
            dedup_key=f"{EXPIRY_TOPIC}:assignment:{assignment.pk}",
            actor=actor,
        )
        before = {"reminded_on": None}
        assignment.reminded_on = today
        assignment.save(update_fields=["reminded_on", "updated_at"])
        audit_record(
            event=AssignmentEvent.REMINDED,
            actor=actor,
            obj=assignment,
            before=before,
            after={"reminded_on": today, "notified": sorted(u.get_username() for u in users)},
        )
    return True


def assignments_remind(*, actor: Any, today: dt.date | None = None) -> int:
    """Tell the holder's Tugi user and the profile owner once that an assignment ends soon."""
    require(actor, "access.change_assignment")
    today = today or timezone.localdate()
    due = Assignment.objects.filter(
        status=AssignmentStatus.ACTIVE,
        reminded_on__isnull=True,
        valid_to__gte=today,
        valid_to__lte=today + dt.timedelta(days=EXPIRY_REMINDER_DAYS),
    ).order_by("valid_to", "pk")
    return sum(1 for a in due if _remind_one(a, actor, today))


def assignments_daily(*, actor: Any, today: dt.date | None = None, progress: Any = None) -> dict[str, int]:
    """The daily job: expired assignments end, assignments ending soon are reminded of once."""
    from tugi.core.context import system_actor
    from tugi.core.services import topic_ensure

    today = today or timezone.localdate()
    topic_ensure(
        code=EXPIRY_TOPIC,
        name="Kasutajaõiguste aegumine",
        description="Assignments of STAR and SKAIS profiles that end soon.",
        actor=system_actor(),
    )
    if progress is not None:
        progress.update(percent=10, step=_("Ending expired assignments"))
    ended = assignments_expire(actor=actor, today=today)
    if progress is not None:
        progress.update(percent=60, step=_("Sending reminders"))
    reminded = assignments_remind(actor=actor, today=today)
    return {"ended": ended, "reminded": reminded}


@transaction.atomic
def assignment_cancel(
    *, assignment: Assignment, actor: Any, reason: str = "", permission: str = "access.change_assignment"
) -> Assignment:
    """Cancel an assignment that has not started: it will never grant anything."""
    require(actor, permission)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.status == AssignmentStatus.CANCELLED:
        return assignment
    if assignment.valid_from <= timezone.localdate():
        raise ValidationError(
            {"valid_from": _("The assignment has started; end it instead of cancelling it.")}
        )
    before = assignment.audit_snapshot()
    assignment.status, assignment.end_reason, assignment.needs_review = (
        AssignmentStatus.CANCELLED,
        (reason or "")[:200],
        False,
    )
    save_changes(assignment, before, event=AccessEvent.ASSIGNMENT_ENDED, actor=actor, reason=reason)
    return assignment
