"""Why can (or can't) an account do something: effective rights with their paths, at any date.

A right reaches an account along a path: assignment → profile → included profile … → right. The
profile content used is the version in force at the moment asked about, so an explanation for a
past date shows the rights as they were then. Everything is loaded breadth-first, a few queries
per level of nesting, whatever the size of the catalogue.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from .models import Account, Assignment, Profile, ProfileStatus, ProfileVersion, Right, VersionStatus

TALLINN = ZoneInfo("Europe/Tallinn")
MAX_DEPTH = 20  # nesting deeper than this is refused when a profile is saved


def moment(at: dt.date | None) -> dt.datetime:
    """The instant an explanation refers to: now for today (or no date), else the end of that day."""
    now = timezone.now()
    if at is None or at >= now.astimezone(TALLINN).date():
        return now
    return dt.datetime.combine(at, dt.time.max, tzinfo=TALLINN)


def _in_force(qs: Any, when: dt.datetime) -> Any:
    return qs.filter(status=VersionStatus.APPROVED, in_force_from__lte=when).filter(
        Q(in_force_to__isnull=True) | Q(in_force_to__gt=when)
    )


@dataclass
class Graph:
    """Profile contents in force at one moment: profile → included profiles, profile → rights."""

    when: dt.datetime
    includes: dict[int, set[int]] = field(default_factory=dict)
    rights: dict[int, set[int]] = field(default_factory=dict)
    version_of: dict[int, int] = field(default_factory=dict)

    def load(self, profile_ids: Iterable[int]) -> Graph:
        """Load the given profiles and everything they include, level by level."""
        frontier = {p for p in profile_ids if p not in self.includes}
        depth = 0
        while frontier and depth <= MAX_DEPTH:
            versions = dict(
                _in_force(ProfileVersion.objects.filter(profile_id__in=frontier), self.when).values_list(
                    "id", "profile_id"
                )
            )
            for profile_id in frontier:
                self.includes.setdefault(profile_id, set())
                self.rights.setdefault(profile_id, set())
            for version_id, profile_id in versions.items():
                self.version_of[profile_id] = version_id
            through_inc = ProfileVersion.includes.through.objects.filter(profileversion_id__in=versions)
            for version_id, included in through_inc.values_list("profileversion_id", "profile_id"):
                self.includes[versions[version_id]].add(included)
            through_rights = ProfileVersion.rights.through.objects.filter(profileversion_id__in=versions)
            for version_id, right_id in through_rights.values_list("profileversion_id", "right_id"):
                self.rights[versions[version_id]].add(right_id)
            nested = set().union(*(self.includes[p] for p in frontier)) if frontier else set()
            frontier = {p for p in nested if p not in self.includes}
            depth += 1
        return self

    def paths_to(self, root: int, right_id: int) -> list[list[int]]:
        """Every chain of profile ids from ``root`` to a profile that holds ``right_id``."""
        found: list[list[int]] = []

        def walk(profile_id: int, chain: list[int]) -> None:
            if right_id in self.rights.get(profile_id, ()):
                found.append(chain)
            for child in sorted(self.includes.get(profile_id, ())):
                if child not in chain:
                    walk(child, [*chain, child])

        walk(root, [root])
        return found

    def closure(self, root: int) -> dict[int, list[int]]:
        """Every right reachable from ``root`` with its shortest chain of profiles."""
        result: dict[int, list[int]] = {}
        queue: list[list[int]] = [[root]]
        seen = {root}
        while queue:
            chain = queue.pop(0)
            for right_id in sorted(self.rights.get(chain[-1], ())):
                result.setdefault(right_id, chain)
            for child in sorted(self.includes.get(chain[-1], ())):
                if child not in seen:
                    seen.add(child)
                    queue.append([*chain, child])
        return result

    def profiles_below(self, root: int) -> set[int]:
        """``root`` and every profile it includes, directly or not."""
        seen = {root}
        stack = [root]
        while stack:
            for child in self.includes.get(stack.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        return seen


def assignments_on(account: Account, at: dt.date, system_id: int | None = None) -> list[Assignment]:
    qs = Assignment.objects.filter(account=account).as_of(at).select_related("profile")
    if system_id is not None:
        qs = qs.filter(profile__system_id=system_id)
    return list(qs)


@dataclass(frozen=True)
class Effective:
    """An account's effective rights at a moment: right id → (assignment, chain of profile ids)."""

    when: dt.datetime
    graph: Graph
    assignments: list[Assignment]
    rights: dict[int, tuple[Assignment, list[int]]]

    @property
    def profile_ids(self) -> set[int]:
        """Every profile the account holds, directly or through inclusion."""
        return (
            set().union(*(self.graph.profiles_below(a.profile_id) for a in self.assignments))
            if self.assignments
            else set()
        )


def effective_rights(account: Account, at: dt.date | None = None, system_id: int | None = None) -> Effective:
    day = at or timezone.localdate()
    when = moment(at)
    assignments = assignments_on(account, day, system_id)
    graph = Graph(when).load(a.profile_id for a in assignments)
    rights: dict[int, tuple[Assignment, list[int]]] = {}
    for assignment in assignments:
        for right_id, chain in graph.closure(assignment.profile_id).items():
            current = rights.get(right_id)
            if current is None or len(chain) < len(current[1]):
                rights[right_id] = (assignment, chain)
    return Effective(when, graph, assignments, rights)


