"""Profiles and their versions: create, edit the draft, activate, propose / approve / reject a
change, deprecate, retire.

A profile's content (rights and included profiles) lives in versions; every version is kept. A
draft profile's version 1 is edited in place; activating it puts it in force. A change to an
active profile is proposed as a new version, which the profile owner approves (never the
proposer; if the owner proposed it, an administrator approves); it is then in force from that
moment and the previous version stops. Content is refused when it names rights or profiles of
another system, vanished rights, the profile itself, a cycle of inclusions or nesting deeper than
the explain engine follows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tugi.core.audit import audit_record
from tugi.core.crud import refuse_unknown, save_changes, save_fields, save_new
from tugi.core.permissions import require

from .. import explain
from .. import selectors_profiles as selectors
from ..audit_events import AccessEvent
from ..models import (
    ManagedSystem,
    Profile,
    ProfileStatus,
    ProfileVersion,
    Right,
    RightStatus,
    VersionStatus,
)

PROFILE_FIELDS = ("name", "owner", "purpose", "positions")
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


# --- helpers --------------------------------------------------------------------------------------


def _positions(value: Any) -> str:
    """Job positions as one comma-separated text (a list or a text is accepted)."""
    items = value if isinstance(value, list | tuple) else str(value or "").split(",")
    return ", ".join(p for p in (str(i).strip() for i in items) if p)


def _names(objects: Iterable[Any]) -> str:
    return ", ".join(sorted(str(o) for o in objects))


def content_snapshot(version: ProfileVersion) -> dict[str, Any]:
    """A version as kept in the audit log: number, status and the codes of its content."""
    return {
        "number": version.number,
        "status": version.status,
        "rights": sorted(version.rights.values_list("code", flat=True)),
        "includes": sorted(version.includes.values_list("code", flat=True)),
        "in_force_from": version.in_force_from,
        "in_force_to": version.in_force_to,
    }


def _cycle(root: int, includes: set[int], when: Any) -> list[int] | None:
    """A chain root → … → root through the inclusion graph with ``root`` including ``includes``."""
    children: dict[int, set[int]] = {root: set(includes)}
    frontier = set(includes) - {root}
    while frontier:
        children.update(selectors.includes_of(frontier, when))
        frontier = {c for pid in frontier for c in children[pid] if c not in children}
    visited: set[int] = set()

    def walk(node: int, path: list[int]) -> list[int] | None:
        for child in sorted(children.get(node, ())):
            if child == root:
                return [*path, child]
            if child in visited:
                continue
            visited.add(child)
            found = walk(child, [*path, child])
            if found:
                return found
        return None

    return walk(root, [root])


def _longest(start: set[int], edges: Any, when: Any) -> int:
    """The number of levels reachable from ``start`` following ``edges`` (includes_of / included_by)."""
    graph: dict[int, set[int]] = {}
    frontier = set(start)
    while frontier:
        graph.update(edges(frontier, when))
        frontier = {c for pid in frontier for c in graph[pid] if c not in graph}
    memo: dict[int, int] = {}

    def depth(node: int, trail: frozenset[int]) -> int:
        if node in memo:
            return memo[node]
        below = [depth(c, trail | {node}) for c in graph.get(node, ()) if c not in trail]
        memo[node] = 1 + max(below, default=0)
        return memo[node]

    return max((depth(n, frozenset()) for n in start), default=0)


def _check_content(profile: Profile, rights: list[Right], includes: list[Profile]) -> None:
    """Refuse content a profile may not hold (names the field: rights or includes)."""
    errors: dict[str, list[str]] = {}
    foreign = [r for r in rights if r.system_id != profile.system_id]
    if foreign:
        errors.setdefault("rights", []).append(
            _("These rights belong to another system than %(system)s: %(rights)s.")
            % {"system": profile.system.code, "rights": _names(foreign)}
        )
    vanished = [r for r in rights if r.status == RightStatus.VANISHED]
    if vanished:
        errors.setdefault("rights", []).append(
            _("These rights have vanished from the system and cannot be in a profile: %(rights)s.")
            % {"rights": _names(vanished)}
        )
    if any(p.pk == profile.pk for p in includes):
        errors.setdefault("includes", []).append(_("A profile cannot include itself."))
    foreign_profiles = [p for p in includes if p.system_id != profile.system_id]
    if foreign_profiles:
        errors.setdefault("includes", []).append(
            _("These profiles belong to another system than %(system)s: %(profiles)s.")
            % {"system": profile.system.code, "profiles": _names(foreign_profiles)}
        )
    ended = [p for p in includes if p.status in (ProfileStatus.DEPRECATED, ProfileStatus.RETIRED)]
    if ended:
        errors.setdefault("includes", []).append(
            _("Deprecated or retired profiles cannot be included: %(profiles)s.")
            % {"profiles": _names(ended)}
        )
    if errors:
        raise ValidationError(errors)
    when = timezone.now()
    include_ids = {p.pk for p in includes}
    cycle = _cycle(profile.pk, include_ids, when)
    if cycle:
        codes = selectors.codes_of(cycle)
        raise ValidationError(
            {
                "includes": _("Including these profiles would make a cycle: %(path)s.")
                % {"path": " → ".join(codes[pid] for pid in cycle)}
            }
        )
    levels = _longest(include_ids, selectors.includes_of, when) + _longest(
        {profile.pk}, selectors.included_by, when
    )
    # ``levels`` counts the profiles on the longest chain through this one (itself once, from
    # above); the nesting is the number of inclusion steps between them
    nesting = levels - 1
    if nesting > explain.MAX_DEPTH:
        raise ValidationError(
            {
                "includes": _(
                    "Profiles would be nested %(depth)d levels deep; at most %(max)d levels are allowed."
                )
                % {"depth": nesting, "max": explain.MAX_DEPTH}
            }
        )


def _listed(values: Iterable[Any] | None, model: Any) -> list[Any]:
    """Model objects from objects or primary keys, freshly read (status and system matter)."""
    items = list(values or [])
    ids = {getattr(v, "pk", v) for v in items}
    found = list(model.objects.filter(pk__in=ids).select_related("system"))
    if len(found) != len(ids):
        raise ValidationError(_("Some of the chosen items no longer exist."))
    return found


def _set_content(version: ProfileVersion, rights: list[Right], includes: list[Profile]) -> None:
    version.rights.set(rights)
    version.includes.set(includes)


def _same(version: ProfileVersion | None, rights: list[Right], includes: list[Profile]) -> bool:
    if version is None:
        return not rights and not includes
    return set(version.rights.values_list("pk", flat=True)) == {r.pk for r in rights} and set(
        version.includes.values_list("pk", flat=True)
    ) == {p.pk for p in includes}


def _lock(profile: Profile) -> Profile:
    return Profile.objects.select_for_update().select_related("system", "owner").get(pk=profile.pk)


def _sod_check(profile: Profile, actor: Any) -> None:
    """A change of what a profile grants is checked against segregation of duties at once."""
    from .sod import violations_record

    accounts = selectors.holder_account_ids(profile=profile)
    if accounts:
        violations_record(account_ids=accounts, actor=actor)


def decision_refusal(version: ProfileVersion, actor: Any) -> str | None:
    """Why ``actor`` may not approve or reject this proposal, or None if they may.

    The profile owner decides, never the proposer; when the owner proposed, an administrator does.
    """
    if actor is None or not getattr(actor, "is_authenticated", False):
        return _("You must be signed in.")
    owner = version.profile.owner
    if version.proposed_by_id == actor.pk:
        return _("You proposed this change; someone else must decide it.")
    if version.proposed_by_id == owner.pk:
        if not selectors.is_administrator(actor):
            return _("The profile owner proposed this change, so an administrator decides it.")
        return None
    if owner.pk != actor.pk:
        return _("Only the profile owner (%(owner)s) may decide this change.") % {
            "owner": owner.get_full_name() or owner.get_username()
        }
    return None


# --- services -------------------------------------------------------------------------------------


@transaction.atomic
def profile_create(
    *,
    system: ManagedSystem,
    code: str,
    name: str,
    owner: Any,
    purpose: str = "",
    positions: Any = "",
    actor: Any,
    reason: str = "",
) -> Profile:
    """A new draft profile with an empty draft version 1."""
    require(actor, "access.add_profile")
    code = (code or "").strip()
    if code and not CODE_RE.match(code):
        raise ValidationError({"code": _("Use letters, digits, underscores, dots and hyphens only.")})
    if code and Profile.objects.filter(system=system, code__iexact=code).exists():
        raise ValidationError(
            {"code": _("%(system)s already has a profile with this code.") % {"system": system.code}}
        )
    if owner is not None and not owner.is_active:
        raise ValidationError({"owner": _("The owner must be an active user.")})
    profile = Profile(
        system=system,
        code=code,
        name=(name or "").strip(),
        owner=owner,
        purpose=(purpose or "").strip(),
        positions=_positions(positions),
        status=ProfileStatus.DRAFT,
    )
    save_new(profile, event=AccessEvent.PROFILE_CREATED, actor=actor, reason=reason)
    ProfileVersion.objects.create(profile=profile, number=1, status=VersionStatus.DRAFT, proposed_by=actor)
    return profile


@transaction.atomic
def profile_update(*, profile: Profile, actor: Any, reason: str = "", **values: Any) -> Profile:
    """Change a profile's name, owner, purpose or job positions."""
    require(actor, "access.change_profile")
    refuse_unknown(values, PROFILE_FIELDS)
    profile = _lock(profile)
    if profile.status == ProfileStatus.RETIRED:
        raise ValidationError(_("A retired profile cannot be changed."))
    before = profile.audit_snapshot()
    for name, value in values.items():
        if name == "positions":
            value = _positions(value)
        elif isinstance(value, str):
            value = value.strip()
        setattr(profile, name, value)
    if "owner" in values and (profile.owner is None or not profile.owner.is_active):
        raise ValidationError({"owner": _("The owner must be an active user.")})
    save_changes(profile, before, event=AccessEvent.PROFILE_UPDATED, actor=actor, reason=reason)
    return profile


