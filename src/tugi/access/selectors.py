"""What other areas may read from the access area (import-linter lets them import only this module
and ``services``). Each function is small and documented; add more here, not deep imports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import Account, EmploymentStatus, Profile, ProfileStatus

#: An account is a UAT test account when its user name starts with one of these (case-insensitive):
#: the test users created in the pre-production environment, e.g. ``uat-kasutaja1`` or ``test.juhtum``.
TEST_ACCOUNT_PREFIXES: tuple[str, ...] = ("uat-", "uat.", "uat_", "test-", "test.", "test_")


def profiles_of_system(system_code: str) -> QuerySet[Profile]:
    """The profiles of a managed system (e.g. ``"SKAIS"``), any status."""
    return Profile.objects.filter(system__code__iexact=system_code).select_related("system")


def profile_is_active(profile: Profile) -> bool:
    """True when the profile may be assigned (status active)."""
    return profile.status == ProfileStatus.ACTIVE


def _test_account_q() -> Q:
    q = Q()
    for prefix in TEST_ACCOUNT_PREFIXES:
        q |= Q(username__istartswith=prefix)
    return q


def test_accounts_holding(profile_ids: Iterable[int], day: dt.date | None = None) -> dict[int, list[str]]:
    """For each profile id, the user names of employed UAT test accounts (see
    ``TEST_ACCOUNT_PREFIXES``) holding it on ``day`` (today), directly or through a profile that
    includes it. Profiles nobody holds map to an empty list."""
    from .selectors_profiles import holder_account_ids

    day = day or timezone.localdate()
    ids = sorted(set(profile_ids))
    result: dict[int, list[str]] = {pk: [] for pk in ids}
    for profile in Profile.objects.filter(pk__in=ids):
        holders = holder_account_ids(profile=profile, day=day)
        names = (
            Account.objects.filter(pk__in=holders, status=EmploymentStatus.ACTIVE)
            .filter(_test_account_q())
            .order_by("username")
            .values_list("username", flat=True)
        )
        result[profile.pk] = list(names)
    return result


def profile_label(profile: Any) -> str:
    """``SYSTEM:code`` of a profile."""
    return f"{profile.system.code}:{profile.code}"


# --- for other areas: the catalogue's rights and who holds them (used by the work area's requests) ---


def rights_for_choice() -> QuerySet[Any]:
    """Active rights of every managed system, for a form's choice (system, code order)."""
    from .models import Right, RightStatus

    return (
        Right.objects.filter(status=RightStatus.ACTIVE)
        .select_related("system")
        .order_by("system__code", "code")
    )


def profiles_granting_right(right: Any, day: dt.date | None = None) -> list[dict[str, Any]]:
    """Profiles whose content in force on ``day`` (today) grants ``right``, directly or through an
    included profile, whatever their status, each with the number of its assignments valid that day:
    ``[{"profile": Profile, "label": "SYSTEM:code", "active": bool, "assignments": int}]``."""
    from django.db.models import Count

    from .explain import moment, profiles_granting
    from .models import Assignment

    day = day or timezone.localdate()
    found = profiles_granting(right, moment(day), requestable_only=False)
    counts = dict(
        Assignment.objects.filter(profile__in=found)
        .as_of(day)
        .values("profile_id")
        .annotate(n=Count("pk"))
        .values_list("profile_id", "n")
    )
    return [
        {
            "profile": p,
            "label": profile_label(p),
            "active": profile_is_active(p),
            "assignments": counts.get(p.pk, 0),
        }
        for p in found
    ]


def approvals_waiting_for(user: Any) -> list[Any]:
    """Open access requests whose current stage ``user`` may decide (oldest first)."""
    from .selectors_requests import requests_waiting_for

    return requests_waiting_for(user=user)


def reviews_waiting_for(user: Any) -> list[dict[str, Any]]:
    """Per open recertification campaign, how many of ``user``'s review items wait, and the deadline."""
    from .selectors_campaigns import reviews_waiting

    return reviews_waiting(user=user)


def assignments_ending_for_manager(user: Any, today: dt.date, days: int = 14) -> QuerySet[Any]:
    """Assignments of the accounts managed by ``user``'s account that end within ``days`` days of
    ``today`` (inclusive), soonest first."""
    from .models import Assignment, AssignmentStatus

    return (
        Assignment.objects.filter(
            account__manager__user=user,
            status=AssignmentStatus.ACTIVE,
            valid_to__gte=today,
            valid_to__lte=today + dt.timedelta(days=days),
        )
        .select_related("account", "profile__system")
        .order_by("valid_to", "pk")
    )


def account_by_username(username: str) -> Account | None:
    """The access account with this user name, or None (e.g. to create demo test accounts once)."""
    return Account.objects.filter(username=username).first()


def department_for_test_accounts() -> Any:
    """An agency department to place UAT test accounts in (the first one), or None."""
    from .models import OrgUnit, OrgUnitKind

    return OrgUnit.objects.filter(kind=OrgUnitKind.DEPARTMENT).order_by("code").first()
