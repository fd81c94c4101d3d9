"""Reads of profiles: lists, content with the path to each right, versions, proposals, compare."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from tugi.core.roles import Role, has_role
from tugi.core.selectors import get_restricted

from . import explain
from .models import Assignment, Profile, ProfileStatus, ProfileVersion, Right, VersionStatus
from .selectors_catalogue import in_force_q

REF_RE = re.compile(r"^\s*(\d+)\s*(?::\s*v(\d+))?\s*$", re.IGNORECASE)


# --- lists and single objects ---------------------------------------------------------------------


def profiles(*, user: Any, day: dt.date | None = None) -> QuerySet[Any]:
    """Profiles the user may see, with the version in force and the assignments valid on ``day``."""
    day = day or timezone.localdate()
    now = timezone.now()
    in_force = ProfileVersion.objects.filter(in_force_q(now), profile=OuterRef("pk")).values("number")[:1]
    valid = Q(assignments__valid_from__lte=day) & (
        Q(assignments__valid_to__isnull=True) | Q(assignments__valid_to__gte=day)
    )
    return (
        Profile.objects.restrict(user)
        .select_related("system", "owner")
        .annotate(
            version_in_force=Subquery(in_force, output_field=IntegerField()),
            holders=Count("assignments", filter=valid, distinct=True),
        )
    )


def profile_get(*, user: Any, pk: Any, action: str = "view") -> Profile:
    return get_restricted(Profile.objects.select_related("system", "owner"), user, action, pk=pk)


def version_get(*, user: Any, pk: Any, action: str = "view") -> ProfileVersion:
    return get_restricted(
        ProfileVersion.objects.select_related("profile", "profile__system", "profile__owner", "proposed_by"),
        user,
        action,
        pk=pk,
    )


def versions(*, profile: Profile) -> QuerySet[ProfileVersion]:
    return (
        profile.versions.select_related("proposed_by", "decided_by")
        .annotate(right_count=Count("rights", distinct=True), include_count=Count("includes", distinct=True))
        .order_by("-number")
    )


def version_in_force(profile: Profile, when: dt.datetime | None = None) -> ProfileVersion | None:
    return profile.versions.filter(in_force_q(when or timezone.now())).first()


def draft_version(profile: Profile) -> ProfileVersion | None:
    return profile.versions.filter(status=VersionStatus.DRAFT).order_by("number").first()


def current_version(profile: Profile, when: dt.datetime | None = None) -> ProfileVersion | None:
    """The content that counts for ``profile``: the version in force, or a draft profile's draft."""
    version = version_in_force(profile, when)
    if version is None and profile.status == ProfileStatus.DRAFT:
        version = draft_version(profile)
    return version


def open_proposal(profile: Profile) -> ProfileVersion | None:
    return profile.versions.filter(status=VersionStatus.PROPOSED).select_related("proposed_by").first()


def holders_count(*, profile: Profile, day: dt.date | None = None) -> int:
    """Assignments of the profile valid on ``day`` (today)."""
    return Assignment.objects.filter(profile=profile).as_of(day or timezone.localdate()).count()


def assignments_from(*, profile: Profile, day: dt.date | None = None) -> int:
    """Assignments of the profile valid on ``day`` or later."""
    return Assignment.objects.filter(profile=profile).overlapping(day or timezone.localdate(), None).count()


# --- the inclusion graph --------------------------------------------------------------------------


def _content_filter(when: dt.datetime, prefix: str = "") -> Q:
    """Versions that are a profile's content: in force, or the draft of a draft profile."""
    return in_force_q(when, prefix) | Q(
        **{f"{prefix}status": VersionStatus.DRAFT, f"{prefix}profile__status": ProfileStatus.DRAFT}
    )


def includes_of(profile_ids: Iterable[int], when: dt.datetime) -> dict[int, set[int]]:
    """Profile → the profiles its content includes (version in force, or a draft profile's draft)."""
    ids = set(profile_ids)
    result: dict[int, set[int]] = {pid: set() for pid in ids}
    through = ProfileVersion.includes.through.objects.filter(profileversion__profile_id__in=ids).filter(
        _content_filter(when, "profileversion__")
    )
    for parent, child in through.values_list("profileversion__profile_id", "profile_id"):
        result[parent].add(child)
    return result


