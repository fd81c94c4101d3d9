"""Reads of the people and assignments topics: organisation units, accounts, assignments."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from tugi.core.selectors import get_restricted

from .models import AccessRequest, Account, Assignment, AssignmentStatus, OrgUnit, RequestStatus, SodViolation

OPEN_REQUEST_STATUSES = (
    RequestStatus.PENDING_MANAGER,
    RequestStatus.PENDING_OWNER,
    RequestStatus.PENDING_SECURITY,
)


def org_units(*, user: Any) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.restrict(user)


def accounts(*, user: Any) -> QuerySet[Any]:
    """Accounts the user may see, each with ``flagged``: whether an assignment waits for review."""
    flagged = Assignment.objects.filter(
        account=OuterRef("pk"), needs_review=True, status=AssignmentStatus.ACTIVE
    )
    return (
        Account.objects.restrict(user)
        .select_related("org_unit", "manager", "user")
        .annotate(flagged=Exists(flagged))
    )


def account_get(*, user: Any, pk: Any, action: str = "view") -> Account:
    return get_restricted(Account.objects.select_related("org_unit", "manager", "user"), user, action, pk=pk)


def account_search(*, user: Any, query: str, limit: int = 10) -> QuerySet[Account]:
    qs = Account.objects.restrict(user).select_related("org_unit")
    for word in query.split():
        qs = qs.filter(
            Q(username__icontains=word) | Q(first_name__icontains=word) | Q(last_name__icontains=word)
        )
    return qs[:limit]


def assignments(*, user: Any) -> QuerySet[Assignment]:
    return Assignment.objects.restrict(user).select_related(
        "account__org_unit", "profile__system", "requested_by", "approved_by"
    )


def assignment_get(*, user: Any, pk: Any, action: str = "view") -> Assignment:
    return get_restricted(
        Assignment.objects.select_related("account", "profile__system"), user, action, pk=pk
    )


def account_page(*, user: Any, account: Account, today: dt.date | None = None) -> dict[str, Any]:
    """What an account's page shows: assignments valid today, coming and past; open requests;
    segregation of duties violations."""
    today = today or timezone.localdate()
    rows = list(assignments(user=user).filter(account=account).order_by("-valid_from", "pk"))
    current = [a for a in rows if a.is_valid_on(today)]
    future = [a for a in rows if a.valid_from > today]
    past = [a for a in rows if a.valid_to is not None and a.valid_to < today]
    requests = (
        AccessRequest.objects.restrict(user)
        .filter(account=account, status__in=OPEN_REQUEST_STATUSES)
        .select_related("profile__system", "requester")
    )
    violations = (
        SodViolation.objects.restrict(user)
        .filter(account=account)
        .select_related("policy")
        .order_by("resolved_at", "-detected_at")
    )
    return {
        "current_assignments": current,
        "future_assignments": future,
        "past_assignments": past,
        "open_requests": list(requests),
        "violations": list(violations),
        "today": today,
    }