@transaction.atomic
def profile_draft_content_set(
    *,
    profile: Profile,
    rights: Iterable[Any],
    includes: Iterable[Any] = (),
    actor: Any,
    reason: str = "",
) -> ProfileVersion:
    """Set the content of a draft profile (its draft version, edited in place)."""
    require(actor, "access.change_profile")
    profile = _lock(profile)
    if profile.status != ProfileStatus.DRAFT:
        raise ValidationError(
            _("Only a draft profile's content is edited directly; propose a change to an active profile.")
        )
    version = selectors.draft_version(profile)
    if version is None:  # every draft profile has one; recreate it if it was lost
        version = ProfileVersion.objects.create(
            profile=profile, number=1, status=VersionStatus.DRAFT, proposed_by=actor
        )
    right_list, include_list = _listed(rights, Right), _listed(includes, Profile)
    _check_content(profile, right_list, include_list)
    if _same(version, right_list, include_list):
        return version
    before = content_snapshot(version)
    _set_content(version, right_list, include_list)
    version.save(update_fields=["updated_at"])
    audit_record(
        event=AccessEvent.PROFILE_CONTENT_EDITED,
        actor=actor,
        obj=version,
        before=before,
        after=content_snapshot(version),
        reason=reason,
    )
    return version


@transaction.atomic
def profile_activate(*, profile: Profile, actor: Any, reason: str = "") -> Profile:
    """Draft → active: the draft version is approved and in force from now."""
    require(actor, "access.change_profile")
    profile = _lock(profile)
    if profile.status != ProfileStatus.DRAFT:
        raise ValidationError(_("Only a draft profile can be activated."))
    version = selectors.draft_version(profile)
    if version is None or (not version.rights.exists() and not version.includes.exists()):
        raise ValidationError({"rights": _("Give the profile rights or included profiles first.")})
    _check_content(
        profile,
        list(version.rights.select_related("system")),
        list(version.includes.select_related("system")),
    )
    before = {"status": profile.status, "version": content_snapshot(version)}
    now = timezone.now()
    version.status = VersionStatus.APPROVED
    version.in_force_from, version.decided_by, version.decided_at = now, actor, now
    version.save()
    profile.status = ProfileStatus.ACTIVE
    profile.save(update_fields=["status", "updated_at"])
    after = {"status": profile.status, "version": content_snapshot(version)}
    audit_record(
        event=AccessEvent.PROFILE_STATUS_CHANGED,
        actor=actor,
        obj=profile,
        before=before,
        after=after,
        reason=reason,
    )
    _sod_check(profile, actor)
    return profile


