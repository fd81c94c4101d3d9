"""The go / no-go checklist of a delivery, computed from the evidence, and the release-evidence
snapshot a decision stores.

Checklist of a planned delivery (a hotfix skips the items marked *):

* ``tickets_tested`` — every ticket (except cancelled) is tested: status passed, accepted or done,
  or the testing evidence says so;
* ``no_open_critical`` — no open critical defect;
* ``high_signed_off`` * — every open high defect is signed off;
* ``regression`` * — a regression run that passed is recorded (sign-off with evidence link);
* ``uat_signoff`` * — the ordering party signed UAT off (recorded);
* ``prod_readiness`` — the latest readiness check of the system's production environment passed;
* ``rollback_plan`` — the delivery has a rollback plan.

**Seam for the testing area.** Until it exists, ticket status and ``TicketLink`` rows (test runs
with ``passed``, defects with severity and open / closed) are the evidence. The testing area can
register providers in ``EVIDENCE_PROVIDERS``: ``provider(ticket) -> dict | None`` returning
``{"tested": bool, "runs": [...], "defects": [{"title", "severity", "open", "signed_off"}]}``;
the first non-None answer replaces the link-based evidence of that ticket.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tugi.core.audit import to_json
from tugi.core.selectors import get_restricted

from .models import (
    CheckResult,
    DefectSeverity,
    Delivery,
    DeliveryKind,
    DeliverySignoff,
    Environment,
    EnvironmentKind,
    GoDecision,
    LinkKind,
    ReadinessCheck,
    SignoffKind,
    Ticket,
    TicketStatus,
)
from .models.deliveries import TICKET_FINISHED

EVIDENCE_PROVIDERS: list[Callable[[Ticket], dict[str, Any] | None]] = []

HOTFIX_SKIPS = ("high_signed_off", "regression", "uat_signoff")

#: Where a head of department must co-approve a Go: planned deliveries of SKAIS (the system that
#: pays pensions and benefits). Hotfixes, STAR and No-go / Defer decisions need no co-approval.
CO_APPROVAL_SYSTEMS = ("SKAIS",)


def co_approval_required(delivery: Delivery, decision: str) -> bool:
    return (
        decision == "go" and delivery.kind == DeliveryKind.PLANNED and delivery.system in CO_APPROVAL_SYSTEMS
    )


def _link_evidence(ticket: Ticket) -> dict[str, Any]:
    links = list(ticket.links.all())
    return {
        "tested": ticket.status in TICKET_FINISHED,
        "runs": [
            {"title": link.title, "url": link.url, "passed": link.passed}
            for link in links
            if link.kind == LinkKind.TEST_RUN
        ],
        "defects": [
            {
                "title": link.title,
                "url": link.url,
                "severity": link.severity,
                "open": link.is_open,
                "signed_off": link.signed_off_at is not None,
                "sign_off_note": link.sign_off_note,
            }
            for link in links
            if link.kind == LinkKind.DEFECT
        ],
    }


def ticket_evidence(ticket: Ticket) -> dict[str, Any]:
    for provider in EVIDENCE_PROVIDERS:
        found = provider(ticket)
        if found is not None:
            return found
    return _link_evidence(ticket)


def _prod_readiness(delivery: Delivery) -> tuple[bool, str, list[dict[str, Any]]]:
    envs = list(Environment.objects.filter(system=delivery.system, kind=EnvironmentKind.PROD))
    if not envs:
        return False, _("%(system)s has no production environment.") % {"system": delivery.system}, []
    found = []
    ok = True
    parts = []
    for env in envs:
        check = ReadinessCheck.objects.filter(environment=env).order_by("-started_at", "-pk").first()
        if check is None:
            ok = False
            parts.append(_("%(env)s: never checked") % {"env": env.name})
            continue
        found.append(
            {
                "environment": env.name,
                "started_at": check.started_at,
                "result": check.result,
                "items": check.items,
            }
        )
        if check.result == CheckResult.FAILED:
            ok = False
        parts.append(
            f"{env.name}: {check.get_result_display()} "
            f"({timezone.localtime(check.started_at).strftime('%d.%m.%Y %H:%M')})"
        )
    return ok, "; ".join(parts), found


def checklist(delivery: Delivery) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The checklist items ``{key, label, ok, detail}`` and the evidence they rest on."""
    tickets = list(
        delivery.tickets.exclude(status=TicketStatus.CANCELLED)
        .prefetch_related("links")
        .select_related("tester")
    )
    evidence = {t.key: ticket_evidence(t) for t in tickets}
    untested = [t.key for t in tickets if not evidence[t.key]["tested"]]
    defects = [(key, d) for key, e in evidence.items() for d in e["defects"]]
    critical = [
        f"{key}: {d['title']}" for key, d in defects if d["open"] and d["severity"] == DefectSeverity.CRITICAL
    ]
    high = [
        f"{key}: {d['title']}"
        for key, d in defects
        if d["open"] and d["severity"] == DefectSeverity.HIGH and not d["signed_off"]
    ]
    signoffs = list(delivery.signoffs.select_related("recorded_by"))
    regression = [s for s in signoffs if s.kind == SignoffKind.REGRESSION]
    uat = [s for s in signoffs if s.kind == SignoffKind.UAT]
    prod_ok, prod_detail, readiness = _prod_readiness(delivery)

    def listed(keys: list[str]) -> str:
        return ", ".join(keys[:15]) + (" …" if len(keys) > 15 else "")

    items = [
        {
            "key": "tickets_tested",
            "label": _("Every ticket is tested and passed or accepted"),
            "ok": bool(tickets) and not untested,
            "detail": (
                _("No tickets in the delivery.")
                if not tickets
                else _("Not yet: %(keys)s") % {"keys": listed(untested)}
            )
            if (untested or not tickets)
            else _("%(n)d tickets tested.") % {"n": len(tickets)},
        },
        {
            "key": "no_open_critical",
            "label": _("No open critical defect"),
            "ok": not critical,
            "detail": _("Open: %(list)s") % {"list": listed(critical)} if critical else _("None open."),
        },
        {
            "key": "high_signed_off",
            "label": _("Open high defects are signed off"),
            "ok": not high,
            "detail": _("Not signed off: %(list)s") % {"list": listed(high)} if high else _("None waiting."),
        },
        {
            "key": "regression",
            "label": _("The regression run passed"),
            "ok": bool(regression),
            "detail": _signoff_detail(regression),
        },
        {
            "key": "uat_signoff",
            "label": _("UAT signed off by the ordering party"),
            "ok": bool(uat),
            "detail": _signoff_detail(uat),
        },
        {
            "key": "prod_readiness",
            "label": _("Production is ready"),
            "ok": prod_ok,
            "detail": prod_detail,
        },
        {
            "key": "rollback_plan",
            "label": _("A rollback plan exists"),
            "ok": bool(delivery.rollback_plan.strip()),
            "detail": delivery.rollback_plan.strip()[:200] or _("Missing."),
        },
    ]
    if delivery.kind == DeliveryKind.HOTFIX:
        items = [i for i in items if i["key"] not in HOTFIX_SKIPS]
    data = {
        "tickets": [
            {
                "key": t.key,
                "title": t.title,
                "status": t.status,
                "status_changed_at": t.status_changed_at,
                "tester": t.tester.get_username() if t.tester else None,
                "evidence": evidence[t.key],
            }
            for t in tickets
        ],
        "signoffs": [
            {
                "kind": s.kind,
                "signed_by": s.signed_by,
                "evidence_url": s.evidence_url,
                "note": s.note,
                "recorded_at": s.recorded_at,
                "recorded_by": s.recorded_by.get_username(),
            }
            for s in signoffs
        ],
        "production_readiness": readiness,
    }
    return items, data


