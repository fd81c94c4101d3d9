"""Recertification campaigns: create, open (one item per assignment in scope), decide, remind, close.

Reviewers confirm or revoke each assignment; a decision can be changed until the campaign closes.
Revocations take effect only at the close: each revoked assignment ends then. Items still pending
at the close are reported as not reviewed and are left as they are.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tugi.core.audit import audit_record, to_json
from tugi.core.context import system_actor
from tugi.core.crud import save_new
from tugi.core.permissions import can, require
from tugi.core.roles import Role
from tugi.core.services import topic_ensure

from ..audit_events import AccessEvent
from ..models import (
    Campaign,
    CampaignItem,
    CampaignStatus,
    ManagedSystem,
    OrgUnit,
    ReviewDecision,
    ReviewerKind,
)
from ..selectors_campaigns import pending_by_reviewer, scope_assignments
from .assignments import assignment_end
from .requests import notify_users

REVIEW_TOPIC = "access-reviews"
REMIND_DAYS_BEFORE = 7


def _tell(*, reviewer: Any, subject: str, body: str, dedup_key: str, actor: Any) -> dict[str, int]:
    """One notice to one reviewer: in Tugi and by e-mail (the requests topic's ``notify_users``
    addresses named users; core's ``notify`` alone reaches only a topic's subscribers)."""
    topic_ensure(
        code=REVIEW_TOPIC,
        name="Kasutajaõiguste ülevaatus",
        description="Recertification campaigns: each reviewer hears about their own reviews.",
        actor=system_actor(),
    )
    return notify_users(
        users=[reviewer],
        topic=REVIEW_TOPIC,
        subject=subject,
        body=body,
        url=reverse("access:campaign_my_reviews"),
        dedup_key=dedup_key,
        actor=actor,
    )


# --- create ------------------------------------------------------------------------------------


@transaction.atomic
def campaign_create(
    *,
    name: str,
    reviewer_kind: str,
    deadline: dt.date | None,
    actor: Any,
    system: ManagedSystem | None = None,
    org_unit: OrgUnit | None = None,
    sensitive_only: bool = False,
    reason: str = "",
) -> Campaign:
    """A draft campaign: its scope (system, organisation unit, sensitive rights only), who reviews,
    and the deadline (which must be in the future)."""
    require(actor, "access.add_campaign")
    errors: dict[str, str] = {}
    if not (name or "").strip():
        errors["name"] = _("Give the campaign a name.")
    if reviewer_kind not in ReviewerKind.values:
        errors["reviewer_kind"] = _("Choose who reviews: the account managers or the profile owners.")
    if deadline is None:
        errors["deadline"] = _("Give the deadline.")
    elif deadline <= timezone.localdate():
        errors["deadline"] = _("The deadline must be in the future.")
    if errors or deadline is None:
        raise ValidationError(errors)
    campaign = Campaign(
        name=name.strip(),
        system=system,
        org_unit=org_unit,
        sensitive_only=bool(sensitive_only),
        reviewer_kind=reviewer_kind,
        deadline=deadline,
        created_by=actor,
    )
    return save_new(campaign, event=AccessEvent.CAMPAIGN_CREATED, actor=actor, reason=reason)


# --- open --------------------------------------------------------------------------------------


def _reviewer_for(campaign: Campaign, assignment: Any, may_decide: dict[int, bool]) -> Any:
    """The account's manager's Tugi user, or the profile's owner; the creator when there is none,
    when they may not decide items, or when it would be the account holder themself (nobody
    reviews their own access). ``may_decide`` caches the permission check per user."""
    if campaign.reviewer_kind == ReviewerKind.MANAGER:
        manager = assignment.account.manager
        reviewer = manager.user if manager is not None else None
    else:
        reviewer = assignment.profile.owner
    if reviewer is not None and reviewer.pk != assignment.account.user_id:
        if reviewer.pk not in may_decide:
            may_decide[reviewer.pk] = can(reviewer, "access.change_campaignitem")
        if may_decide[reviewer.pk]:
            return reviewer
    return _fallback_reviewer(campaign, assignment)


def _fallback_reviewer(campaign: Campaign, assignment: Any) -> Any:
    """The campaign's creator, unless the assignment is their own: then an administrator or a
    security officer who is not the holder. Nobody reviews their own access."""
    from django.contrib.auth import get_user_model

    holder = assignment.account.user_id
    if campaign.created_by_id != holder:
        return campaign.created_by
    other = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[Role.ADMIN.value, Role.SECURITY.value])
        .exclude(pk=holder)
        .order_by("pk")
        .first()
    )
    if other is None:
        raise ValidationError(
            {
                "reviewer_kind": _(
                    "Nobody but the holder could review %(assignment)s; "
                    "ask an administrator to open the campaign."
                )
                % {"assignment": assignment}
            }
        )
    return other


@transaction.atomic
def campaign_open(*, campaign: Campaign, actor: Any, reason: str = "") -> Campaign:
    """Open a draft campaign: one item per active assignment valid today in scope, each with its
    reviewer; every reviewer is told once. One audit event (the items are part of the opening)."""
    require(actor, "access.change_campaign")
    campaign = Campaign.objects.select_for_update().select_related("created_by").get(pk=campaign.pk)
    if campaign.status != CampaignStatus.DRAFT:
        raise ValidationError({"status": _("Only a draft campaign can be opened.")})
    if campaign.deadline <= timezone.localdate():
        raise ValidationError({"deadline": _("The deadline has passed; create a new campaign.")})
    assignments = scope_assignments(campaign)
    if not assignments:
        raise ValidationError({"status": _("No assignment valid today is in the campaign's scope.")})
    may_decide: dict[int, bool] = {}
    items = [
        CampaignItem(campaign=campaign, assignment=a, reviewer=_reviewer_for(campaign, a, may_decide))
        for a in assignments
    ]
    CampaignItem.objects.bulk_create(items)
    before = {"status": campaign.status, "opened_at": None}
    campaign.status, campaign.opened_at = CampaignStatus.OPEN, timezone.now()
    campaign.save(update_fields=["status", "opened_at", "updated_at"])
    per_reviewer = Counter(item.reviewer.pk for item in items)
    reviewers = {item.reviewer.pk: item.reviewer for item in items}
    audit_record(
        event=AccessEvent.CAMPAIGN_OPENED,
        actor=actor,
        obj=campaign,
        before=before,
        after={
            "status": campaign.status,
            "opened_at": campaign.opened_at,
            "items": len(items),
            "reviewers": {reviewers[pk].username: n for pk, n in sorted(per_reviewer.items())},
        },
        reason=reason,
    )
    deadline = campaign.deadline.strftime("%d.%m.%Y")
    for pk, count in sorted(per_reviewer.items()):
        _tell(
            reviewer=reviewers[pk],
            subject=ngettext(
                "Recertification %(name)s: %(count)d assignment to review by %(deadline)s",
                "Recertification %(name)s: %(count)d assignments to review by %(deadline)s",
                count,
            )
            % {"name": campaign.name, "count": count, "deadline": deadline},
            body=_(
                "Please confirm or revoke each assignment under My reviews in Tugi by %(deadline)s. "
                "Revocations take effect when the campaign closes."
            )
            % {"deadline": deadline},
            dedup_key=f"access-campaign-{campaign.pk}-opened-u{pk}",
            actor=actor,
        )
    return campaign


# --- decide ------------------------------------------------------------------------------------


@transaction.atomic
def campaign_item_decide(
    *, item: CampaignItem, decision: str, comment: str = "", actor: Any, reason: str = ""
) -> CampaignItem:
    """The item's reviewer confirms or revokes the assignment (a revocation needs a comment). The
    decision can be changed until the campaign closes; nothing takes effect before that."""
    require(actor, "access.change_campaignitem")
    item = CampaignItem.objects.select_for_update().select_related("campaign").get(pk=item.pk)
    if item.reviewer_id != actor.pk:
        raise PermissionDenied(_("Only the item's reviewer can decide it."))
    if item.campaign.status != CampaignStatus.OPEN:
        raise ValidationError({"decision": _("The campaign is not open; decisions can no longer change.")})
    if decision not in (ReviewDecision.CONFIRMED, ReviewDecision.REVOKED):
        raise ValidationError({"decision": _("Choose confirm or revoke.")})
    comment = (comment or "").strip()
    if decision == ReviewDecision.REVOKED and not comment:
        raise ValidationError({"comment": _("Say why the assignment is revoked.")})
    if item.decision == decision and item.comment == comment:
        return item
    before = {"decision": item.decision, "comment": item.comment, "decided_at": item.decided_at}
    item.decision, item.comment, item.decided_at = decision, comment, timezone.now()
    item.save(update_fields=["decision", "comment", "decided_at", "updated_at"])
    audit_record(
        event=AccessEvent.CAMPAIGN_ITEM_DECIDED,
        actor=actor,
        obj=item,
        before=before,
        after={"decision": item.decision, "comment": item.comment, "decided_at": item.decided_at},
        reason=reason,
    )
    return item


# --- remind ------------------------------------------------------------------------------------


def campaign_reminders_send(*, actor: Any, today: dt.date | None = None) -> dict[str, int]:
    """Remind every reviewer with pending items, once a day, from seven days before the deadline
    until the campaign closes. ``reminded_on`` on the items keeps the day of the last reminder; the
    notice itself is audited by ``notify``."""
    require(actor, "access.change_campaign")
    today = today or timezone.localdate()
    start = today + dt.timedelta(days=REMIND_DAYS_BEFORE)
    reminded = emails = in_app = 0
    for campaign in Campaign.objects.filter(status=CampaignStatus.OPEN, deadline__lte=start):
        for reviewer_id, items in sorted(pending_by_reviewer(campaign).items()):
            if all(item.reminded_on == today for item in items):
                continue
            with transaction.atomic():
                reviewer = items[0].reviewer
                days_left = (campaign.deadline - today).days
                sent = _tell(
                    reviewer=reviewer,
                    subject=ngettext(
                        "Reminder: %(count)d assignment waits for your review in %(name)s",
                        "Reminder: %(count)d assignments wait for your review in %(name)s",
                        len(items),
                    )
                    % {"count": len(items), "name": campaign.name},
                    body=(
                        ngettext(
                            "The deadline is %(deadline)s (%(days)d day left).",
                            "The deadline is %(deadline)s (%(days)d days left).",
                            days_left,
                        )
                        if days_left >= 0
                        else _("The deadline was %(deadline)s; please decide now.")
                    )
                    % {"deadline": campaign.deadline.strftime("%d.%m.%Y"), "days": days_left},
                    dedup_key=f"access-campaign-{campaign.pk}-reminder-u{reviewer_id}-{today.isoformat()}",
                    actor=actor,
                )
                emails, in_app = emails + sent.get("emails", 0), in_app + sent.get("in_app", 0)
                CampaignItem.objects.filter(pk__in=[i.pk for i in items]).update(
                    reminded_on=today, updated_at=timezone.now()
                )
            reminded += 1
    return {"reviewers_reminded": reminded, "emails": emails, "in_app": in_app}


# --- close -------------------------------------------------------------------------------------


def _report(campaign: Campaign, items: list[CampaignItem], ended_on: dict[int, str]) -> dict[str, Any]:
    per_reviewer: dict[str, Counter[str]] = defaultdict(Counter)
    names: dict[str, str] = {}
    for item in items:
        username = item.reviewer.username
        names[username] = item.reviewer.get_full_name() or username
        per_reviewer[username][item.decision] += 1
    totals = Counter(item.decision for item in items)

    def line(item: CampaignItem) -> dict[str, Any]:
        a = item.assignment
        return {
            "item": item.pk,
            "assignment": a.pk,
            "account": a.account.username,
            "account_name": f"{a.account.first_name} {a.account.last_name}",
            "profile": str(a.profile),
            "reviewer": item.reviewer.username,
            "comment": item.comment,
            "ended_on": ended_on.get(a.pk),
        }

    return {
        "closed_at": campaign.closed_at,
        "items": len(items),
        "confirmed": totals[ReviewDecision.CONFIRMED],
        "revoked": totals[ReviewDecision.REVOKED],
        "not_reviewed": totals[ReviewDecision.PENDING],
        "reviewers": [
            {
                "reviewer": username,
                "name": names[username],
                "items": sum(counts.values()),
                "confirmed": counts[ReviewDecision.CONFIRMED],
                "revoked": counts[ReviewDecision.REVOKED],
                "not_reviewed": counts[ReviewDecision.PENDING],
            }
            for username, counts in sorted(per_reviewer.items())
        ],
        "revocations": [line(i) for i in items if i.decision == ReviewDecision.REVOKED],
        "not_reviewed_items": [line(i) for i in items if i.decision == ReviewDecision.PENDING],
    }


@transaction.atomic
def campaign_close(*, campaign: Campaign, actor: Any, reason: str = "") -> Campaign:
    """Close an open campaign: each revoked assignment ends (it grants up to yesterday, so from
    today on it no longer does; one that started today ends today); pending items are reported as
    not reviewed and change nothing. The report with counts per reviewer and decision is kept."""
    require(actor, "access.change_campaign")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != CampaignStatus.OPEN:
        raise ValidationError({"status": _("Only an open campaign can be closed.")})
    items = list(
        CampaignItem.objects.filter(campaign=campaign)
        .select_related("assignment__account", "assignment__profile__system", "reviewer")
        .order_by("pk")
    )
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    ended_on: dict[int, str] = {}
    for item in items:
        if item.decision != ReviewDecision.REVOKED:
            continue
        ended = assignment_end(
            assignment=item.assignment,
            on=max(yesterday, item.assignment.valid_from),
            actor=actor,
            reason=_("revoked in campaign %(name)s") % {"name": campaign.name},
            permission="access.change_campaign",
        )
        ended_on[ended.pk] = ended.valid_to.isoformat() if ended.valid_to else ""
    before = {"status": campaign.status, "closed_at": None}
    campaign.status, campaign.closed_at = CampaignStatus.CLOSED, timezone.now()
    campaign.report = to_json(_report(campaign, items, ended_on))
    campaign.save(update_fields=["status", "closed_at", "report", "updated_at"])
    audit_record(
        event=AccessEvent.CAMPAIGN_CLOSED,
        actor=actor,
        obj=campaign,
        before=before,
        after={
            "status": campaign.status,
            "closed_at": campaign.closed_at,
            **{k: campaign.report[k] for k in ("items", "confirmed", "revoked", "not_reviewed")},
        },
        reason=reason,
    )
    return campaign
