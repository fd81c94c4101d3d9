"""Readiness checks of an environment: health URL answers, the deployed version is the expected
one, the last clone is recent enough, flags are as the delivery expects, UAT test accounts hold
the tickets' required profiles. Each run is kept (``ReadinessCheck``) with one audit event.

The HTTP probes run before the database transaction, with short timeouts, so a hanging
environment never holds a transaction open.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tugi.core.audit import audit_record
from tugi.core.permissions import require

from .. import selectors_environments as sel
from ..audit_events_environments import EnvironmentEvent
from ..models import CheckResult, Environment, EnvironmentKind, EnvironmentStatus, FlagState, ReadinessCheck

#: Seconds a probe waits for the health or version URL (settings: TUGI_READINESS_TIMEOUT).
DEFAULT_TIMEOUT = 3.0
#: A UAT environment cloned longer ago than this many days is not current (TUGI_CLONE_MAX_AGE_DAYS).
DEFAULT_CLONE_MAX_AGE_DAYS = 30


def clone_max_age_days() -> int:
    return int(getattr(settings, "TUGI_CLONE_MAX_AGE_DAYS", DEFAULT_CLONE_MAX_AGE_DAYS))


def probe_timeout() -> float:
    return float(getattr(settings, "TUGI_READINESS_TIMEOUT", DEFAULT_TIMEOUT))


@dataclass
class Probe:
    ok: bool
    status: int | None
    body: str
    error: str

    @property
    def detail(self) -> str:
        if self.status is not None:
            return f"HTTP {self.status}"
        return _("no answer: %(error)s") % {"error": self.error}


def probe(url: str, timeout: float) -> Probe:
    """GET ``url``: ok for a 2xx answer. Never raises; a refused or slow URL is ``ok=False``."""
    if not url.lower().startswith(("http://", "https://")):
        return Probe(False, None, "", _("not an HTTP URL"))
    request = urllib.request.Request(url, headers={"Accept": "application/json, text/plain"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only
            body = response.read(4096).decode("utf-8", "replace")
            return Probe(200 <= response.status < 300, response.status, body, "")
    except urllib.error.HTTPError as exc:
        return Probe(False, exc.code, "", str(exc.reason))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return Probe(False, None, "", str(reason)[:200] or type(exc).__name__)


def parse_version(body: str) -> str:
    """The version in a version URL's answer: JSON ``{"version": ...}`` or the first line of text."""
    text = body.strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            return ""
        value = data.get("version") if isinstance(data, dict) else None
        return str(value).strip()[:100] if value is not None else ""
    return text.splitlines()[0].strip()[:100] if text else ""


def _item(check: str, ok: bool, detail: str, *, warning: bool = False) -> dict[str, Any]:
    item: dict[str, Any] = {"check": check, "ok": ok, "detail": detail}
    if warning:
        item["warning"] = True
    return item


def _result(items: list[dict[str, Any]]) -> str:
    if any(not i["ok"] and not i.get("warning") for i in items):
        return CheckResult.FAILED
    if any(i.get("warning") for i in items):
        return CheckResult.WARNING
    return CheckResult.PASSED


def evaluate(
    environment: Environment, delivery: Any = None, *, timeout: float | None = None
) -> tuple[list[dict[str, Any]], str]:
    """The check items of ``environment`` (probing its URLs) and the version found."""
    timeout = probe_timeout() if timeout is None else timeout
    items: list[dict[str, Any]] = []
    if environment.health_url:
        health = probe(environment.health_url, timeout)
        items.append(_item("health", health.ok, health.detail))
    else:
        items.append(_item("health", False, _("The environment has no health URL.")))

    explicit = delivery is not None
    if delivery is None:
        delivery = sel.delivery_expected_in(environment)
    expected = str(getattr(delivery, "version", "") or "")
    found = ""
    if environment.version_url:
        answer = probe(environment.version_url, timeout)
        found = parse_version(answer.body) if answer.ok else ""
        if not answer.ok:
            items.append(
                _item("version", False, _("The version URL does not answer (%(d)s).") % {"d": answer.detail})
            )
        elif not expected:
            items.append(
                _item(
                    "version",
                    True,
                    _("Deployed %(v)s; no delivery to compare with.") % {"v": found or "?"},
                    warning=True,
                )
            )
        elif found == expected:
            items.append(_item("version", True, _("Deployed %(v)s as expected.") % {"v": found}))
        else:
            items.append(
                _item(
                    "version",
                    False,
                    _("Deployed %(found)s, expected %(expected)s.")
                    % {"found": found or "?", "expected": expected},
                )
            )
    else:
        items.append(_item("version", False, _("The environment has no version URL."), warning=not expected))

    if environment.kind == EnvironmentKind.UAT:
        limit = clone_max_age_days()
        if environment.last_clone_date is None:
            items.append(_item("clone", False, _("Never cloned from production.")))
        else:
            age = (timezone.localdate() - environment.last_clone_date).days
            if age > limit:
                items.append(
                    _item(
                        "clone",
                        False,
                        _("Last cloned %(days)s days ago (at most %(limit)s allowed).")
                        % {"days": age, "limit": limit},
                    )
                )
            else:
                items.append(_item("clone", True, _("Last cloned %(days)s days ago.") % {"days": age}))

    if environment.kind == EnvironmentKind.UAT:
        # an explicitly named delivery alone; otherwise every delivery now in UAT
        deliveries = [delivery] if explicit else sel.deliveries_in_uat(environment, delivery)
        items.extend(_flag_items(environment, deliveries))
        items.extend(_account_items(deliveries))
    return items, found


