"""Reads of recertification campaigns: scope, progress, my reviews, the closing report."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .explain import Graph, moment
from .models import (
    Assignment,
    AssignmentStatus,
    Campaign,
    CampaignItem,
    CampaignStatus,
    ReviewDecision,
    Right,
    Sensitivity,
)


def campaigns(*, user: Any) -> QuerySet[Any]:
    return (
        Campaign.objects.restrict(user)
        .select_related("system", "org_unit", "created_by")
        .annotate(
            item_count=Count("items"),
            decided_count=Count("items", filter=~Q(items__decision=ReviewDecision.PENDING)),
        )
    )


def campaign_get(*, user: Any, pk: int, action: str = "view") -> Campaign:
    from tugi.core.selectors import get_restricted

    return get_restricted(
        Campaign.objects.select_related("system", "org_unit", "created_by"), user, action, pk=pk
    )


def scope_assignments(campaign: Campaign, day: dt.date | None = None) -> list[Assignment]:
    """The active assignments valid on ``day`` that the campaign's scope covers.

    Scope: the campaign's system (the assigned profile's system), its organisation unit (the
    account's unit) and, with ``sensitive_only``, profiles whose rights in force include a right
    that is sensitive (directly or through an included profile)."""
    day = day or timezone.localdate()
    qs = (
        Assignment.objects.filter(status=AssignmentStatus.ACTIVE)
        .as_of(day)
        .select_related("account__manager__user", "account__user", "profile__owner")
        .order_by("account__last_name", "account__first_name", "profile__code", "pk")
    )
    if campaign.system_id:
        qs = qs.filter(profile__system_id=campaign.system_id)
    if campaign.org_unit_id:
        qs = qs.filter(account__org_unit_id=campaign.org_unit_id)
    found = list(qs)
    if not campaign.sensitive_only:
        return found
    sensitive = set(Right.objects.exclude(sensitivity=Sensitivity.NONE).values_list("pk", flat=True))
    graph = Graph(moment(day)).load({a.profile_id for a in found})
    cache: dict[int, bool] = {}
    result = []
    for assignment in found:
        if assignment.profile_id not in cache:
            cache[assignment.profile_id] = bool(sensitive & set(graph.closure(assignment.profile_id)))
        if cache[assignment.profile_id]:
            result.append(assignment)
    return result


def items_of(*, user: Any, campaign: Campaign) -> QuerySet[CampaignItem]:
    return (
        CampaignItem.objects.restrict(user)
        .filter(campaign=campaign)
        .select_related("assignment__account__org_unit", "assignment__profile__system", "reviewer")
    )


def progress(campaign: Campaign) -> dict[str, Any]:
    """Counts of the campaign's items by decision, overall and per reviewer, with percent decided."""
    rows = (
        CampaignItem.objects.filter(campaign=campaign)
        .values("reviewer_id", "reviewer__username", "reviewer__first_name", "reviewer__last_name")
        .annotate(
            total=Count("pk"),
            confirmed=Count("pk", filter=Q(decision=ReviewDecision.CONFIRMED)),
            revoked=Count("pk", filter=Q(decision=ReviewDecision.REVOKED)),
            pending=Count("pk", filter=Q(decision=ReviewDecision.PENDING)),
        )
        .order_by("reviewer__username")
    )
    reviewers = []
    totals = {"total": 0, "confirmed": 0, "revoked": 0, "pending": 0}
    for row in rows:
        name = f"{row['reviewer__first_name']} {row['reviewer__last_name']}".strip()
        counts = {
            "total": row["total"],
            "confirmed": row["confirmed"],
            "revoked": row["revoked"],
            "pending": row["pending"],
        }
        reviewers.append(
            {
                "reviewer_id": row["reviewer_id"],
                "reviewer": row["reviewer__username"],
                "name": name or row["reviewer__username"],
                **counts,
                "percent": _percent(counts["total"] - counts["pending"], counts["total"]),
            }
        )
        for key, value in counts.items():
            totals[key] += value
    return {
        **totals,
        "decided": totals["total"] - totals["pending"],
        "percent": _percent(totals["total"] - totals["pending"], totals["total"]),
        "reviewers": reviewers,
    }


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def my_reviews(*, user: Any, campaign: Campaign | None = None) -> QuerySet[CampaignItem]:
    """The items of open campaigns that ``user`` reviews (what they may decide now)."""
    qs = (
        CampaignItem.objects.restrict(user)
        .filter(reviewer=user, campaign__status=CampaignStatus.OPEN)
        .select_related(
            "campaign", "assignment__account__org_unit", "assignment__profile__system", "reviewer"
        )
        .order_by("campaign__deadline", "campaign_id", "assignment__account__last_name", "pk")
    )
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return qs


def reviews_waiting(*, user: Any) -> list[dict[str, Any]]:
    """For the desk: per open campaign, how many of ``user``'s items wait, and the deadline."""
    rows = (
        my_reviews(user=user)
        .filter(decision=ReviewDecision.PENDING)
        .values("campaign_id", "campaign__name", "campaign__deadline")
        .annotate(pending=Count("pk"))
        .order_by("campaign__deadline", "campaign_id")
    )
    today = timezone.localdate()
    return [
        {
            "campaign_id": r["campaign_id"],
            "name": r["campaign__name"],
            "deadline": r["campaign__deadline"],
            "days_left": (r["campaign__deadline"] - today).days,
            "pending": r["pending"],
        }
        for r in rows
    ]


def pending_by_reviewer(campaign: Campaign) -> dict[int, list[CampaignItem]]:
    """Pending items of a campaign grouped by reviewer id (for reminders)."""
    grouped: dict[int, list[CampaignItem]] = defaultdict(list)
    for item in CampaignItem.objects.filter(
        campaign=campaign, decision=ReviewDecision.PENDING
    ).select_related("reviewer"):
        grouped[item.reviewer_id].append(item)
    return grouped
