"""Reads behind the access reports: who holds sensitive rights, profiles nobody uses, assignments
that expire soon, open segregation of duties violations, campaign results."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .explain import Graph, moment
from .models import (
    Assignment,
    AssignmentStatus,
    Campaign,
    CampaignItem,
    Profile,
    ProfileStatus,
    ProfileVersion,
    ReviewDecision,
    Right,
    Sensitivity,
    SodViolation,
    VersionStatus,
)

EXPIRY_DAYS = 30


def sensitive_holders(
    *,
    user: Any,
    day: dt.date | None = None,
    system_id: int | None = None,
    sensitivity: str = "",
) -> list[dict[str, Any]]:
    """One row per account and sensitive right held on ``day``, with the assigned profile it comes
    through and the chain of included profiles. Empty for a user who may not see assignments."""
    day = day or timezone.localdate()
    assignments = (
        Assignment.objects.as_of(day)
        .restrict(user)
        .select_related("account__org_unit", "profile__system")
        .order_by("account__last_name", "account__first_name", "profile__code")
    )
    if system_id:
        assignments = assignments.filter(profile__system_id=system_id)
    found = list(assignments)
    rights_qs = Right.objects.exclude(sensitivity=Sensitivity.NONE).select_related("system")
    if sensitivity:
        rights_qs = rights_qs.filter(sensitivity=sensitivity)
    sensitive = {r.pk: r for r in rights_qs}
    if not found or not sensitive:
        return []
    graph = Graph(moment(day)).load({a.profile_id for a in found})
    codes = dict(Profile.objects.filter(pk__in=set(graph.includes)).values_list("pk", "code"))
    closures: dict[int, dict[int, list[int]]] = {}
    rows = []
    for a in found:
        if a.profile_id not in closures:
            closures[a.profile_id] = graph.closure(a.profile_id)
        for right_id, chain in sorted(closures[a.profile_id].items()):
            right = sensitive.get(right_id)
            if right is None:
                continue
            rows.append(
                {
                    "account": a.account.username,
                    "account_id": a.account_id,
                    "name": f"{a.account.first_name} {a.account.last_name}",
                    "org_unit": a.account.org_unit.name,
                    "system": right.system.code,
                    "right": right.code,
                    "right_name": right.name_et,
                    "sensitivity": right.get_sensitivity_display(),
                    "profile": a.profile.code,
                    "path": " → ".join(codes.get(pid, str(pid)) for pid in chain),
                    "valid_to": a.valid_to,
                }
            )
    return rows


def unused_profiles(*, user: Any, day: dt.date | None = None) -> list[dict[str, Any]]:
    """Active profiles that no assignment valid on ``day`` gives (nobody holds them directly);
    ``included_in`` names the profiles in force that include it."""
    day = day or timezone.localdate()
    used = Assignment.objects.as_of(day).values("profile_id")
    profiles = list(
        Profile.objects.restrict(user)
        .filter(status=ProfileStatus.ACTIVE)
        .exclude(pk__in=used)
        .select_related("system", "owner")
        .order_by("system__code", "code")
    )
    when = moment(day)
    in_force = (
        ProfileVersion.objects.filter(status=VersionStatus.APPROVED, in_force_from__lte=when)
        .filter(Q(in_force_to__isnull=True) | Q(in_force_to__gt=when))
        .filter(includes__in=[p.pk for p in profiles])
        .values_list("includes", "profile__code")
    )
    included_in: dict[int, list[str]] = {}
    for profile_id, parent_code in in_force:
        included_in.setdefault(profile_id, []).append(parent_code)
    last_ended = dict(
        Assignment.objects.filter(profile__in=[p.pk for p in profiles], valid_to__lt=day)
        .values("profile_id")
        .annotate(last=Count("pk"))
        .values_list("profile_id", "last")
    )
    return [
        {
            "profile_id": p.pk,
            "system": p.system.code,
            "code": p.code,
            "name": p.name,
            "owner": p.owner.get_full_name() or p.owner.username,
            "included_in": ", ".join(sorted(included_in.get(p.pk, []))),
            "past_assignments": last_ended.get(p.pk, 0),
        }
        for p in profiles
    ]


def expiring(*, user: Any, day: dt.date | None = None, days: int = EXPIRY_DAYS) -> QuerySet[Assignment]:
    """Active assignments whose validity ends within ``days`` days from ``day`` (inclusive)."""
    day = day or timezone.localdate()
    return (
        Assignment.objects.restrict(user)
        .filter(
            status=AssignmentStatus.ACTIVE, valid_to__gte=day, valid_to__lte=day + dt.timedelta(days=days)
        )
        .select_related("account__org_unit", "account__manager", "profile__system")
        .order_by("valid_to", "account__last_name", "pk")
    )


def open_violations(*, user: Any) -> QuerySet[SodViolation]:
    return (
        SodViolation.objects.restrict(user)
        .filter(resolved_at__isnull=True)
        .select_related("policy", "account__org_unit")
        .order_by("-detected_at", "pk")
    )


def campaign_results(*, user: Any, campaign_id: int | None = None) -> list[dict[str, Any]]:
    """Per campaign and reviewer: items, confirmed, revoked, not reviewed (pending)."""
    visible = Campaign.objects.restrict(user)
    if campaign_id:
        visible = visible.filter(pk=campaign_id)
    rows = (
        CampaignItem.objects.filter(campaign__in=visible)
        .values(
            "campaign_id",
            "campaign__name",
            "campaign__status",
            "campaign__deadline",
            "reviewer__username",
            "reviewer__first_name",
            "reviewer__last_name",
        )
        .annotate(
            items=Count("pk"),
            confirmed=Count("pk", filter=Q(decision=ReviewDecision.CONFIRMED)),
            revoked=Count("pk", filter=Q(decision=ReviewDecision.REVOKED)),
            not_reviewed=Count("pk", filter=Q(decision=ReviewDecision.PENDING)),
        )
        .order_by("-campaign__deadline", "campaign_id", "reviewer__username")
    )
    labels = dict(Campaign._meta.get_field("status").flatchoices)
    return [
        {
            "campaign_id": r["campaign_id"],
            "campaign": r["campaign__name"],
            "status": str(labels.get(r["campaign__status"], r["campaign__status"])),
            "deadline": r["campaign__deadline"],
            "reviewer": r["reviewer__username"],
            "reviewer_name": f"{r['reviewer__first_name']} {r['reviewer__last_name']}".strip(),
            "items": r["items"],
            "confirmed": r["confirmed"],
            "revoked": r["revoked"],
            "not_reviewed": r["not_reviewed"],
        }
        for r in rows
    ]
