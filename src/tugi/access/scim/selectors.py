"""Reads of the SCIM service: the Users (accounts) and Groups (active profiles) a token's user sees.

Users are the employed accounts and every account SCIM has already shown (so a deactivated one
stays visible with ``active`` false); an account deleted through SCIM is gone (its id is cleared).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from django.db.models import CharField, Max, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.utils import timezone

from ..models import (
    Account,
    Assignment,
    AssignmentStatus,
    EmploymentStatus,
    OrgUnit,
    Profile,
    ProfileStatus,
)
from .errors import not_found


def users(*, user: Any) -> Any:
    return (
        Account.objects.restrict(user)
        .filter(Q(status=EmploymentStatus.ACTIVE) | Q(scim_id__isnull=False))
        .select_related("org_unit", "manager")
        .annotate(scim_display=Concat("first_name", Value(" "), "last_name", output_field=CharField()))
        .order_by("pk")
    )


def user_get(*, user: Any, scim_id: str) -> Account:
    try:
        key = uuid.UUID(scim_id)
    except ValueError:
        raise not_found(f"No User with the id {scim_id}") from None
    account = users(user=user).filter(scim_id=key).first()
    if account is None:
        raise not_found(f"No User with the id {scim_id}")
    return account


def users_by_ids(*, user: Any, ids: list[str]) -> dict[str, Account]:
    """Visible accounts by SCIM id (ids that are no UUID or unknown are left out)."""
    keys: dict[str, uuid.UUID] = {}
    for text in ids:
        try:
            keys[text] = uuid.UUID(text)
        except ValueError:
            continue
    found = {a.scim_id: a for a in users(user=user).filter(scim_id__in=list(keys.values()))}
    return {text: found[key] for text, key in keys.items() if key in found}


def unit_codes(*, user: Any) -> list[str]:
    """The organisation units an account can be in (the canonical values of ``department``)."""
    return list(OrgUnit.objects.restrict(user).order_by("code").values_list("code", flat=True))


def groups(*, user: Any) -> Any:
    return (
        Profile.objects.restrict(user)
        .filter(status=ProfileStatus.ACTIVE)
        .select_related("system")
        .annotate(
            scim_display=Concat("system__code", Value(":"), "code", output_field=CharField()),
            members_updated=Max("assignments__updated_at"),
        )
        .order_by("pk")
    )


def group_get(*, user: Any, group_id: str) -> Profile:
    profile = (
        groups(user=user).filter(pk=int(group_id)).first()
        if group_id.isascii() and group_id.isdigit()
        else None
    )
    if profile is None:
        raise not_found(f"No Group with the id {group_id}")
    return profile


def current_assignments(
    *, profile_ids: list[int], account_ids: list[int] | None = None
) -> QuerySet[Assignment]:
    """Assignments in force today and not ended: what makes an account a member of a Group."""
    today = timezone.localdate()
    qs = Assignment.objects.filter(profile_id__in=profile_ids, status=AssignmentStatus.ACTIVE).as_of(today)
    if account_ids is not None:
        qs = qs.filter(account_id__in=account_ids)
    return qs


def members_of(*, profiles: list[Profile]) -> dict[int, list[Account]]:
    result: dict[int, list[Account]] = defaultdict(list)
    seen: set[tuple[int, int]] = set()
    qs = (
        current_assignments(profile_ids=[p.pk for p in profiles])
        .select_related("account")
        .order_by("account__username")
    )
    for assignment in qs:
        pair = (assignment.profile_id, assignment.account_id)
        if pair not in seen:
            seen.add(pair)
            result[assignment.profile_id].append(assignment.account)
    return result


def groups_of(*, accounts: list[Account]) -> dict[int, list[Profile]]:
    """The active profiles each account holds today (for the Users' read-only ``groups``)."""
    today = timezone.localdate()
    result: dict[int, list[Profile]] = defaultdict(list)
    qs = (
        Assignment.objects.filter(
            account_id__in=[a.pk for a in accounts],
            status=AssignmentStatus.ACTIVE,
            profile__status=ProfileStatus.ACTIVE,
        )
        .as_of(today)
        .select_related("profile__system")
        .order_by("profile__system__code", "profile__code")
    )
    for assignment in qs:
        if assignment.profile not in result[assignment.account_id]:
            result[assignment.account_id].append(assignment.profile)
    return result


def member_assignments(*, profile: Profile, account: Account) -> QuerySet[Assignment]:
    return current_assignments(profile_ids=[profile.pk], account_ids=[account.pk])