def included_by(profile_ids: Iterable[int], when: dt.datetime) -> dict[int, set[int]]:
    """Profile → the profiles whose content includes it."""
    ids = set(profile_ids)
    result: dict[int, set[int]] = {pid: set() for pid in ids}
    through = ProfileVersion.includes.through.objects.filter(profile_id__in=ids).filter(
        _content_filter(when, "profileversion__")
    )
    for child, parent in through.values_list("profile_id", "profileversion__profile_id"):
        result[child].add(parent)
    return result


def profiles_above(profile_id: int, when: dt.datetime) -> set[int]:
    """``profile_id`` and every profile that includes it, directly or not."""
    seen = {profile_id}
    frontier = {profile_id}
    while frontier:
        parents = included_by(frontier, when)
        frontier = {p for ps in parents.values() for p in ps if p not in seen}
        seen |= frontier
    return seen


def holder_account_ids(*, profile: Profile, day: dt.date | None = None) -> list[int]:
    """Accounts holding the profile on ``day`` (today), directly or through a profile including it."""
    day = day or timezone.localdate()
    ids = profiles_above(profile.pk, explain.moment(day))
    return sorted(
        set(Assignment.objects.filter(profile_id__in=ids).as_of(day).values_list("account_id", flat=True))
    )


def codes_of(profile_ids: Iterable[int]) -> dict[int, str]:
    return dict(Profile.objects.filter(pk__in=set(profile_ids)).values_list("pk", "code"))


# --- content and compare --------------------------------------------------------------------------


@dataclass(frozen=True)
class ContentRow:
    """A right of a profile and the chain of profile codes from the profile to the one holding it."""

    right: Right
    path: list[str]

    @property
    def direct(self) -> bool:
        return len(self.path) == 1


def _rights_of(subject: Profile | ProfileVersion, when: dt.datetime) -> dict[int, list[int]]:
    if isinstance(subject, ProfileVersion):
        return explain.profile_rights(subject.profile, when, version=subject)
    version = current_version(subject, when)
    if version is None:
        return {}
    return explain.profile_rights(subject, when, version=version)


def _rows(chains: dict[int, list[int]]) -> dict[int, ContentRow]:
    rights = Right.objects.filter(pk__in=list(chains)).select_related("system").in_bulk()
    codes = codes_of(pid for chain in chains.values() for pid in chain)
    return {
        rid: ContentRow(rights[rid], [codes.get(pid, "?") for pid in chain])
        for rid, chain in chains.items()
        if rid in rights
    }


def _sorted(rows: Iterable[Any]) -> list[Any]:
    return sorted(rows, key=lambda r: (r.right.system.code, r.right.code))


def profile_content(subject: Profile | ProfileVersion, when: dt.datetime | None = None) -> list[ContentRow]:
    """Every right of a profile (its content in force, or a draft's) or of one version, with paths."""
    return _sorted(_rows(_rights_of(subject, when or timezone.now())).values())


@dataclass(frozen=True)
class CompareRow:
    right: Right
    path_a: list[str] = field(default_factory=list)
    path_b: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Comparison:
    a: Profile | ProfileVersion
    b: Profile | ProfileVersion
    a_label: str
    b_label: str
    when: dt.datetime
    only_a: list[CompareRow]
    only_b: list[CompareRow]
    both: list[CompareRow]

    @property
    def identical(self) -> bool:
        return not self.only_a and not self.only_b


def label(subject: Profile | ProfileVersion, when: dt.datetime | None = None) -> str:
    if isinstance(subject, ProfileVersion):
        return _("%(profile)s version %(number)d (%(status)s)") % {
            "profile": subject.profile,
            "number": subject.number,
            "status": subject.get_status_display(),
        }
    version = current_version(subject, when)
    if version is None:
        return _("%(profile)s (no content in force)") % {"profile": subject}
    return _("%(profile)s as in force (version %(number)d)") % {"profile": subject, "number": version.number}


