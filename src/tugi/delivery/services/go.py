"""Recording a go / no-go decision, its co-approval, and the decision's PDF.

A Go over a checklist item that is not met is an override: the decision must list the accepted
risks. Where ``selectors_go.co_approval_required`` says so (planned SKAIS deliveries), a Go is
final only when a head of department (permission ``delivery.coapprove_godecision``, not the
decider) co-approves it; a final Go moves the delivery to approved.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tugi.core.audit import audit_record
from tugi.core.permissions import require

from ..audit_events_deliveries import DeliveryEvent
from ..models import Decision, Delivery, DeliveryStatus, GoDecision


def _approve_delivery(delivery: Delivery) -> bool:
    if delivery.status == DeliveryStatus.IN_UAT:
        delivery.status = DeliveryStatus.APPROVED
        delivery.save(update_fields=["status", "updated_at"])
        return True
    return False


@transaction.atomic
def go_decide(
    *,
    delivery: Delivery,
    decision: str,
    actor: Any,
    accepted_risks: str = "",
    note: str = "",
    reason: str = "",
) -> GoDecision:
    """Record Go, No-go or Defer with the checklist computed now and a release-evidence snapshot."""
    from ..selectors_go import checklist, co_approval_required, sha256_of

    require(actor, "delivery.add_godecision")
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choose Go, No-go or Defer.")})
    if delivery.status in (DeliveryStatus.CANCELLED, DeliveryStatus.REJECTED, DeliveryStatus.DEPLOYED):
        raise ValidationError(
            _("The delivery is %(status)s; no decision can be recorded.")
            % {"status": delivery.get_status_display()}
        )
    items, data = checklist(delivery)
    failed = [i for i in items if not i["ok"]]
    accepted_risks = accepted_risks.strip()
    if decision == Decision.GO and failed and not accepted_risks:
        raise ValidationError(
            {
                "accepted_risks": _(
                    "Go over unmet items is an override: list the accepted risks (%(items)s)."
                )
                % {"items": "; ".join(str(i["label"]) for i in failed)}
            }
        )
    if decision in (Decision.NO_GO, Decision.DEFER) and not (note.strip() or reason.strip()):
        raise ValidationError({"note": _("Say why (what must happen before a Go).")})
    now = timezone.now()
    go = GoDecision(
        delivery=delivery,
        decision=decision,
        checklist=[{**i, "label": str(i["label"]), "detail": str(i["detail"])} for i in items],
        accepted_risks=accepted_risks,
        note=note.strip(),
        decided_at=now,
        decided_by=actor,
        co_approval_required=co_approval_required(delivery, decision),
    )
    evidence = {
        "delivery": {
            "id": delivery.pk,
            "system": delivery.system,
            "version": delivery.version,
            "kind": delivery.kind,
            "status": delivery.status,
            "rollback_plan": delivery.rollback_plan,
            "dates": [
                {"stage": d.stage, "planned": d.planned_date, "actual": d.actual_date}
                for d in delivery.dates.all()
            ],
        },
        "decision": {
            "decision": decision,
            "decided_by": actor.get_username(),
            "decided_at": now,
            "accepted_risks": accepted_risks,
            "note": go.note,
            "co_approval_required": go.co_approval_required,
        },
        "checklist": go.checklist,
        **data,
    }
    from tugi.core.audit import to_json

    go.evidence = to_json(evidence)
    go.evidence_sha256 = sha256_of(go.evidence)
    go.full_clean(exclude=["pdf"])
    go.save()
    approved = decision == Decision.GO and go.is_final and _approve_delivery(delivery)
    go.pdf = decision_pdf(go)
    go.save(update_fields=["pdf"])
    audit_record(
        event=DeliveryEvent.GO_DECIDED,
        actor=actor,
        obj=go,
        after={
            **go.audit_snapshot(),
            "failed_items": [i["key"] for i in failed],
            "delivery_status": delivery.status if approved else None,
        },
        reason=reason,
    )
    return go


@transaction.atomic
def go_coapprove(*, decision: GoDecision, actor: Any, reason: str = "") -> GoDecision:
    require(actor, "delivery.coapprove_godecision")
    go = GoDecision.objects.select_for_update().select_related("delivery").get(pk=decision.pk)
    if not go.co_approval_required:
        raise ValidationError(_("This decision needs no co-approval."))
    if go.co_approved_by_id:
        raise ValidationError(_("The decision is co-approved already."))
    if go.decided_by_id == actor.pk:
        raise PermissionDenied(_("The decision must be co-approved by someone other than its maker."))
    latest = go.delivery.decisions.order_by("-decided_at", "-pk").first()
    if latest is None or latest.pk != go.pk:
        raise ValidationError(_("A later decision replaced this one."))
    go.co_approved_by, go.co_approved_at = actor, timezone.now()
    approved = go.decision == Decision.GO and _approve_delivery(go.delivery)
    go.pdf = decision_pdf(go)
    go.save(update_fields=["co_approved_by", "co_approved_at", "pdf", "updated_at"])
    audit_record(
        event=DeliveryEvent.GO_COAPPROVED,
        actor=actor,
        obj=go,
        after={"co_approved_by": actor.pk, "delivery_status": go.delivery.status if approved else None},
        reason=reason,
    )
    return go


def decision_pdf(go: GoDecision) -> bytes:
    """The decision as a PDF: delivery, decision, checklist, risks, tickets, evidence hash."""
    from tugi.core.pdf import Block, Heading, Para, Table, render_pdf

    delivery = go.delivery

    def when(moment: Any) -> str:
        return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M")

    def name(user: Any) -> str:
        return user.get_full_name() or user.get_username()

    blocks: list[Block] = [
        Para(
            _("%(kind)s delivery of %(system)s, version %(version)s.")
            % {"kind": delivery.get_kind_display(), "system": delivery.system, "version": delivery.version}
        ),
        Heading(
            _("Decision: %(decision)s, by %(who)s on %(when)s.")
            % {
                "decision": go.get_decision_display(),
                "who": name(go.decided_by),
                "when": when(go.decided_at),
            },
            2,
        ),
    ]
    if go.co_approval_required:
        blocks.append(
            Para(
                _("Co-approved by %(who)s on %(when)s.")
                % {"who": name(go.co_approved_by), "when": when(go.co_approved_at)}
                if go.co_approved_by
                else _("Waiting for the co-approval of the head of department.")
            )
        )
    rows = [[item["label"], _("yes") if item["ok"] else _("NO"), item["detail"]] for item in go.checklist]
    blocks.append(Table([_("Item"), _("Met"), _("Detail")], rows, widths=[165, 45, 283]))
    if go.accepted_risks:
        blocks += [Heading(_("Accepted risks"), 3), Para(go.accepted_risks)]
    if go.note:
        blocks += [Heading(_("Note"), 3), Para(go.note)]
    tickets = go.evidence.get("tickets", [])
    if tickets:
        blocks.append(Heading(_("Tickets"), 3))
        blocks += [Para(f"{t['key']} · {t['title']} · {t['status']}") for t in tickets[:200]]
    blocks.append(Para(_("Release evidence SHA-256: %(hash)s") % {"hash": go.evidence_sha256}))
    return render_pdf(_("Go / no-go decision: %(delivery)s") % {"delivery": delivery}, blocks)