def profiles_granting(right: Right, when: dt.datetime, *, requestable_only: bool = True) -> list[Profile]:
    """Profiles whose content in force grants ``right``, directly or through an included profile."""
    holders = set(
        _in_force(ProfileVersion.objects.filter(rights=right), when).values_list("profile_id", flat=True)
    )
    frontier = set(holders)
    depth = 0
    while frontier and depth <= MAX_DEPTH:
        parents = set(
            _in_force(ProfileVersion.objects.filter(includes__in=frontier), when).values_list(
                "profile_id", flat=True
            )
        )
        frontier = parents - holders
        holders |= parents
        depth += 1
    qs = Profile.objects.filter(pk__in=holders, system_id=right.system_id).select_related("system")
    if requestable_only:
        qs = qs.filter(status=ProfileStatus.ACTIVE)
    return list(qs.order_by("code"))


def _labels(profile_ids: Iterable[int]) -> dict[int, str]:
    return dict(Profile.objects.filter(pk__in=set(profile_ids)).values_list("pk", "code"))


def explain(account: Account, right: Right, at: dt.date | None = None) -> dict[str, Any]:
    """Is ``right`` granted to ``account`` on ``at``; through which paths; if not, what would grant it.

    Each path is a list of steps: the assignment, each profile down the inclusion chain, the right.
    Each profile that would grant it says whether requesting it would break a segregation of duties
    policy (``sod_conflicts``).
    """
    from .sod import conflicts_if_each_added

    day = at or timezone.localdate()
    eff = effective_rights(account, at)  # every system: the SoD check below needs them all
    paths: list[list[dict[str, Any]]] = []
    for assignment in eff.assignments:
        if assignment.profile.system_id != right.system_id:
            continue
        for chain in eff.graph.paths_to(assignment.profile_id, right.pk):
            paths.append(_path(assignment, chain, right))
    if paths:
        labels = _labels(
            pid for path in paths for step in path if step["kind"] == "profile" for pid in [step["id"]]
        )
        for path in paths:
            for step in path:
                if step["kind"] == "profile":
                    step["code"] = labels.get(step["id"], "")
    would_grant = []
    if not paths:
        held = {a.profile_id for a in eff.assignments}
        candidates = [p for p in profiles_granting(right, eff.when) if p.pk not in held]
        conflicts = conflicts_if_each_added(account, candidates, day, effective=eff) if candidates else {}
        would_grant = [
            {"profile": p.code, "name": p.name, "profile_id": p.pk, "sod_conflicts": conflicts[p.pk]}
            for p in candidates
        ]
    return {
        "account": account.username,
        "system": right.system.code,
        "right": right.code,
        "at": day.isoformat(),
        "granted": bool(paths),
        "paths": paths,
        "would_grant": would_grant,
    }


def _path(assignment: Assignment, chain: list[int], right: Right) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = [
        {
            "kind": "assignment",
            "id": assignment.pk,
            "valid_from": assignment.valid_from.isoformat(),
            "valid_to": assignment.valid_to.isoformat() if assignment.valid_to else None,
        }
    ]
    steps += [{"kind": "profile", "id": pid} for pid in chain]
    steps.append({"kind": "right", "id": right.pk, "code": right.code})
    return steps


def profile_rights(
    profile: Profile, when: dt.datetime | None = None, version: ProfileVersion | None = None
) -> dict[int, list[int]]:
    """Rights of a profile (or of one of its versions) with the chain of included profiles to each.

    For a version, its own content is used and included profiles are taken as in force at ``when``.
    """
    when = when or timezone.now()
    graph = Graph(when)
    if version is None:
        graph.load([profile.pk])
        return graph.closure(profile.pk)
    inc = set(version.includes.values_list("pk", flat=True))
    graph.includes[profile.pk] = inc
    graph.rights[profile.pk] = set(version.rights.values_list("pk", flat=True))
    graph.load(inc)
    return graph.closure(profile.pk)


def rights_by_account(account_ids: Iterable[int], at: dt.date) -> dict[int, set[int]]:
    """Effective right ids of many accounts at once (for scans and exports)."""
    when = moment(at)
    by_account: dict[int, list[int]] = defaultdict(list)
    for account_id, profile_id in (
        Assignment.objects.filter(account_id__in=list(account_ids))
        .as_of(at)
        .values_list("account_id", "profile_id")
    ):
        by_account[account_id].append(profile_id)
    graph = Graph(when).load({p for ps in by_account.values() for p in ps})
    cache: dict[int, set[int]] = {}
    result: dict[int, set[int]] = {}
    for account_id, profile_ids in by_account.items():
        rights: set[int] = set()
        for pid in profile_ids:
            if pid not in cache:
                cache[pid] = set(graph.closure(pid))
            rights |= cache[pid]
        result[account_id] = rights
    return result