def compare(
    a: Profile | ProfileVersion, b: Profile | ProfileVersion, when: dt.datetime | None = None
) -> Comparison:
    """Rights only in A, only in B and in both, each with its path through included profiles.

    A and B are each a profile (its content in force at ``when``; a draft profile's draft) or one
    version of a profile (its own content, with included profiles as in force at ``when``).
    """
    when = when or timezone.now()
    chains_a, chains_b = _rights_of(a, when), _rights_of(b, when)
    rows = _rows({**chains_b, **chains_a})
    codes = codes_of(pid for chain in [*chains_a.values(), *chains_b.values()] for pid in chain)

    def path(chain: list[int] | None) -> list[str]:
        return [codes.get(pid, "?") for pid in chain or []]

    only_a, only_b, both = [], [], []
    for rid, row in rows.items():
        item = CompareRow(row.right, path(chains_a.get(rid)), path(chains_b.get(rid)))
        if rid in chains_a and rid in chains_b:
            both.append(item)
        elif rid in chains_a:
            only_a.append(item)
        else:
            only_b.append(item)
    return Comparison(
        a, b, label(a, when), label(b, when), when, _sorted(only_a), _sorted(only_b), _sorted(both)
    )


def parse_ref(*, user: Any, text: str, name: str = "a") -> Profile | ProfileVersion:
    """A profile (``12``) or one of its versions (``12:v3``) the user may see; 404 if not found."""
    match = REF_RE.match(text or "")
    if not match:
        raise ValidationError({name: _("Give a profile id (e.g. 12) or a profile version (e.g. 12:v3).")})
    profile = profile_get(user=user, pk=int(match.group(1)))
    if match.group(2) is None:
        return profile
    return get_restricted(
        ProfileVersion.objects.filter(profile=profile).select_related("profile", "profile__system"),
        user,
        number=int(match.group(2)),
    )


def ref_of(subject: Profile | ProfileVersion) -> str:
    if isinstance(subject, ProfileVersion):
        return f"{subject.profile_id}:v{subject.number}"
    return str(subject.pk)


def compare_choices(*, user: Any) -> list[tuple[str, list[tuple[str, str]]]]:
    """Choices for the compare page: each profile (its current content) and each of its versions."""
    qs = (
        Profile.objects.restrict(user)
        .select_related("system")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=ProfileVersion.objects.restrict(user).order_by("number"),
                to_attr="ordered_versions",
            )
        )
    )
    groups = []
    for profile in qs:
        options = [(str(profile.pk), _("%(profile)s — current content") % {"profile": profile})]
        options += [
            (
                f"{profile.pk}:v{v.number}",
                _("%(profile)s — version %(number)d (%(status)s)")
                % {"profile": profile, "number": v.number, "status": v.get_status_display()},
            )
            for v in profile.ordered_versions
        ]
        groups.append((f"{profile} — {profile.name}", options))
    return groups


# --- desk and search ------------------------------------------------------------------------------


def is_administrator(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.ADMIN)


def proposals_waiting_for(*, user: Any) -> QuerySet[ProfileVersion]:
    """Proposed changes the user is the one to decide: as the owner when someone else proposed,
    as an administrator when the owner proposed it."""
    waiting = Q(profile__owner=user) & ~Q(proposed_by=F("profile__owner"))
    if is_administrator(user):
        waiting |= Q(proposed_by=F("profile__owner"))
    return (
        ProfileVersion.objects.restrict(user)
        .filter(status=VersionStatus.PROPOSED, profile__status=ProfileStatus.ACTIVE)
        .filter(waiting)
        .exclude(proposed_by=user)
        .select_related("profile", "profile__system", "proposed_by")
        .order_by("created_at")
    )


def search(*, user: Any, query: str, limit: int = 5) -> tuple[list[Profile], list[Right]]:
    """Profiles and rights whose code or name contains ``query``."""
    text = query.strip()
    if not text:
        return [], []
    found_profiles = list(
        Profile.objects.restrict(user)
        .select_related("system")
        .filter(Q(code__icontains=text) | Q(name__icontains=text))[:limit]
    )
    found_rights = list(
        Right.objects.restrict(user)
        .select_related("system")
        .filter(Q(code__icontains=text) | Q(name_et__icontains=text) | Q(name_en__icontains=text))[:limit]
    )
    return found_profiles, found_rights


def by_profile(rows: Iterable[ContentRow]) -> dict[str, list[ContentRow]]:
    """Content rows grouped by the profile that holds the right (the end of each path)."""
    grouped: dict[str, list[ContentRow]] = defaultdict(list)
    for row in rows:
        grouped[row.path[-1]].append(row)
    return dict(grouped)
