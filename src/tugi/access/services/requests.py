"""Access requests with staged approval: the account's manager, the profile owner, then security
when the profile grants a sensitive right. The final approval gives the profile.

Who decides a stage (``responsible``):

- MANAGER: the Tugi user of the account's manager; when the account has no manager with an
  active Tugi user who may approve, any domain support user;
- OWNER: the profile's owner; when the owner cannot approve, any domain support user;
- SECURITY: any user with the information security role.

The requester and the account holder's own Tugi user never decide: where either is the named
person of a stage, the stage falls to the fallback role instead, so a request never waits on
someone who may not decide it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tugi.core.audit import audit_record
from tugi.core.crud import save_changes, save_new
from tugi.core.permissions import can, require
from tugi.core.roles import Role, has_role

from ..audit_events import AccessEvent
from ..models import (
    AccessRequest,
    Account,
    Approval,
    Assignment,
    AssignmentStatus,
    Decision,
    EmploymentStatus,
    Profile,
    ProfileStatus,
    RequestStatus,
    Right,
    Sensitivity,
    Stage,
)

REQUEST_TOPIC = "access-requests"
OPEN_STATUSES = (RequestStatus.PENDING_MANAGER, RequestStatus.PENDING_OWNER, RequestStatus.PENDING_SECURITY)
STAGE_OF_STATUS = {
    RequestStatus.PENDING_MANAGER: Stage.MANAGER,
    RequestStatus.PENDING_OWNER: Stage.OWNER,
    RequestStatus.PENDING_SECURITY: Stage.SECURITY,
}
STATUS_OF_STAGE: dict[str, str] = {str(stage): str(status) for status, stage in STAGE_OF_STATUS.items()}
APPROVE_PERMISSION = "access.add_approval"
TOPIC_NAMES = {REQUEST_TOPIC: "Kasutajaõiguste taotlused", "access-expiry": "Kasutajaõiguste aegumine"}


# --- notifications addressed to named users ------------------------------------------------------


def notify_users(
    *, users: list[Any], topic: str, subject: str, body: str, url: str, dedup_key: str, actor: Any
) -> dict[str, int]:
    """Tell named users (in Tugi, and by e-mail when they have an address) and the topic's
    subscribers; the same ``dedup_key`` never reaches the same person twice."""
    from tugi.core.context import system_actor
    from tugi.core.services import notify, topic_ensure

    with transaction.atomic():
        topic_ensure(code=topic, name=TOPIC_NAMES.get(topic, topic), actor=system_actor())
        return notify(
            topic=topic, subject=subject, body=body, actor=actor, dedup_key=dedup_key, url=url, users=users
        )


# --- who decides ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Responsible:
    """The person (``user``) or the role (``role``) that decides a stage."""

    stage: str
    user: Any = None
    role: Role | None = None

    def label(self) -> str:
        if self.user is not None:
            return self.user.get_full_name() or self.user.get_username()
        from tugi.core.roles import ROLE_LABELS

        return _("any user with the role %(role)s") % {"role": ROLE_LABELS[self.role]} if self.role else ""


def stages_of(request: AccessRequest) -> list[str]:
    stages: list[str] = [Stage.MANAGER, Stage.OWNER]
    if request.needs_security:
        stages.append(Stage.SECURITY)
    return stages


def _excluded(request: AccessRequest) -> set[int]:
    """Who may not decide any stage: the requester, the account holder, and whoever approved an
    earlier stage (each stage is a different person's check)."""
    earlier = {a.approver_id for a in request.approvals.all()} if request.pk else set()
    return {pk for pk in (request.requester_id, request.account.user_id) if pk is not None} | earlier


def _may_approve(user: Any, request: AccessRequest) -> bool:
    return bool(user is not None and user.pk not in _excluded(request) and can(user, APPROVE_PERMISSION))


def responsible(request: AccessRequest, stage: str) -> Responsible:
    """Who decides ``stage`` of ``request`` (see the module's description)."""
    if stage == Stage.MANAGER:
        manager = request.account.manager
        user = manager.user if manager is not None else None
        if _may_approve(user, request):
            return Responsible(stage, user=user)
        return Responsible(stage, role=Role.DOMAIN_SUPPORT)
    if stage == Stage.OWNER:
        owner = request.profile.owner
        if _may_approve(owner, request):
            return Responsible(stage, user=owner)
        return Responsible(stage, role=Role.DOMAIN_SUPPORT)
    return Responsible(stage, role=Role.SECURITY)


def current_stage(request: AccessRequest) -> str | None:
    return STAGE_OF_STATUS.get(request.status)  # type: ignore[call-overload]


def _named(request: AccessRequest, stage: str) -> Any:
    """The person a stage names before any fallback: the manager's Tugi user or the profile owner."""
    if stage == Stage.MANAGER:
        manager = request.account.manager
        return manager.user if manager is not None else None
    if stage == Stage.OWNER:
        return request.profile.owner
    return None


def can_decide(request: AccessRequest, actor: Any) -> bool:
    """Whether ``actor`` may approve or reject the request now (the same answer as ``responsible``,
    checked so that other users' permissions are loaded only when the fallback could apply)."""
    stage = current_stage(request)
    if stage is None or not can(actor, APPROVE_PERMISSION) or actor.pk in _excluded(request):
        return False
    named = _named(request, stage)
    if named is not None and named.pk == actor.pk:
        return True
    fallback = Role.SECURITY if stage == Stage.SECURITY else Role.DOMAIN_SUPPORT
    if not has_role(actor, fallback):
        return False
    return named is None or not _may_approve(named, request)


def approvers_of(request: AccessRequest) -> list[Any]:
    """The users to tell that the request waits for them (named person, or everyone in the role)."""
    from django.contrib.auth import get_user_model

    stage = current_stage(request)
    if stage is None:
        return []
    who = responsible(request, stage)
    if who.user is not None:
        return [who.user]
    users = get_user_model().objects.filter(is_active=True, groups__name=str(who.role)).distinct()
    return [u for u in users if u.pk not in _excluded(request)]


# --- checks --------------------------------------------------------------------------------------


def sensitive_rights(profile: Profile) -> list[Right]:
    """The sensitive rights the profile grants (directly or through included profiles)."""
    from ..explain import profile_rights

    ids = list(profile_rights(profile))
    return list(
        Right.objects.filter(pk__in=ids).exclude(sensitivity=Sensitivity.NONE).select_related("system")
    )


def sod_check(
    account: Account, profile: Profile, valid_from: dt.date, valid_to: dt.date | None = None
) -> list[dict[str, Any]]:
    """Policies the account would break by holding the profile at any time in the period."""
    from ..sod import conflicts_if_added_over

    return conflicts_if_added_over(account, profile, max(valid_from, timezone.localdate()), valid_to)


def _check_new(
    account: Account | None,
    profile: Profile | None,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    justification: str,
) -> None:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if account is None:
        errors["account"] = _("Choose the account.")
    elif account.status != EmploymentStatus.ACTIVE:
        errors["account"] = _("The account holder has left; nothing can be requested for them.")
    if profile is None:
        errors["profile"] = _("Choose the profile.")
    elif profile.status != ProfileStatus.ACTIVE:
        errors["profile"] = _("Only an active profile can be requested (this one is %(status)s).") % {
            "status": profile.get_status_display()
        }
    if valid_from is None:
        errors["valid_from"] = _("Say from which day the access is needed.")
    elif valid_from < today:
        errors["valid_from"] = _("Access cannot be requested for a day that has passed.")
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        errors["valid_to"] = _("The end of validity cannot be before its start.")
    if not (justification or "").strip():
        errors["justification"] = _("Say why the account needs this profile.")
    if not errors and account is not None and profile is not None and valid_from is not None:
        held = Assignment.objects.filter(
            account=account, profile=profile, status=AssignmentStatus.ACTIVE
        ).overlapping(valid_from, valid_to)
        if held.exists():
            errors["profile"] = _("The account already holds this profile in that period.")
        elif AccessRequest.objects.filter(
            account=account, profile=profile, status__in=OPEN_STATUSES
        ).exists():
            errors["profile"] = _("An open request for this profile and account already exists.")
    if errors:
        raise ValidationError(errors)


# --- writes --------------------------------------------------------------------------------------


def _notify_waiting(request: AccessRequest, actor: Any) -> None:
    stage = current_stage(request)
    if stage is None:
        return
    notify_users(
        users=approvers_of(request),
        topic=REQUEST_TOPIC,
        subject=_("An access request waits for your decision: %(request)s") % {"request": request},
        body=_("%(requester)s requested %(profile)s for %(account)s. Justification: %(justification)s")
        % {
            "requester": request.requester.get_full_name() or request.requester.get_username(),
            "profile": request.profile,
            "account": request.account,
            "justification": request.justification,
        },
        url=reverse("access:requests_detail", args=[request.pk]),
        dedup_key=f"{REQUEST_TOPIC}:{request.pk}:{stage}",
        actor=actor,
    )


def _notify_requester(request: AccessRequest, actor: Any) -> None:
    if request.status == RequestStatus.APPROVED:
        subject = _("Your access request was approved: %(request)s") % {"request": request}
    else:
        subject = _("Your access request was rejected: %(request)s") % {"request": request}
    notify_users(
        users=[request.requester],
        topic=REQUEST_TOPIC,
        subject=subject,
        body=subject,
        url=reverse("access:requests_detail", args=[request.pk]),
        dedup_key=f"{REQUEST_TOPIC}:{request.pk}:{request.status}",
        actor=actor,
    )


@transaction.atomic
def request_create(
    *,
    account: Account | None,
    profile: Profile | None,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    justification: str,
    actor: Any,
    reason: str = "",
) -> AccessRequest:
    """Request a profile for an account. The segregation of duties check is stored with the request
    (every approver sees it) and a profile with a sensitive right adds the security stage."""
    require(actor, "access.add_accessrequest")
    _check_new(account, profile, valid_from, valid_to, justification)
    assert account is not None and profile is not None and valid_from is not None
    request = AccessRequest(
        account=account,
        profile=profile,
        valid_from=valid_from,
        valid_to=valid_to,
        justification=justification.strip(),
        requester=actor,
        status=RequestStatus.PENDING_MANAGER,
        needs_security=bool(sensitive_rights(profile)),
        sod_result=sod_check(account, profile, valid_from, valid_to),
    )
    save_new(request, event=AccessEvent.REQUEST_CREATED, actor=actor, reason=reason)
    _notify_waiting(request, actor)
    return request


def _refuse_decider(request: AccessRequest, actor: Any) -> None:
    if actor.pk == request.requester_id:
        raise PermissionDenied(_("You made this request; someone else must decide it."))
    if request.account.user_id is not None and actor.pk == request.account.user_id:
        raise PermissionDenied(_("This access is for you; you cannot decide your own request."))
    stage = current_stage(request)
    assert stage is not None
    if not can_decide(request, actor):
        who = responsible(request, stage)
        raise PermissionDenied(
            _("At this stage (%(stage)s) the request is decided by %(who)s.")
            % {"stage": Stage(stage).label, "who": who.label()}
        )


@transaction.atomic
def request_decide(
    *, request: AccessRequest, decision: str, comment: str = "", actor: Any, reason: str = ""
) -> AccessRequest:
    """Approve or reject the current stage. Only the stage's responsible person decides; an
    approval is refused while a segregation of duties conflict has no valid exception (rejecting
    is always possible); the last approval gives the profile."""
    require(actor, APPROVE_PERMISSION)
    request = (
        AccessRequest.objects.select_for_update(of=("self",))
        .select_related("account__manager__user", "account__user", "profile__owner", "requester")
        .get(pk=request.pk)
    )
    if request.status not in OPEN_STATUSES:
        raise ValidationError(
            {"decision": _("The request is already %(status)s.") % {"status": request.get_status_display()}}
        )
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choose approve or reject.")})
    _refuse_decider(request, actor)
    comment = (comment or "").strip()
    stage = current_stage(request)
    assert stage is not None
    before = request.audit_snapshot()
    today = timezone.localdate()
    if decision == Decision.REJECTED:
        if not comment:
            raise ValidationError({"comment": _("Say why you reject the request.")})
        request.status = RequestStatus.REJECTED
    else:
        _check_approvable(request, today)
        stages = stages_of(request)
        following = stages[stages.index(stage) + 1 :]
        if following:
            request.status = STATUS_OF_STAGE[following[0]]
        else:
            _give(request, actor, today, reason)
    Approval.objects.create(
        request=request,
        stage=stage,
        approver=actor,
        decision=decision,
        comment=comment,
        decided_at=timezone.now(),
    )
    request.full_clean()
    request.save()
    after = request.audit_snapshot()
    after["approval"] = {"stage": stage, "decision": decision, "comment": comment}
    audit_record(
        event=AccessEvent.REQUEST_DECIDED,
        actor=actor,
        obj=request,
        before=before,
        after=after,
        reason=reason or comment,
    )
    if request.status in OPEN_STATUSES:
        _notify_waiting(request, actor)
    else:
        _notify_requester(request, actor)
    return request


def _check_approvable(request: AccessRequest, today: dt.date) -> None:
    from ..sod import blocking

    if request.profile.status != ProfileStatus.ACTIVE:
        raise ValidationError(
            {"profile": _("The profile is no longer active; the request can only be rejected.")}
        )
    if request.account.status != EmploymentStatus.ACTIVE:
        raise ValidationError(
            {"account": _("The account holder has left; the request can only be rejected.")}
        )
    if request.valid_to is not None and request.valid_to < today:
        raise ValidationError(
            {"valid_to": _("The requested period has passed; the request can only be rejected.")}
        )
    conflicts = sod_check(request.account, request.profile, request.valid_from, request.valid_to)
    request.sod_result = conflicts
    stopping = blocking(conflicts)
    if stopping:
        raise ValidationError(
            {
                "decision": _(
                    "The account would break the segregation of duties policy %(policy)s. It can be "
                    "approved only after information security grants an exception; it can be rejected."
                )
                % {"policy": ", ".join(c["name"] for c in stopping)}
            }
        )


def _give(request: AccessRequest, actor: Any, today: dt.date, reason: str) -> None:
    from .assignments import assignment_create

    assignment = assignment_create(
        account=request.account,
        profile=request.profile,
        valid_from=max(request.valid_from, today),
        valid_to=request.valid_to,
        justification=request.justification,
        requested_by=request.requester,
        approved_by=actor,
        actor=actor,
        reason=reason or _("access request %(pk)d approved") % {"pk": request.pk},
        permission=APPROVE_PERMISSION,
    )
    request.status = RequestStatus.APPROVED
    request.assignment = assignment


@transaction.atomic
def request_cancel(*, request: AccessRequest, actor: Any, reason: str = "") -> AccessRequest:
    """The requester withdraws an open request."""
    require(actor, "access.add_accessrequest")
    request = AccessRequest.objects.select_for_update().get(pk=request.pk)
    if request.requester_id != actor.pk:
        raise PermissionDenied(_("Only the requester can cancel a request."))
    if request.status not in OPEN_STATUSES:
        raise ValidationError(
            {"status": _("The request is already %(status)s.") % {"status": request.get_status_display()}}
        )
    before = request.audit_snapshot()
    request.status = RequestStatus.CANCELLED
    save_changes(request, before, event=AccessEvent.REQUEST_CANCELLED, actor=actor, reason=reason)
    return request
