"""Incoming bank files: pain.002 status reports and camt.053 / camt.054 statements. A file is read
once (the same bytes, or the same kind and message id, are recognised and ignored); its effects —
rejected, accepted, debited and returned payments, incoming repayments — are applied in one
transaction, each audited. What cannot be matched stays as an unmatched event for a specialist."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tugi.core.audit import audit_record
from tugi.core.context import system_actor
from tugi.core.permissions import can, require
from tugi.core.workdays import next_working_day

from ..audit_events_bank import BankFileEvent
from ..iso20022 import Inbound, InboundItem, parse_inbound
from ..models import (
    BankEvent,
    BankEventKind,
    BankFile,
    BankStatus,
    HoldReason,
    InboundFile,
    Overpayment,
    PaymentLine,
)
from . import holds, postings
from .overpayments import repayment_from_bank, repayment_from_credit

__all__ = ["MD07_REASON", "bank_event_match", "inbound_import"]

MD07_REASON = "Bank returned the payment: beneficiary deceased (MD07)"
ACCOUNT_REASONS = {"AC01", "AC04", "AC06"}
#: a line's bank status may move on only from these
_OPEN = (BankStatus.NOT_SENT, BankStatus.SENT, BankStatus.ACCEPTED)


def _as(actor: Any, perm: str) -> Any:
    """Consequences in other areas are done by the importing user when they hold the right,
    otherwise by the system actor (the rule, not a person, decides them)."""
    return actor if can(actor, perm) else system_actor()


def _already(existing: InboundFile) -> dict[str, Any]:
    when = timezone.localtime(existing.created_at).strftime("%d.%m.%Y %H:%M")
    return {
        **existing.summary,
        "file": existing.pk,
        "duplicate": True,
        "message": _("This file was already imported on %(when)s by %(who)s; nothing changed.")
        % {"when": when, "who": existing.imported_by.get_username()},
    }


def inbound_import(*, content: bytes, filename: str, actor: Any) -> dict[str, Any]:
    """Read a bank file and apply it. Returns a summary (counts per effect, unmatched events).
    A file that is not a pain.002 / camt.053 / camt.054 message, or misses a required element,
    raises ``ValidationError({"file": ...})`` and nothing is stored."""
    require(actor, "finance.add_inboundfile")
    sha = hashlib.sha256(content).hexdigest()
    existing = InboundFile.objects.filter(sha256=sha).select_related("imported_by").first()
    if existing is not None:
        return _already(existing)
    message = parse_inbound(content)
    existing = (
        InboundFile.objects.filter(kind=message.kind, message_id=message.message_id)
        .select_related("imported_by")
        .first()
    )
    if existing is not None:
        return _already(existing)
    relative = Path("finance") / "in" / f"{timezone.localdate():%Y-%m}" / f"{sha[:16]}.xml"
    try:
        return _import(content, filename, sha, relative, message, actor)
    except IntegrityError:  # the same file imported at the same moment by someone else
        same = Q(sha256=sha) | Q(kind=message.kind, message_id=message.message_id)
        found = InboundFile.objects.filter(same).select_related("imported_by").first()
        if found is None:
            raise
        return _already(found)


def _import(
    content: bytes, filename: str, sha: str, relative: Path, message: Inbound, actor: Any
) -> dict[str, Any]:
    with transaction.atomic():
        inbound = InboundFile.objects.create(
            kind=message.kind,
            schema=message.schema,
            message_id=message.message_id,
            sha256=sha,
            original_name=(filename or "")[:255],
            path=str(relative),
            imported_by=actor,
        )
        summary = _Apply(inbound, message, actor).run()
        inbound.summary = summary
        inbound.save(update_fields=["summary", "updated_at"])
        audit_record(
            event=BankFileEvent.INBOUND_IMPORTED,
            actor=actor,
            obj=inbound,
            after={
                "kind": message.kind,
                "schema": message.schema,
                "message_id": message.message_id,
                **summary,
            },
            reason=filename,
        )
        target = Path(settings.DATA_DIR) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return {**summary, "file": inbound.pk, "duplicate": False, "message": _("The file was imported.")}


class _Apply:
    def __init__(self, inbound: InboundFile, message: Inbound, actor: Any):
        self.inbound = inbound
        self.message = message
        self.actor = actor
        self.counts: Counter[str] = Counter()
        self.reasons: Counter[str] = Counter()
        self.events: list[BankEvent] = []

    def run(self) -> dict[str, Any]:
        handlers = {
            "accepted": self.accepted,
            "rejected": self.rejected,
            "debit": self.debit,
            "return": self.returned,
            "credit": self.credit,
        }
        for item in self.message.items:
            handlers[item.kind](item)
        unmatched = sum(1 for e in self.events if not e.matched)
        return {
            "kind": self.message.kind,
            "schema": self.message.schema,
            "message_id": self.message.message_id,
            "events": len(self.events),
            "matched": len(self.events) - unmatched,
            "unmatched": unmatched,
            **{k: v for k, v in sorted(self.counts.items())},
            "returns_by_reason": dict(sorted(self.reasons.items())),
        }

    # -- helpers

    def event(self, item: InboundItem, kind: str, **values: Any) -> BankEvent:
        fields: dict[str, Any] = {
            "end_to_end_id": item.end_to_end_id[:35],
            "payment_info_id": item.payment_info_id[:35],
            "reference": item.reference[:35],
            "reason_code": item.reason_code[:10],
            "reason_text": item.reason_text[:300],
            "amount": item.amount,
            "booked_on": item.booked_on,
            "counterparty": item.counterparty[:140],
        }
        fields.update(values)
        fields["reason_text"] = fields["reason_text"][:300]
        event = BankEvent.objects.create(file=self.inbound, kind=kind, **fields)
        self.events.append(event)
        return event

    def original_file(self, item: InboundItem) -> BankFile | None:
        if item.payment_info_id:
            found = BankFile.objects.filter(payment_info_id=item.payment_info_id).first()
            if found is not None:
                return found
        return BankFile.objects.filter(message_id=item.original_msg_id).first()

    # -- pain.002

    def accepted(self, item: InboundItem) -> None:
        bank_file = self.original_file(item)
        if item.scope != "tx":
            if bank_file is None:
                self.event(
                    item, BankEventKind.ACCEPTED, reason_text=_("No outgoing file with this message id.")
                )
                return
            lines = PaymentLine.objects.filter(bank_file=bank_file, bank_status__in=_OPEN)
            if item.scope == "block":
                lines = lines.filter(bank_file__payment_info_id=item.payment_info_id)
            self.counts["accepted"] += lines.update(bank_status=BankStatus.ACCEPTED)
            self.event(item, BankEventKind.ACCEPTED, bank_file=bank_file, matched=True)
            return
        line = PaymentLine.objects.filter(end_to_end_id=item.end_to_end_id).first()
        if line is None:
            self.event(item, BankEventKind.ACCEPTED, reason_text=_("No payment with this EndToEndId."))
            return
        if line.bank_status in _OPEN:
            PaymentLine.objects.filter(pk=line.pk).update(bank_status=BankStatus.ACCEPTED)
            self.counts["accepted"] += 1
        self.event(item, BankEventKind.ACCEPTED, line=line, bank_file_id=line.bank_file_id, matched=True)

    def rejected(self, item: InboundItem) -> None:
        if item.scope == "tx":
            line = (
                PaymentLine.objects.filter(end_to_end_id=item.end_to_end_id).select_related("person").first()
            )
            if line is None:
                self.event(item, BankEventKind.REJECTED, reason_text=_("No payment with this EndToEndId."))
                return
            self.reject_line(line, item)
            return
        bank_file = self.original_file(item)
        if bank_file is None:
            self.event(item, BankEventKind.REJECTED, reason_text=_("No outgoing file with this message id."))
            return
        lines = PaymentLine.objects.filter(bank_file=bank_file, bank_status__in=_OPEN).select_related(
            "person"
        )
        for line in lines.order_by("id").iterator(chunk_size=2000):
            self.reject_line(line, item)

    def reject_line(self, line: PaymentLine, item: InboundItem) -> None:
        if line.bank_status not in _OPEN:
            self.event(
                item,
                BankEventKind.REJECTED,
                line=line,
                reason_text=_("The payment is already %(status)s.")
                % {"status": line.get_bank_status_display()},
            )
            return
        event = self.event(
            item,
            BankEventKind.REJECTED,
            line=line,
            bank_file_id=line.bank_file_id,
            end_to_end_id=line.end_to_end_id,
            amount=line.net,
            matched=True,
        )
        # the money never left: the ledger shows it as returned, to be resolved
        _mark_line(line, event, BankStatus.REJECTED, self.actor, audit_event=BankFileEvent.LINE_REJECTED)
        self.counts["rejected"] += 1

    # -- camt

    def debit(self, item: InboundItem) -> None:
        bank_file = (
            BankFile.objects.filter(payment_info_id=item.payment_info_id).first()
            if item.payment_info_id
            else None
        )
        if bank_file is None:
            self.event(item, BankEventKind.DEBIT, reason_text=_("No payment block with this PmtInfId."))
            return
        rejected = PaymentLine.objects.filter(bank_file=bank_file, bank_status=BankStatus.REJECTED).aggregate(
            total=Sum("net")
        )["total"] or Decimal("0.00")
        # a block with rejected payments is debited without them
        if item.amount not in (bank_file.ctrl_sum, bank_file.ctrl_sum - rejected):
            self.event(
                item,
                BankEventKind.DEBIT,
                bank_file=bank_file,
                reason_text=_(
                    "Debited %(amount)s but the block's CtrlSum less rejected payments is %(ctrl)s "
                    "(difference %(diff)s)."
                )
                % {
                    "amount": item.amount,
                    "ctrl": bank_file.ctrl_sum - rejected,
                    "diff": (item.amount or Decimal(0)) - (bank_file.ctrl_sum - rejected),
                },
            )
            self.counts["debit_differences"] += 1
            return
        booked = PaymentLine.objects.filter(bank_file=bank_file, bank_status__in=_OPEN).update(
            bank_status=BankStatus.BOOKED
        )
        self.counts["booked"] += booked
        self.event(item, BankEventKind.DEBIT, bank_file=bank_file, matched=True)

    def returned(self, item: InboundItem) -> None:
        line = (
            PaymentLine.objects.filter(end_to_end_id=item.end_to_end_id)
            .select_related("person", "pension", "run")
            .first()
        )
        if line is None:
            self.event(
                item,
                BankEventKind.RETURN,
                reason_text=self._text(item, _("No payment with this EndToEndId.")),
            )
            self.counts["returns_unmatched"] += 1
            return
        if line.bank_status == BankStatus.RETURNED or line.bank_status == BankStatus.REJECTED:
            self.event(
                item,
                BankEventKind.RETURN,
                line=line,
                reason_text=_("The payment is already %(status)s.")
                % {"status": line.get_bank_status_display()},
            )
            self.counts["returns_unmatched"] += 1
            return
        event = self.event(
            item, BankEventKind.RETURN, line=line, bank_file_id=line.bank_file_id, matched=True
        )
        apply_return(line=line, event=event, actor=self.actor)
        self.counts["returned"] += 1
        self.reasons[item.reason_code or "?"] += 1

    @staticmethod
    def _text(item: InboundItem, note: str) -> str:
        return f"{note} {item.reason_text}".strip()

    def credit(self, item: InboundItem) -> None:
        event = self.event(item, BankEventKind.CREDIT)
        # a credit with a reference number of a decided overpayment is its repayment (the event is
        # matched there)
        matched = bool(item.reference) and repayment_from_bank(event=event, actor=self.actor)
        self.counts["credits"] += 1
        if matched:
            self.counts["credits_matched"] += 1


def _mark_line(
    line: PaymentLine, event: BankEvent, status: str, actor: Any, *, audit_event: BankFileEvent | None
) -> None:
    """The bank did not pay ``line`` (rejected or returned, per ``event``): mark it, post the money
    back to the bank account and, with ``audit_event``, record the change."""
    before = line.bank_status
    line.bank_status = status
    line.bank_reason = event.reason_code[:10]
    line.save(update_fields=["bank_status", "bank_reason"])
    postings.post_return(line=line, event=event, actor=actor)
    if audit_event is not None:
        audit_record(
            event=audit_event,
            actor=actor,
            obj=line,
            before={"bank_status": before},
            after={
                "bank_status": line.bank_status,
                "reason": line.bank_reason,
                "person": line.person.masked_code,
            },
            reason=event.reason_text or event.reason_code,
        )


def apply_return(*, line: PaymentLine, event: BankEvent, actor: Any) -> None:
    """A payment came back: mark the line, post the return and act on the reason code."""
    _mark_line(line, event, BankStatus.RETURNED, actor, audit_event=BankFileEvent.LINE_RETURNED)
    code = event.reason_code
    if code == HoldReason.DECEASED:
        _deceased(line, event, actor)
    elif code in ACCOUNT_REASONS:
        _account_problem(line, event, actor)


def _deceased(line: PaymentLine, event: BankEvent, actor: Any) -> None:
    from tugi.pensions.services.register import pension_suspend

    pension = line.pension
    if pension is not None:
        with contextlib.suppress(ValidationError):  # already suspended or ended
            pension_suspend(pension=pension, actor=_as(actor, "pensions.change_pension"), reason=MD07_REASON)
    holds.hold_place(
        person=line.person, reason=HoldReason.DECEASED, actor=actor, note=MD07_REASON, source_event=event
    )
    from .overpayments import detect_after_death

    detect_after_death(person=line.person, actor=actor, source="return", line=line)


TASK_TITLES = {
    "AC01": gettext_noop("Ask for a correct bank account (returned AC01)"),
    "AC04": gettext_noop("Ask for a new bank account (returned AC04)"),
    "AC06": gettext_noop("Ask about the blocked bank account (returned AC06)"),
}


def _account_problem(line: PaymentLine, event: BankEvent, actor: Any) -> None:
    from tugi.work.services.tasks import task_create

    code = event.reason_code
    holds.hold_place(
        person=line.person,
        reason=code,
        actor=actor,
        note=_("Bank returned payment %(e2e)s (%(code)s).") % {"e2e": line.end_to_end_id, "code": code},
        source_event=event,
    )
    url = reverse("core:person_detail", args=[line.person.uid])
    creator = _as(actor, "work.add_task")
    task_create(
        actor=creator,
        reason=code,
        title=_(TASK_TITLES[code]),
        description=_(
            "The bank returned payment %(e2e)s of %(month)s (%(code)s). Payments are held until the "
            "person gives a new account. Person: %(url)s"
        )
        % {"e2e": line.end_to_end_id, "month": f"{line.run.month:%Y-%m}", "code": code, "url": url},
        assignee=actor if actor.is_active else creator,
        due_on=next_working_day(timezone.localdate() + dt.timedelta(days=7)),
    )


def bank_event_match(
    *,
    event: BankEvent,
    actor: Any,
    note: str,
    line: PaymentLine | None = None,
    overpayment: Overpayment | None = None,
) -> BankEvent:
    """A specialist matches an unmatched event by hand to a payment line (a return: the line is
    marked returned and the reason code acted on) or an incoming credit to an open overpayment (the
    repayment is recorded as when matched by its reference number). One transaction: a refusal
    changes nothing."""
    require(actor, "finance.change_bankevent")
    if overpayment is not None:
        require(actor, "finance.add_recovery")
    if not note.strip():
        raise ValidationError({"note": _("Say why this event belongs there.")})
    if (line is None) == (overpayment is None):
        raise ValidationError({"line": _("Choose either a payment line or an overpayment.")})
    with transaction.atomic():
        event = BankEvent.objects.select_for_update().get(pk=event.pk)
        if event.matched:
            raise ValidationError({"event": _("This event is already matched.")})
        if line is not None:
            if event.kind not in (BankEventKind.RETURN, BankEventKind.REJECTED):
                raise ValidationError(
                    {"line": _("Only a return or a rejection can be matched to a payment.")}
                )
            line = PaymentLine.objects.select_related("person", "pension", "run").get(pk=line.pk)
            if line.bank_status not in _OPEN and line.bank_status != BankStatus.BOOKED:
                raise ValidationError(
                    {
                        "line": _("That payment is already %(status)s.")
                        % {"status": line.get_bank_status_display()}
                    }
                )
            event.line = line
            event.bank_file_id = line.bank_file_id
            if event.amount is None:
                event.amount = line.net
        else:
            assert overpayment is not None
            # the same path as a match by reference number: the recovery, its posting, the audit
            # of the repayment and *paid* at 0; refused (nothing changed) unless the event is a
            # credit not yet recorded and the overpayment is open
            overpayment = repayment_from_credit(
                event=event, overpayment=overpayment, actor=actor, note=note
            ).overpayment
            event.overpayment = overpayment
        event.matched = True
        event.save(update_fields=["line", "bank_file", "amount", "overpayment", "matched"])
        audit_record(
            event=BankFileEvent.EVENT_MATCHED,
            actor=actor,
            obj=event,
            before={"matched": False},
            after={
                "matched": True,
                "line": line.end_to_end_id if line else None,
                "overpayment": overpayment.pk if overpayment else None,
            },
            reason=note,
        )
        if line is not None:
            if event.kind == BankEventKind.RETURN:
                apply_return(line=line, event=event, actor=actor)
            else:  # the match's own audit event names the line
                _mark_line(line, event, BankStatus.REJECTED, actor, audit_event=None)
    return event
