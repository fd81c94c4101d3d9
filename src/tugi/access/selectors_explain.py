"""Reads of the explain topic: why an account can (or can't) do something, its effective rights at
any date, and the effective rights of every employed account of a system (for exports).

Every read takes the user and sees only what they may see; a missing or forbidden account,
system or right is reported alike, by the name of the field that pointed at it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from .explain import Graph, effective_rights, explain, moment, rights_by_account
from .models import Account, Assignment, EmploymentStatus, ManagedSystem, Profile, Right

REQUEST_PATH = "/access/requests/new/"  # the request form of the requests topic
PATH_SEPARATOR = " > "


# --- looking things up --------------------------------------------------------------------------


def accounts(*, user: Any) -> Any:
    return Account.objects.restrict(user).select_related("org_unit")


def systems(*, user: Any) -> Any:
    return ManagedSystem.objects.restrict(user).order_by("code")


def account_by_username(*, user: Any, username: str) -> Account:
    """The account, or ValidationError on ``account`` when it is unknown or not visible."""
    username = (username or "").strip()
    account = accounts(user=user).filter(username=username).first() if username else None
    if account is None:
        raise ValidationError({"account": _("No account with the user name %(name)s.") % {"name": username}})
    return account


def system_by_code(*, user: Any, code: str) -> ManagedSystem:
    code = (code or "").strip()
    system = systems(user=user).filter(code__iexact=code).first() if code else None
    if system is None:
        raise ValidationError({"system": _("No managed system with the code %(code)s.") % {"code": code}})
    return system


def right_by_code(*, user: Any, system: ManagedSystem, code: str) -> Right:
    code = (code or "").strip()
    right = (
        Right.objects.restrict(user).filter(system=system, code__iexact=code).select_related("system").first()
        if code
        else None
    )
    if right is None:
        raise ValidationError(
            {
                "right": _("%(system)s has no right with the code %(code)s.")
                % {"system": system.code, "code": code}
            }
        )
    return right


def parse_day(value: str | None, field: str = "at") -> dt.date | None:
    """A date given as YYYY-MM-DD (empty: None), or ValidationError naming ``field``."""
    if value is None or not str(value).strip():
        return None
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(
            {field: _("%(value)s is not a date; write it as YYYY-MM-DD.") % {"value": value}}
        ) from None


# --- explain --------------------------------------------------------------------------------------


def explanation(*, user: Any, account: Account, right: Right, at: dt.date | None) -> dict[str, Any]:
    """What ``explain.explain`` answers (the API returns exactly this)."""
    return explain(account, right, at)


def request_url(*, account: Account, profile_id: int) -> str:
    """Where to request a profile for an account (the requests topic's form)."""
    try:
        base = reverse("access:requests_new")
    except NoReverseMatch:
        base = REQUEST_PATH
    return f"{base}?{urlencode({'account': account.username, 'profile': profile_id})}"


def right_name(right: Right) -> str:
    language = (get_language() or "et").split("-")[0]
    return right.name_en if language == "en" and right.name_en else right.name_et


def explanation_for_page(*, user: Any, account: Account, right: Right, at: dt.date | None) -> dict[str, Any]:
    """The explanation with names for people: each path as steps with the profile names and the
    assignment's dates; each profile that would grant the right with a link to request it."""
    result = explanation(user=user, account=account, right=right, at=at)
    profile_ids = {s["id"] for path in result["paths"] for s in path if s["kind"] == "profile"}
    profiles = {p.pk: p for p in Profile.objects.filter(pk__in=profile_ids).select_related("system")}
    paths = []
    for path in result["paths"]:
        steps = []
        for step in path:
            if step["kind"] == "profile":
                profile = profiles.get(step["id"])
                steps.append({**step, "name": profile.name if profile else ""})
            elif step["kind"] == "right":
                steps.append({**step, "name": right_name(right)})
            else:
                steps.append(
                    {
                        **step,
                        "valid_from": dt.date.fromisoformat(step["valid_from"]),
                        "valid_to": dt.date.fromisoformat(step["valid_to"]) if step["valid_to"] else None,
                    }
                )
        paths.append(steps)
    would_grant = [
        {**w, "request_url": request_url(account=account, profile_id=w["profile_id"])}
        for w in result["would_grant"]
    ]
    return {
        **result,
        "at": dt.date.fromisoformat(result["at"]),
        "paths": paths,
        "would_grant": would_grant,
        "right_name": right_name(right),
        "sensitivity": right.get_sensitivity_display(),
    }


# --- effective rights of one account --------------------------------------------------------------


@dataclass(frozen=True)
class EffectiveRight:
    system: str
    right: Right
    assignment: Assignment
    profiles: list[Profile]

    @property
    def name(self) -> str:
        return right_name(self.right)

    @property
    def via(self) -> str:
        return PATH_SEPARATOR.join(p.code for p in self.profiles)

    def as_steps(self) -> list[dict[str, Any]]:
        """The path in the same form as an explanation's paths."""
        a = self.assignment
        return [
            {
                "kind": "assignment",
                "id": a.pk,
                "valid_from": a.valid_from.isoformat(),
                "valid_to": a.valid_to.isoformat() if a.valid_to else None,
            },
            *({"kind": "profile", "id": p.pk, "code": p.code} for p in self.profiles),
            {"kind": "right", "id": self.right.pk, "code": self.right.code},
        ]


def account_rights(
    *, user: Any, account: Account, at: dt.date | None = None, system: ManagedSystem | None = None
) -> list[EffectiveRight]:
    """The account's effective rights on ``at`` (default today; past dates use the assignments and
    profile versions of that day), each with the shortest path, by system and right code."""
    eff = effective_rights(account, at, system.pk if system else None)
    rights = {r.pk: r for r in Right.objects.filter(pk__in=list(eff.rights)).select_related("system")}
    profile_ids = {pid for _a, chain in eff.rights.values() for pid in chain}
    profiles = {p.pk: p for p in Profile.objects.filter(pk__in=profile_ids)}
    result = [
        EffectiveRight(
            system=rights[right_id].system.code,
            right=rights[right_id],
            assignment=assignment,
            profiles=[profiles[pid] for pid in chain if pid in profiles],
        )
        for right_id, (assignment, chain) in eff.rights.items()
        if right_id in rights
    ]
    return sorted(result, key=lambda r: (r.system, r.right.code))


def account_rights_by_system(rights: list[EffectiveRight]) -> list[tuple[str, list[EffectiveRight]]]:
    grouped: dict[str, list[EffectiveRight]] = {}
    for item in rights:
        grouped.setdefault(item.system, []).append(item)
    return sorted(grouped.items())


ACCOUNT_EXPORT_HEADER = (
    gettext_lazy("system"),
    gettext_lazy("right code"),
    gettext_lazy("right name"),
    gettext_lazy("sensitivity"),
    gettext_lazy("assignment valid from"),
    gettext_lazy("assignment valid to"),
    gettext_lazy("via profile"),
)


def account_rights_rows(rights: list[EffectiveRight]) -> Iterator[list[Any]]:
    for item in rights:
        yield [
            item.system,
            item.right.code,
            item.name,
            item.right.get_sensitivity_display(),
            item.assignment.valid_from,
            item.assignment.valid_to,
            item.via,
        ]


# --- effective rights of every employed account of a system ----------------------------------------

SYSTEM_EXPORT_HEADER = (
    gettext_lazy("account"),
    gettext_lazy("unit"),
    gettext_lazy("right code"),
    gettext_lazy("right name"),
    gettext_lazy("sensitivity"),
    gettext_lazy("via profile"),
)


def employed_accounts(*, user: Any, at: dt.date) -> Any:
    """Accounts employed on ``at``: active ones, and leavers who left on that day or later."""
    return accounts(user=user).filter(Q(status=EmploymentStatus.ACTIVE) | Q(left_on__gte=at))


def system_rights_rows(*, user: Any, system: ManagedSystem, at: dt.date | None = None) -> Iterator[list[Any]]:
    """One row per (employed account, effective right of ``system``) on ``at``.

    The rights come from ``explain.rights_by_account`` (a few queries for all accounts at once);
    "via profile" is the shortest chain of profiles from an assigned profile to the right, from one
    more load of the same profile graph. No query is made per account.
    """
    day = at or timezone.localdate()
    people = list(
        employed_accounts(user=user, at=day)
        .order_by("username")
        .values_list("pk", "username", "org_unit__name")
    )
    held = rights_by_account([pk for pk, _u, _n in people], day)
    rights = {r.pk: r for r in Right.objects.restrict(user).filter(system=system)}
    assigned: dict[int, list[int]] = {}
    for account_id, profile_id in (
        Assignment.objects.filter(account_id__in=list(held), profile__system=system)
        .as_of(day)
        .values_list("account_id", "profile_id")
    ):
        assigned.setdefault(account_id, []).append(profile_id)
    graph = Graph(moment(day)).load({p for ps in assigned.values() for p in ps})
    closures: dict[int, dict[int, list[int]]] = {}
    codes = dict(Profile.objects.filter(system=system).values_list("pk", "code"))
    for account_id, username, unit in people:
        mine = sorted(r for r in held.get(account_id, ()) if r in rights)
        if not mine:
            continue
        chains: dict[int, list[int]] = {}
        for profile_id in assigned.get(account_id, []):
            if profile_id not in closures:
                closures[profile_id] = graph.closure(profile_id)
            for right_id, chain in closures[profile_id].items():
                if right_id not in chains or len(chain) < len(chains[right_id]):
                    chains[right_id] = chain
        for right_id in sorted(mine, key=lambda r: rights[r].code):
            right = rights[right_id]
            chain = chains.get(right_id, [])
            yield [
                username,
                unit,
                right.code,
                right_name(right),
                right.get_sensitivity_display(),
                PATH_SEPARATOR.join(codes.get(pid, "?") for pid in chain),
            ]
