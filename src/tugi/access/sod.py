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

from .explain import Effective, effective_rights
from .models import Account, Profile, Right, SodException, SodPolicy

Hit = tuple[set[int], set[int], set[int], set[int]]


@dataclass(frozen=True)
class Sides:
    policy: SodPolicy
    rights_a: frozenset[int]
    profiles_a: frozenset[int]
    rights_b: frozenset[int]
    profiles_b: frozenset[int]


def active_policies() -> list[Sides]:
    """Every active policy with its two sides as sets of ids (five small queries in all)."""
    policies = {p.pk: p for p in SodPolicy.objects.filter(active=True)}
    sides: dict[str, dict[int, set[int]]] = {}
    for name, column in (
        ("rights_a", "right_id"),
        ("profiles_a", "profile_id"),
        ("rights_b", "right_id"),
        ("profiles_b", "profile_id"),
    ):
        through = getattr(SodPolicy, name).through.objects.filter(sodpolicy_id__in=policies)
        sides[name] = {}
        for policy_id, member in through.values_list("sodpolicy_id", column):
            sides[name].setdefault(policy_id, set()).add(member)
    return [
        Sides(
            p,
            *(frozenset(sides[n].get(pk, ())) for n in ("rights_a", "profiles_a", "rights_b", "profiles_b")),
        )
        for pk, p in policies.items()
    ]


def broken(sides: Sides, rights: set[int], profiles: set[int]) -> Hit | None:
    """The rights and profiles that put the holder on both sides, or None if the policy holds."""
    ra, pa = rights & sides.rights_a, profiles & sides.profiles_a
    rb, pb = rights & sides.rights_b, profiles & sides.profiles_b
    if (ra or pa) and (rb or pb):
        return ra, pa, rb, pb
    return None


def _describe_all(hits: list[tuple[Sides, Hit]], account: Account, day: dt.date) -> list[dict[str, Any]]:
    """Describe broken policies by name, with the rights and profiles on each side and any
    exception that covers the day — three queries for all of them together."""
    if not hits:
        return []
    right_ids = set().union(*(h[0] | h[2] for _s, h in hits))
    profile_ids = set().union(*(h[1] | h[3] for _s, h in hits))
    rights = {r.pk: str(r) for r in Right.objects.filter(pk__in=right_ids).select_related("system")}
    profiles = {p.pk: str(p) for p in Profile.objects.filter(pk__in=profile_ids).select_related("system")}
    exceptions: dict[int, SodException] = {}
    for exc in (
        SodException.objects.filter(account=account, policy_id__in={s.policy.pk for s, _h in hits})
        .as_of(day)
        .order_by("valid_to")
    ):
        exceptions[exc.policy_id] = exc  # the one lasting longest wins
    described = []
    for sides, (ra, pa, rb, pb) in hits:
        exc = exceptions.get(sides.policy.pk)
        described.append(
            {
                "policy": sides.policy.code,
                "name": sides.policy.name,
                "side_a": sorted([rights[i] for i in ra] + [profiles[i] for i in pa]),
                "side_b": sorted([rights[i] for i in rb] + [profiles[i] for i in pb]),
                "exception": {"id": exc.pk, "until": exc.valid_to.isoformat() if exc.valid_to else None}
                if exc
                else None,
            }
        )
    return described


def held(account: Account, day: dt.date) -> tuple[set[int], set[int]]:
    """Effective right ids and held profile ids of an account on a day (all systems)."""
    eff = effective_rights(account, day)
    return set(eff.rights), eff.profile_ids


def conflicts_of(account: Account, day: dt.date) -> list[dict[str, Any]]:
    """Policies the account breaks on ``day`` (each with any exception that covers it)."""
    rights, profiles = held(account, day)
    hits = [
        (sides, hit) for sides in active_policies() if (hit := broken(sides, rights, profiles)) is not None
    ]
    return _describe_all(hits, account, day)


def conflicts_if_added(account: Account, profile: Profile, day: dt.date) -> list[dict[str, Any]]:
    """Policies the account would break on ``day`` if it also held ``profile``."""
    return conflicts_if_each_added(account, [profile], day)[profile.pk]


def conflicts_if_added_over(
    account: Account, profile: Profile, valid_from: dt.date, valid_to: dt.date | None
) -> list[dict[str, Any]]:
    """Policies the account would break at any time while holding ``profile`` from ``valid_from``
    to ``valid_to`` (open: for good). The account's holdings change only when one of its
    assignments starts, so those days and the first day are the ones to check."""
    from .models import Assignment

    days = {valid_from}
    later = Assignment.objects.filter(account=account, valid_from__gt=valid_from).exclude(status="cancelled")
    if valid_to is not None:
        later = later.filter(valid_from__lte=valid_to)
    days |= set(later.values_list("valid_from", flat=True))
    found: dict[str, dict[str, Any]] = {}
    for day in sorted(days):
        for conflict in conflicts_if_added(account, profile, day):
            found.setdefault(conflict["policy"], conflict)
    return list(found.values())


def conflicts_if_each_added(
    account: Account, profiles: list[Profile], day: dt.date, effective: Effective | None = None
) -> dict[int, list[dict[str, Any]]]:
    """For each candidate profile, the policies the account would break if it held that one too.

    The account's rights, the policies and the candidates' contents are loaded once for all;
    ``effective`` (the account's effective rights on ``day`` in every system) saves computing them again.
    """
    eff = effective or effective_rights(account, day)
    rights, held_profiles = set(eff.rights), eff.profile_ids
    policies = active_policies()
    graph = eff.graph.load([p.pk for p in profiles])
    hits: dict[int, list[tuple[Sides, Hit]]] = {}
    for profile in profiles:
        with_rights = rights | set(graph.closure(profile.pk))
        with_profiles = held_profiles | graph.profiles_below(profile.pk)
        hits[profile.pk] = [
            (sides, hit)
            for sides in policies
            if (hit := broken(sides, with_rights, with_profiles)) is not None
        ]
    flat = [item for items in hits.values() for item in items]
    described = iter(_describe_all(flat, account, day))
    return {pk: [next(described) for _ in items] for pk, items in hits.items()}


def blocking(conflicts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The conflicts no valid exception covers: these stop an approval."""
    return [c for c in conflicts if not c["exception"]]
