"""The UAT readiness check of a ticket and its override.

A ticket is ready for UAT when:

1. **description** — the business description is present and says what to test: at least
   ``MIN_WORDS`` words, and either a cue word that asks to test something (``test``, ``check``,
   ``verify``, ``expected``, ``kontrolli``, ``testi``, ``veendu``, ``oodatav`` …), a
   Given / When / Then (Eeldus / Kui / Siis) scenario, or a bullet or numbered list of steps;
2. **flags** — every flag the ticket names exists in the ticket's system and its state in every
   UAT environment of that system is the one the ticket expects (no state row = off);
3. **roles** — every required role is an active profile and at least one UAT test account holds
   it (test accounts: see ``tugi.access.selectors.TEST_ACCOUNT_PREFIXES``);
4. **delivery** — the ticket belongs to a delivery that has been deployed in UAT (its UAT date
   has an actual date, today or earlier).

Each run is stored (``UatCheck``) with its time and items as evidence.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tugi.core.audit import audit_record
from tugi.core.permissions import require

from ..audit_events_deliveries import DeliveryEvent
from ..models import DeliveryStage, Environment, EnvironmentKind, FeatureFlag, FlagState, Ticket, UatCheck

MIN_WORDS = 12
MIN_OVERRIDE_REASON = 10

CUE_WORDS = (
    "test",
    "check",
    "verify",
    "ensure",
    "expected",
    "kontroll",
    "testi",
    "veendu",
    "oodatav",
    "oodata",
    "eeldatav",
)
SCENARIO = re.compile(r"^\s*(given|when|then|eeldus|kui|siis)\b", re.IGNORECASE | re.MULTILINE)
BULLETS = re.compile(r"^\s*([-*•]|\d+[.)])\s+\S", re.MULTILINE)


def description_verdict(text: str) -> tuple[bool, str]:
    """Does the business description say what to test? (ok, explanation)."""
    text = (text or "").strip()
    if not text:
        return False, _("The business description is missing.")
    words = len(re.findall(r"\w+", text))
    if words < MIN_WORDS:
        return False, _("The business description is too short: %(n)d words, at least %(min)d needed.") % {
            "n": words,
            "min": MIN_WORDS,
        }
    lowered = text.lower()
    if any(cue in lowered for cue in CUE_WORDS) or SCENARIO.search(text) or BULLETS.search(text):
        return True, _("Present, %(n)d words, says what to test.") % {"n": words}
    return False, _(
        "The business description does not say what to test "
        "(no test steps, Given/When/Then or words like check / kontrolli)."
    )


def _flag_items(ticket: Ticket) -> list[dict[str, Any]]:
    expectations = list(ticket.flags.all())
    if not expectations:
        return [{"check": "flags", "ok": True, "detail": _("The ticket names no feature flags.")}]
    envs = list(Environment.objects.filter(system=ticket.system, kind=EnvironmentKind.UAT).order_by("name"))
    flags = {
        f.key: f
        for f in FeatureFlag.objects.filter(system=ticket.system, key__in=[e.flag_key for e in expectations])
    }
    states = {
        (s.flag_id, s.environment_id): s
        for s in FlagState.objects.filter(flag__in=flags.values(), environment__in=envs)
    }
    items = []
    for expected in expectations:
        want = _("on") if expected.expected_enabled else _("off")
        flag = flags.get(expected.flag_key)
        name = f"flag:{expected.flag_key}"
        if flag is None:
            items.append(
                {
                    "check": name,
                    "ok": False,
                    "detail": _("Flag %(key)s does not exist in %(system)s.")
                    % {"key": expected.flag_key, "system": ticket.system},
                }
            )
            continue
        if not envs:
            items.append(
                {
                    "check": name,
                    "ok": False,
                    "detail": _("%(system)s has no UAT environment.") % {"system": ticket.system},
                }
            )
            continue
        wrong = []
        for env in envs:
            state = states.get((flag.pk, env.pk))
            enabled = bool(state and state.enabled)
            if enabled != expected.expected_enabled:
                wrong.append(f"{env.name}: {_('on') if enabled else _('off')}")
        if wrong:
            detail = _("Expected %(want)s in UAT, but %(found)s.") % {"want": want, "found": "; ".join(wrong)}
        else:
            detail = _("%(want)s in UAT as expected.") % {"want": want}
        items.append({"check": name, "ok": not wrong, "detail": detail})
    return items


def _role_items(ticket: Ticket) -> list[dict[str, Any]]:
    from tugi.access.selectors import profile_is_active, profile_label, test_accounts_holding

    profiles = list(ticket.required_profiles.select_related("system"))
    if not profiles:
        return [{"check": "roles", "ok": True, "detail": _("The ticket names no required roles.")}]
    holders = test_accounts_holding([p.pk for p in profiles])
    items = []
    for profile in profiles:
        name = f"role:{profile_label(profile)}"
        if not profile_is_active(profile):
            items.append(
                {
                    "check": name,
                    "ok": False,
                    "detail": _("Profile %(p)s is not active.") % {"p": profile_label(profile)},
                }
            )
        elif not holders.get(profile.pk):
            items.append(
                {
                    "check": name,
                    "ok": False,
                    "detail": _("No UAT test account holds %(p)s.") % {"p": profile_label(profile)},
                }
            )
        else:
            items.append(
                {
                    "check": name,
                    "ok": True,
                    "detail": _("Held by test accounts: %(names)s.")
                    % {"names": ", ".join(holders[profile.pk][:5])},
                }
            )
    return items


def _delivery_item(ticket: Ticket) -> dict[str, Any]:
    from ..selectors_deliveries import deployed_in

    if ticket.delivery is None:
        return {"check": "delivery", "ok": False, "detail": _("The ticket belongs to no delivery.")}
    row = deployed_in(ticket.delivery, DeliveryStage.UAT)
    if row is None:
        return {
            "check": "delivery",
            "ok": False,
            "detail": _("Delivery %(d)s is not deployed in UAT yet.") % {"d": ticket.delivery},
        }
    return {
        "check": "delivery",
        "ok": True,
        "detail": _("Delivery %(d)s deployed in UAT on %(date)s.")
        % {"d": ticket.delivery, "date": row.actual_date.strftime("%d.%m.%Y")},  # type: ignore[union-attr]
    }


def evaluate(ticket: Ticket) -> list[dict[str, Any]]:
    ok, detail = description_verdict(ticket.business_description)
    return [
        {"check": "description", "ok": ok, "detail": detail},
        *_flag_items(ticket),
        *_role_items(ticket),
        _delivery_item(ticket),
    ]


@transaction.atomic
def uat_check_run(*, ticket: Ticket, actor: Any, reason: str = "") -> UatCheck:
    """Check the ticket's readiness for UAT now and keep the result as evidence."""
    require(actor, "delivery.add_uatcheck")
    items = evaluate(ticket)
    check = UatCheck(
        ticket=ticket,
        checked_by=actor,
        checked_at=timezone.now(),
        items=items,
        passed=all(i["ok"] for i in items),
    )
    check.full_clean()
    check.save()
    audit_record(
        event=DeliveryEvent.UAT_CHECKED,
        actor=actor,
        obj=ticket,
        after={
            "check": check.pk,
            "passed": check.passed,
            "failed": [i["check"] for i in items if not i["ok"]],
        },
        reason=reason,
    )
    return check