@transaction.atomic
def profile_change_propose(
    *,
    profile: Profile,
    rights: Iterable[Any],
    includes: Iterable[Any] = (),
    note: str,
    actor: Any,
    reason: str = "",
) -> ProfileVersion:
    """Propose new content for an active profile: a new version waiting for the owner's approval."""
    require(actor, "access.add_profileversion")
    profile = _lock(profile)
    if profile.status != ProfileStatus.ACTIVE:
        raise ValidationError(_("A change can be proposed only to an active profile."))
    if not (note or "").strip():
        raise ValidationError({"note": _("Say what the change is for.")})
    proposal = selectors.open_proposal(profile)
    if proposal is not None:
        raise ValidationError(
            _("Version %(number)d is already proposed; it must be approved or rejected first.")
            % {"number": proposal.number}
        )
    right_list, include_list = _listed(rights, Right), _listed(includes, Profile)
    _check_content(profile, right_list, include_list)
    current = selectors.version_in_force(profile)
    if _same(current, right_list, include_list):
        raise ValidationError(_("The proposed content is the same as the content in force."))
    number = (profile.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = ProfileVersion.objects.create(
        profile=profile,
        number=number,
        status=VersionStatus.PROPOSED,
        note=note.strip(),
        proposed_by=actor,
    )
    _set_content(version, right_list, include_list)
    audit_record(
        event=AccessEvent.PROFILE_CHANGE_PROPOSED,
        actor=actor,
        obj=version,
        before=content_snapshot(current) if current is not None else None,
        after={**content_snapshot(version), "note": version.note},
        reason=reason or version.note,
    )
    return version


def _decide_lock(version: ProfileVersion, actor: Any) -> ProfileVersion:
    version = (
        ProfileVersion.objects.select_for_update()
        .select_related("profile", "profile__system", "profile__owner")
        .get(pk=version.pk)
    )
    if version.status != VersionStatus.PROPOSED:
        raise ValidationError(_("This version is not waiting for a decision."))
    refusal = decision_refusal(version, actor)
    if refusal:
        raise PermissionDenied(refusal)
    return version


@transaction.atomic
def profile_change_approve(*, version: ProfileVersion, actor: Any, reason: str = "") -> ProfileVersion:
    """Approve a proposed change: it is in force from now and the previous version stops now.

    Afterwards every account holding the profile (directly or through inclusion) is checked
    against segregation of duties."""
    require(actor, "access.view_profileversion")
    version = _decide_lock(version, actor)
    profile = _lock(version.profile)
    if profile.status != ProfileStatus.ACTIVE:
        raise ValidationError(_("Only a change to an active profile can be approved."))
    _check_content(
        profile,
        list(version.rights.select_related("system")),
        list(version.includes.select_related("system")),
    )
    previous = selectors.version_in_force(profile)
    before = {
        "status": version.status,
        "in_force": content_snapshot(previous) if previous is not None else None,
    }
    now = timezone.now()
    if previous is not None:
        previous.in_force_to = now
        previous.save(update_fields=["in_force_to", "updated_at"])
    version.status = VersionStatus.APPROVED
    version.in_force_from, version.decided_by, version.decided_at = now, actor, now
    version.save()
    after = {
        "status": version.status,
        "in_force": content_snapshot(version),
        "replaced": {"number": previous.number, "in_force_to": now} if previous is not None else None,
    }
    audit_record(
        event=AccessEvent.PROFILE_CHANGE_APPROVED,
        actor=actor,
        obj=version,
        before=before,
        after=after,
        reason=reason,
    )
    _sod_check(profile, actor)
    return version


@transaction.atomic
def profile_change_reject(*, version: ProfileVersion, actor: Any, reason: str = "") -> ProfileVersion:
    """Reject a proposed change; the version is kept as rejected."""
    require(actor, "access.view_profileversion")
    version = _decide_lock(version, actor)
    before = {"status": version.status}
    now = timezone.now()
    version.status = VersionStatus.REJECTED
    version.decided_by, version.decided_at = actor, now
    version.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    audit_record(
        event=AccessEvent.PROFILE_CHANGE_REJECTED,
        actor=actor,
        obj=version,
        before=before,
        after={"status": version.status, "decided_at": now},
        reason=reason,
    )
    return version


def _status_change(profile: Profile, new: str, actor: Any, reason: str) -> Profile:
    save_fields(profile, event=AccessEvent.PROFILE_STATUS_CHANGED, actor=actor, reason=reason, status=new)
    return profile


@transaction.atomic
def profile_deprecate(*, profile: Profile, actor: Any, reason: str = "") -> Profile:
    """Active → deprecated: it keeps granting what it grants, but no new requests are taken."""
    require(actor, "access.change_profile")
    profile = _lock(profile)
    if profile.status != ProfileStatus.ACTIVE:
        raise ValidationError(_("Only an active profile can be deprecated."))
    return _status_change(profile, ProfileStatus.DEPRECATED, actor, reason)


@transaction.atomic
def profile_retire(*, profile: Profile, actor: Any, reason: str = "") -> Profile:
    """Deprecated → retired; refused while any assignment of it is valid today or later, or while
    a profile in use includes it."""
    require(actor, "access.change_profile")
    profile = _lock(profile)
    if profile.status != ProfileStatus.DEPRECATED:
        raise ValidationError(_("Only a deprecated profile can be retired."))
    count = selectors.assignments_from(profile=profile)
    if count:
        raise ValidationError(
            ngettext(
                "%(count)d assignment of this profile is valid today or later; end it first.",
                "%(count)d assignments of this profile are valid today or later; end them first.",
                count,
            )
            % {"count": count}
        )
    parents = selectors.included_by([profile.pk], timezone.now())[profile.pk]
    users = Profile.objects.filter(pk__in=parents).exclude(status=ProfileStatus.RETIRED)
    if users.exists():
        raise ValidationError(
            _("These profiles include it: %(profiles)s; remove it from them first.")
            % {"profiles": _names(users.select_related("system"))}
        )
    return _status_change(profile, ProfileStatus.RETIRED, actor, reason)