def _signoff_detail(rows: list[DeliverySignoff]) -> str:
    if not rows:
        return _("Not recorded.")
    s = rows[0]
    return f"{s.signed_by}, {timezone.localtime(s.recorded_at).strftime('%d.%m.%Y')}" + (
        f" · {s.evidence_url}" if s.evidence_url else ""
    )


def canonical_json(data: Any) -> bytes:
    return json.dumps(to_json(data), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256_of(data: Any) -> str:
    return hashlib.sha256(canonical_json(data)).hexdigest()


def decisions(*, delivery: Delivery) -> list[GoDecision]:
    return list(delivery.decisions.select_related("decided_by", "co_approved_by"))


def decision_get(*, user: Any, pk: Any, action: str = "view") -> GoDecision:
    return get_restricted(
        GoDecision.objects.select_related("delivery", "decided_by", "co_approved_by"), user, action, pk=pk
    )


def waiting_for_decision(*, user: Any) -> list[Delivery]:
    """Deliveries in UAT or approved without a final Go, for the desk."""
    from .models import DeliveryStatus

    qs = Delivery.objects.restrict(user).filter(status__in=[DeliveryStatus.IN_UAT, DeliveryStatus.APPROVED])
    out = []
    for delivery in qs.prefetch_related("decisions"):
        final = [d for d in delivery.decisions.all() if d.decision == "go" and d.is_final]
        if not final:
            out.append(delivery)
    return out