@transaction.atomic
def uat_check_override(*, check: UatCheck, reason: str, actor: Any) -> UatCheck:
    """Accept a failed check with a written reason, so that the ticket may be routed anyway."""
    require(actor, "delivery.change_uatcheck")
    check = UatCheck.objects.select_for_update().get(pk=check.pk)
    latest = check.ticket.uat_checks.order_by("-checked_at", "-pk").first()
    if latest is None or latest.pk != check.pk:
        raise ValidationError(_("Only the latest check can be overridden; run the check again."))
    if check.passed:
        raise ValidationError(_("The check passed; there is nothing to override."))
    if check.override_reason:
        raise ValidationError(_("The check is overridden already."))
    reason = (reason or "").strip()
    if len(reason) < MIN_OVERRIDE_REASON:
        raise ValidationError(
            {
                "reason": _("Write why the ticket may be tested anyway (at least %(n)d characters).")
                % {"n": MIN_OVERRIDE_REASON}
            }
        )
    check.override_reason, check.overridden_by, check.overridden_at = reason, actor, timezone.now()
    check.save(update_fields=["override_reason", "overridden_by", "overridden_at", "updated_at"])
    audit_record(
        event=DeliveryEvent.UAT_OVERRIDDEN,
        actor=actor,
        obj=check.ticket,
        after={"check": check.pk, "failed": [i["check"] for i in check.items if not i["ok"]]},
        reason=reason,
    )
    return check