def _flag_items(environment: Environment, deliveries: list[Any]) -> list[dict[str, Any]]:
    expectations = sorted({e for d in deliveries for e in sel.delivery_flag_expectations(d)})
    if not expectations:
        return []
    states = {
        s.flag.key: s
        for s in FlagState.objects.filter(
            environment=environment, flag__key__in=[k for k, _e in expectations]
        ).select_related("flag")
    }
    wrong = []
    for key, want in expectations:
        state = states.get(key)
        have = bool(state and state.enabled)
        if have != want:
            wrong.append(
                f"{key} ({_('on') if have else _('off')}, {_('expected')} {_('on') if want else _('off')})"
            )
    if wrong:
        return [_item("flags", False, _("Flags not as expected: %(list)s") % {"list": ", ".join(wrong)})]
    return [_item("flags", True, _("%(n)s flags as expected.") % {"n": len(expectations)})]


def _account_items(deliveries: list[Any]) -> list[dict[str, Any]]:
    from tugi.access import selectors as access

    profiles = list({p.pk: p for d in deliveries for p in sel.delivery_required_profiles(d)}.values())
    if not profiles:
        return []
    holding = access.test_accounts_holding([p.pk for p in profiles])
    missing = [access.profile_label(p) for p in profiles if not holding.get(p.pk)]
    if missing:
        return [
            _item(
                "test_accounts",
                False,
                _("No UAT test account holds: %(list)s") % {"list": ", ".join(missing)},
            )
        ]
    return [
        _item(
            "test_accounts",
            True,
            _("UAT test accounts hold all %(n)s required profiles.") % {"n": len(profiles)},
        )
    ]


def readiness_run(
    *,
    environment: Environment,
    actor: Any,
    delivery: Any = None,
    timeout: float | None = None,
    reason: str = "",
) -> ReadinessCheck:
    """Run the readiness checks of ``environment`` now, keep the result and update the
    environment's status (down when the health URL fails, degraded when another check fails,
    ready otherwise; an environment in maintenance stays so)."""
    require(actor, "delivery.add_readinesscheck")
    started = timezone.now()
    items, found = evaluate(environment, delivery, timeout=timeout)
    result = _result(items)
    with transaction.atomic():
        env = Environment.objects.select_for_update().get(pk=environment.pk)
        if delivery is None:
            delivery = sel.delivery_expected_in(env)
        check = ReadinessCheck(
            environment=env,
            started_at=started,
            finished_at=timezone.now(),
            result=result,
            items=items,
            version_found=found,
            triggered_by=actor,
        )
        if delivery is not None and hasattr(check, "delivery_id"):
            check.delivery = delivery
        check.full_clean()
        check.save()
        health_ok = next((i["ok"] for i in items if i["check"] == "health"), False)
        new_status = env.status
        if env.status != EnvironmentStatus.MAINTENANCE:
            if not health_ok:
                new_status = EnvironmentStatus.DOWN
            elif result == CheckResult.FAILED:
                new_status = EnvironmentStatus.DEGRADED
            else:
                new_status = EnvironmentStatus.READY
        before_status = env.status
        if new_status != env.status:
            env.status = new_status
            env.save(update_fields=["status", "updated_at"])
        audit_record(
            event=EnvironmentEvent.READINESS_CHECKED,
            actor=actor,
            obj=env,
            before={"status": before_status},
            after={"status": env.status, "result": result, "check": check.pk, "items": items},
            reason=reason,
        )
    environment.refresh_from_db()
    return check


def readiness_run_all(*, actor: Any, reason: str = "") -> list[ReadinessCheck]:
    """Run the checks of every environment (the scheduled job)."""
    return [
        readiness_run(environment=env, actor=actor, reason=reason)
        for env in Environment.objects.order_by("system", "kind", "name")
    ]
