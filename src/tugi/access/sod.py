"""Segregation of duties: which policies an account's rights break, now or if a profile were added.

A policy has two sides, each a set of rights and profiles. An account is on a side if it holds one
of the side's rights (effectively, through any profile) or holds one of the side's profiles
(directly or through inclusion). Being on both sides breaks the policy, unless a valid exception
for that account covers the day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .explain import Graph, effective_rights, moment
from .models import Account, Profile, Right, SodException, SodPolicy


@dataclass(frozen=True)
class Sides:
    policy: SodPolicy
    rights_a: frozenset[int]
    profiles_a: frozenset[int]
    rights_b: frozenset[int]
    profiles_b: frozenset[int]


def active_policies() -> list[Sides]:
    policies = SodPolicy.objects.filter(active=True).prefetch_related(
        "rights_a", "profiles_a", "rights_b", "profiles_b"
    )
    return [
        Sides(
            p,
            frozenset(r.pk for r in p.rights_a.all()),
            frozenset(x.pk for x in p.profiles_a.all()),
            frozenset(r.pk for r in p.rights_b.all()),
            frozenset(x.pk for x in p.profiles_b.all()),
        )
        for p in policies
    ]


def broken(
    sides: Sides, rights: set[int], profiles: set[int]
) -> tuple[set[int], set[int], set[int], set[int]] | None:
    """The rights and profiles that put the holder on both sides, or None if the policy holds."""
    ra, pa = rights & sides.rights_a, profiles & sides.profiles_a
    rb, pb = rights & sides.rights_b, profiles & sides.profiles_b
    if (ra or pa) and (rb or pb):
        return ra, pa, rb, pb
    return None


def exception_for(policy: SodPolicy, account: Account, day: dt.date) -> SodException | None:
    return (
        SodException.objects.filter(policy=policy, account=account).as_of(day).order_by("-valid_to").first()
    )


def _describe(
    sides: Sides, hit: tuple[set[int], set[int], set[int], set[int]], account: Account, day: dt.date
) -> dict[str, Any]:
    ra, pa, rb, pb = hit
    rights = {r.pk: str(r) for r in Right.objects.filter(pk__in=ra | rb).select_related("system")}
    profiles = {p.pk: str(p) for p in Profile.objects.filter(pk__in=pa | pb).select_related("system")}
    exc = exception_for(sides.policy, account, day)
    return {
        "policy": sides.policy.code,
        "name": sides.policy.name,
        "side_a": sorted([rights[i] for i in ra] + [profiles[i] for i in pa]),
        "side_b": sorted([rights[i] for i in rb] + [profiles[i] for i in pb]),
        "exception": {"id": exc.pk, "until": exc.valid_to.isoformat() if exc.valid_to else None}
        if exc
        else None,
    }


def held(account: Account, day: dt.date) -> tuple[set[int], set[int]]:
    """Effective right ids and held profile ids of an account on a day (all systems)."""
    eff = effective_rights(account, day)
    return set(eff.rights), eff.profile_ids


def conflicts_of(account: Account, day: dt.date) -> list[dict[str, Any]]:
    """Policies the account breaks on ``day`` (each with any exception that covers it)."""
    rights, profiles = held(account, day)
    result = []
    for sides in active_policies():
        hit = broken(sides, rights, profiles)
        if hit is not None:
            result.append(_describe(sides, hit, account, day))
    return result


def conflicts_if_added(account: Account, profile: Profile, day: dt.date) -> list[dict[str, Any]]:
    """Policies the account would break on ``day`` if it also held ``profile``."""
    rights, profiles = held(account, day)
    graph = Graph(moment(day)).load([profile.pk])
    rights |= set(graph.closure(profile.pk))
    profiles |= graph.profiles_below(profile.pk)
    result = []
    for sides in active_policies():
        hit = broken(sides, rights, profiles)
        if hit is not None:
            result.append(_describe(sides, hit, account, day))
    return result


def blocking(conflicts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The conflicts no valid exception covers: these stop an approval."""
    return [c for c in conflicts if not c["exception"]]
