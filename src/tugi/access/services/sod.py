"""Segregation of duties: violations found and resolved (policies and exceptions are added here too)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tugi.core.audit import audit_record
from tugi.core.crud import refuse_unknown, save_new
from tugi.core.permissions import can, require
from tugi.core.roles import Role, has_role

from ..audit_events import AccessEvent
from ..models import Account, EmploymentStatus, SodException, SodPolicy, SodViolation
from ..sod import conflicts_of


@transaction.atomic
def violations_record(
    *, account_ids: Iterable[int], actor: Any, day: dt.date | None = None
) -> list[SodViolation]:
    """Check the accounts against every active policy: open a violation for each policy newly broken
    (without a valid exception) and resolve open ones no longer broken. Returns the open violations."""
    day = day or timezone.localdate()
    now = timezone.now()
    still_open: list[SodViolation] = []
    for account in Account.objects.filter(pk__in=list(account_ids)):
        broken = {c["policy"]: c for c in conflicts_of(account, day) if not c["exception"]}
        open_now = {
            v.policy.code: v
            for v in SodViolation.objects.filter(account=account, resolved_at__isnull=True).select_related(
                "policy"
            )
        }
        for code, violation in open_now.items():
            if code not in broken:
                violation.resolved_at = now
                violation.save(update_fields=["resolved_at", "updated_at"])
                audit_record(
                    event=AccessEvent.SOD_VIOLATION_RESOLVED,
                    actor=actor,
                    obj=violation,
                    before={"resolved_at": None},
                    after={"resolved_at": now},
                )
            else:
                still_open.append(violation)
        for code, conflict in broken.items():
            if code in open_now:
                continue
            from ..models import SodPolicy

            violation = SodViolation.objects.create(
                policy=SodPolicy.objects.get(code=code), account=account, detected_at=now, details=conflict
            )
            audit_record(event=AccessEvent.SOD_VIOLATION_FOUND, actor=actor, obj=violation, after=conflict)
            still_open.append(violation)
    return still_open


# --- policies, exceptions, the scan (sod topic) --------------------------------------------------

POLICY_FIELDS = ("code", "name", "description", "active")
POLICY_SIDES = ("rights_a", "profiles_a", "rights_b", "profiles_b")
EXCEPTION_MAX_DAYS = 365


def _check_sides(sides: dict[str, list[Any]]) -> None:
    errors: dict[str, str] = {}
    if not (sides["rights_a"] or sides["profiles_a"]):
        errors["rights_a"] = _("Side A needs at least one right or profile.")
    if not (sides["rights_b"] or sides["profiles_b"]):
        errors["rights_b"] = _("Side B needs at least one right or profile.")
    both_rights = {r.pk for r in sides["rights_a"]} & {r.pk for r in sides["rights_b"]}
    both_profiles = {p.pk for p in sides["profiles_a"]} & {p.pk for p in sides["profiles_b"]}
    if both_rights:
        errors["rights_b"] = _("A right cannot be on both sides.")
    if both_profiles:
        errors["profiles_b"] = _("A profile cannot be on both sides.")
    if errors:
        raise ValidationError(errors)


def _snapshot(policy: SodPolicy) -> dict[str, Any]:
    data = policy.audit_snapshot()
    for side in POLICY_SIDES:
        data[side] = sorted(getattr(policy, side).values_list("pk", flat=True))
    return data


def _apply(policy: SodPolicy, values: dict[str, Any]) -> dict[str, list[Any]]:
    refuse_unknown(values, [*POLICY_FIELDS, *POLICY_SIDES])
    for name in POLICY_FIELDS:
        if name in values:
            value = values[name]
            setattr(policy, name, value.strip() if isinstance(value, str) else value)
    if policy.pk is None:
        return {side: list(values.get(side) or []) for side in POLICY_SIDES}
    return {
        side: list(values[side]) if side in values else list(getattr(policy, side).all())
        for side in POLICY_SIDES
    }


@transaction.atomic
def sod_policy_create(*, actor: Any, reason: str = "", **values: Any) -> SodPolicy:
    """A policy: rights and profiles on two sides that must not meet in one person."""
    require(actor, "access.add_sodpolicy")
    policy = SodPolicy()
    sides = _apply(policy, values)
    _check_sides(sides)
    policy.full_clean()
    policy.save()
    for side, items in sides.items():
        getattr(policy, side).set(items)
    audit_record(
        event=AccessEvent.SOD_POLICY_CREATED, actor=actor, obj=policy, after=_snapshot(policy), reason=reason
    )
    return policy


@transaction.atomic
def sod_policy_update(*, policy: SodPolicy, actor: Any, reason: str = "", **values: Any) -> SodPolicy:
    require(actor, "access.change_sodpolicy")
    policy = SodPolicy.objects.select_for_update().get(pk=policy.pk)
    before = _snapshot(policy)
    sides = _apply(policy, values)
    _check_sides(sides)
    policy.full_clean()
    policy.save()
    for side, items in sides.items():
        getattr(policy, side).set(items)
    after = _snapshot(policy)
    if after != before:
        audit_record(
            event=AccessEvent.SOD_POLICY_UPDATED,
            actor=actor,
            obj=policy,
            before=before,
            after=after,
            reason=reason,
        )
    return policy


def may_grant_exception(actor: Any) -> bool:
    """Exceptions are granted by information security or an administrator."""
    return bool(
        can(actor, "access.add_sodexception")
        and (actor.is_superuser or has_role(actor, Role.SECURITY) or has_role(actor, Role.ADMIN))
    )


@transaction.atomic
def sod_exception_grant(
    *,
    policy: SodPolicy,
    account: Account,
    justification: str,
    valid_to: dt.date | None,
    actor: Any,
    reason: str = "",
) -> SodException:
    """Let one account break one policy until ``valid_to`` (at most a year ahead), with a
    justification. The account's open violation of the policy is resolved at once."""
    require(actor, "access.add_sodexception")
    if not may_grant_exception(actor):
        raise PermissionDenied(_("Only information security or an administrator can grant an exception."))
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if not (justification or "").strip():
        errors["justification"] = _("Say why the account may break the policy.")
    if valid_to is None:
        errors["valid_to"] = _("An exception needs an expiry date.")
    elif valid_to < today:
        errors["valid_to"] = _("The expiry date cannot be in the past.")
    elif valid_to > today + dt.timedelta(days=EXCEPTION_MAX_DAYS):
        errors["valid_to"] = _("An exception can last at most a year (until %(day)s).") % {
            "day": (today + dt.timedelta(days=EXCEPTION_MAX_DAYS)).strftime("%d.%m.%Y")
        }
    if account.user_id is not None and account.user_id == actor.pk:
        errors["account"] = _("You cannot grant an exception for yourself.")
    if errors:
        raise ValidationError(errors)
    exception = SodException(
        policy=policy,
        account=account,
        justification=justification.strip(),
        valid_from=today,
        valid_to=valid_to,
        approved_by=actor,
    )
    save_new(exception, event=AccessEvent.SOD_EXCEPTION_GRANTED, actor=actor, reason=reason)
    if SodViolation.objects.filter(policy=policy, account=account, resolved_at__isnull=True).exists():
        violations_record(account_ids=[account.pk], actor=actor, day=today)
    return exception


def sod_scan(*, actor: Any, day: dt.date | None = None, progress: Any = None) -> dict[str, int]:
    """Check every employed account (and every account with an open violation) against the active
    policies: new violations are opened, those no longer broken are resolved."""
    require(actor, "access.change_sodviolation")
    day = day or timezone.localdate()
    ids = set(Account.objects.filter(status=EmploymentStatus.ACTIVE).values_list("pk", flat=True))
    ids |= set(SodViolation.objects.filter(resolved_at__isnull=True).values_list("account_id", flat=True))
    open_before = set(SodViolation.objects.filter(resolved_at__isnull=True).values_list("pk", flat=True))
    ordered = sorted(ids)
    chunk = 200
    for start in range(0, len(ordered), chunk):
        violations_record(account_ids=ordered[start : start + chunk], actor=actor, day=day)
        if progress is not None:
            done = min(start + chunk, len(ordered))
            progress.update(percent=int(done * 100 / max(1, len(ordered))), step=_("Checking accounts"))
    open_after = set(SodViolation.objects.filter(resolved_at__isnull=True).values_list("pk", flat=True))
    return {
        "accounts": len(ordered),
        "open": len(open_after),
        "found": len(open_after - open_before),
        "resolved": len(open_before - open_after),
    }
