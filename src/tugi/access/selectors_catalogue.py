"""Reads of the rights catalogue: managed systems, their rights and who holds a right."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tugi.core.selectors import get_restricted

from . import explain
from .models import ManagedSystem, Profile, ProfileVersion, Right, RightStatus, VersionStatus


def in_force_q(when: dt.datetime, prefix: str = "") -> Q:
    """Profile versions (or rows reached through ``prefix``) in force at ``when``."""
    return Q(
        **{f"{prefix}status": VersionStatus.APPROVED, f"{prefix}in_force_from__lte": when},
    ) & (Q(**{f"{prefix}in_force_to__isnull": True}) | Q(**{f"{prefix}in_force_to__gt": when}))


def systems(*, user: Any) -> QuerySet[Any]:
    """Managed systems the user may see, with the number of active and vanished rights and profiles."""
    return ManagedSystem.objects.restrict(user).annotate(
        rights_active=Count("rights", filter=Q(rights__status=RightStatus.ACTIVE), distinct=True),
        rights_vanished=Count("rights", filter=Q(rights__status=RightStatus.VANISHED), distinct=True),
        profile_count=Count("profiles", distinct=True),
    )


def system_get(*, user: Any, code: str, action: str = "view") -> ManagedSystem:
    return get_restricted(ManagedSystem.objects.all(), user, action, code=code)


def rights(*, user: Any, system: ManagedSystem | None = None) -> QuerySet[Right]:
    qs = Right.objects.restrict(user).select_related("system")
    return qs.filter(system=system) if system is not None else qs


def right_get(*, user: Any, pk: Any, action: str = "view") -> Right:
    return get_restricted(Right.objects.select_related("system"), user, action, pk=pk)


def modules(*, system: ManagedSystem) -> list[str]:
    """The modules named in a system's catalogue (for filters)."""
    return sorted(
        set(Right.objects.filter(system=system).exclude(module="").values_list("module", flat=True))
    )


def right_holders(*, right: Right, when: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Profiles whose content in force grants ``right``, each saying whether directly or by inclusion."""
    when = when or timezone.now()
    profiles = explain.profiles_granting(right, when, requestable_only=False)
    direct = set(
        ProfileVersion.objects.filter(in_force_q(when), rights=right).values_list("profile_id", flat=True)
    )
    owners = dict(
        Profile.objects.filter(pk__in=[p.pk for p in profiles]).values_list("pk", "owner__username")
    )
    return [{"profile": p, "direct": p.pk in direct, "owner": owners.get(p.pk, "")} for p in profiles]


def rights_in_use(*, right_ids: Iterable[int], when: dt.datetime | None = None) -> dict[int, list[str]]:
    """Of the given rights, those held by a profile version in force: right id → profile codes."""
    when = when or timezone.now()
    through = ProfileVersion.rights.through.objects.filter(right_id__in=list(right_ids)).filter(
        in_force_q(when, "profileversion__")
    )
    result: dict[int, list[str]] = defaultdict(list)
    for right_id, code in through.values_list("right_id", "profileversion__profile__code").order_by(
        "profileversion__profile__code"
    ):
        result[right_id].append(code)
    return dict(result)


def vanished_in_use(*, system: ManagedSystem, codes: Iterable[str] | None = None) -> dict[str, list[str]]:
    """Vanished rights (all of the system's, or those of ``codes``) still held by profiles in force:
    right code → codes of the profiles holding it directly."""
    qs = Right.objects.filter(system=system, status=RightStatus.VANISHED)
    if codes is not None:
        qs = qs.filter(code__in=list(codes))
    ids = dict(qs.values_list("pk", "code"))
    return dict(sorted((ids[pk], profiles) for pk, profiles in rights_in_use(right_ids=ids).items()))
