"""Overpayments: detection, the lifecycle (hearing → decision with the discretion exercised →
notice with a reference number → recovery → closed), recovery by offset, instalments, direct
repayment and from the estate, and the daily limitation check. Recovery is never automatic: only a
decision turns a detected overpayment into a claim."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Sum
from django.utils.translation import gettext as _

from tugi.core.audit import audit_record
from tugi.core.context import system_actor
from tugi.core.models import Person
from tugi.core.money import round_cents, summed
from tugi.core.permissions import can, require
from tugi.core.services import notify, topic_ensure
from tugi.core.workdays import next_working_day
from tugi.work.services.tasks import task_create

from ..audit_events_overpayments import OverpaymentEvent
from ..models import (
    OVERPAYMENT_OPEN,
    BankEvent,
    BankEventKind,
    BankStatus,
    LineStatus,
    Overpayment,
    OverpaymentCause,
    OverpaymentSource,
    OverpaymentStatus,
    PaymentLine,
    PaymentRun,
    Recovery,
    RecoveryKind,
    RecoveryMethod,
    RunStatus,
)
from ..months import month_end
from ..reference import is_valid_reference, make_reference
from ..selectors_overpayments import ZERO, balance, limitation_date_for, limitation_warning_days
from . import postings


def overpayment_detect(
    *,
    person: Person,
    source: str,
    period_from: dt.date,
    period_to: dt.date,
    amount: Decimal,
    actor: Any,
    pension_id: int | None = None,
    description: str = "",
    source_line: PaymentLine | None = None,
    detected_on: dt.date | None = None,
) -> Overpayment:
    """Record a detected overpayment (status *detected*). An open overpayment of the same person,
    source and period is returned instead of a second one, so detection can run again safely."""
    require(actor, "finance.add_overpayment")
    if source not in OverpaymentSource.values:
        raise ValidationError({"source": _("Choose where the overpayment was found.")})
    amount = round_cents(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("An overpayment is a positive amount.")})
    if period_to < period_from:
        raise ValidationError({"period_to": _("The period ends before it starts.")})
    with transaction.atomic():
        existing = Overpayment.objects.filter(
            person=person,
            source=source,
            period_from=period_from,
            period_to=period_to,
            status__in=OVERPAYMENT_OPEN,
        ).first()
        if existing is not None:
            return existing
        op = Overpayment.objects.create(
            person=person,
            pension_id=pension_id,
            source=source,
            period_from=period_from,
            period_to=period_to,
            amount=amount,
            detected_on=detected_on or dt.date.today(),
            description=description,
            source_line=source_line,
            created_by=actor,
            last_action_on=detected_on or dt.date.today(),
        )
        audit_record(
            event=OverpaymentEvent.DETECTED,
            actor=actor,
            obj=op,
            after={
                "person": person.masked_code,
                "source": source,
                "amount": amount,
                "period": [period_from, period_to],
            },
            reason=description,
        )
    return op


# --------------------------------------------------------------------------------------------------
# helpers

REFERENCE_PREFIX = "77"  # reference numbers of overpayment claims: 77 + the overpayment id + check digit
MIN_REASONS = 20
TOPIC = "overpayments"
NOTICE_DAYS = 30


def _locked(op: Overpayment) -> Overpayment:
    return Overpayment.objects.select_for_update().get(pk=op.pk)


def _state(op: Overpayment) -> dict[str, Any]:
    return {"status": op.status, "balance": balance(op)}


def _refuse(op: Overpayment, allowed: tuple[str, ...], action: str) -> None:
    if op.status not in allowed:
        raise ValidationError(
            {
                "status": _("An overpayment that is %(status)s cannot be %(action)s.")
                % {"status": op.get_status_display(), "action": action}
            }
        )


def _today(on: dt.date | None) -> dt.date:
    return on or dt.date.today()


def _add_recovery(
    op: Overpayment,
    *,
    kind: str,
    amount: Decimal,
    on: dt.date,
    actor: Any,
    line: PaymentLine | None = None,
    bank_event: BankEvent | None = None,
    note: str = "",
) -> Recovery:
    rec = Recovery.objects.create(
        overpayment=op,
        kind=kind,
        amount=round_cents(amount),
        on=on,
        line=line,
        bank_event=bank_event,
        note=note[:300],
        created_by=actor,
    )
    postings.post_recovery(recovery=rec, actor=actor)
    return rec


def _close_if_paid(op: Overpayment, on: dt.date, actor: Any) -> bool:
    """An overpayment being recovered whose balance reached 0 becomes *paid* (audited)."""
    if op.status not in (OverpaymentStatus.DECIDED, OverpaymentStatus.NOTIFIED, OverpaymentStatus.RECOVERING):
        return False
    if balance(op) > 0:
        return False
    before = op.status
    op.status = OverpaymentStatus.PAID
    op.closed_on = on
    op.last_action_on = on
    op.save(update_fields=["status", "closed_on", "last_action_on", "updated_at"])
    audit_record(
        event=OverpaymentEvent.PAID,
        actor=actor,
        obj=op,
        before={"status": before},
        after={"status": op.status},
    )
    return True


# --------------------------------------------------------------------------------------------------
# lifecycle


def hearing_start(
    *, overpayment: Overpayment, actor: Any, on: dt.date | None = None, note: str = ""
) -> Overpayment:
    """Ask the person for their explanation before deciding."""
    require(actor, "finance.change_overpayment")
    on = _today(on)
    with transaction.atomic():
        op = _locked(overpayment)
        _refuse(op, (OverpaymentStatus.DETECTED,), _("sent to a hearing"))
        before = _state(op)
        op.status = OverpaymentStatus.HEARING
        op.hearing_started_on = on
        op.hearing_note = note
        op.last_action_on = on
        op.save(
            update_fields=["status", "hearing_started_on", "hearing_note", "last_action_on", "updated_at"]
        )
        audit_record(
            event=OverpaymentEvent.HEARING,
            actor=actor,
            obj=op,
            before=before,
            after={"status": op.status, "hearing_started_on": on},
            reason=note,
        )
    return op


def overpayment_decide(
    *,
    overpayment: Overpayment,
    cause: str,
    decision_reasons: str,
    decided_amount: Decimal | None,
    actor: Any,
    on: dt.date | None = None,
    no_claim: bool = False,
) -> Overpayment:
    """Decide after the hearing. The reasons record the discretion exercised (recovery is never
    automatic). A decided amount of 0 (or ``no_claim``) closes the overpayment as *no claim*."""
    require(actor, "finance.change_overpayment")
    on = _today(on)
    if cause not in OverpaymentCause.values:
        raise ValidationError({"cause": _("Choose the cause of the overpayment.")})
    reasons = (decision_reasons or "").strip()
    if len(reasons) < MIN_REASONS:
        raise ValidationError(
            {
                "decision_reasons": _(
                    "Write the reasons of the decision (at least %(n)s characters): recovery is never "
                    "automatic, the decision must show what was weighed."
                )
                % {"n": MIN_REASONS}
            }
        )
    with transaction.atomic():
        op = _locked(overpayment)
        _refuse(op, (OverpaymentStatus.HEARING,), _("decided before a hearing"))
        amount = ZERO if no_claim else decided_amount
        if amount is None:
            raise ValidationError({"decided_amount": _("Enter the amount to recover (0 for no claim).")})
        amount = round_cents(amount)
        if amount < 0:
            raise ValidationError({"decided_amount": _("The amount to recover cannot be negative.")})
        if amount > op.amount:
            raise ValidationError(
                {
                    "decided_amount": _("The amount to recover cannot exceed the overpaid %(a)s.")
                    % {"a": op.amount}
                }
            )
        before = _state(op)
        op.cause = cause
        op.decision_reasons = reasons
        op.decided_amount = amount
        op.decided_by = actor
        op.decided_on = on
        op.last_action_on = on
        if amount == 0:
            op.status = OverpaymentStatus.NO_CLAIM
            op.closed_on = on
            op.close_reason = reasons
            event = OverpaymentEvent.NO_CLAIM
        else:
            op.status = OverpaymentStatus.DECIDED
            op.limitation_date = limitation_date_for(on)
            event = OverpaymentEvent.DECIDED
        op.save()
        if amount > 0:
            postings.post_overpayment_decided(overpayment=op, amount=amount, on=on, actor=actor)
        audit_record(
            event=event,
            actor=actor,
            obj=op,
            before=before,
            after={"status": op.status, "cause": cause, "decided_amount": amount},
            reason=reasons,
        )
    return op


def reference_for(op: Overpayment) -> str:
    return make_reference(f"{REFERENCE_PREFIX}{op.pk}")


def overpayment_notify(
    *, overpayment: Overpayment, actor: Any, on: dt.date | None = None, due_date: dt.date | None = None
) -> Overpayment:
    """Send the notice: reference number, due date (30 days, moved to a working day)."""
    require(actor, "finance.change_overpayment")
    on = _today(on)
    due = next_working_day(due_date or on + dt.timedelta(days=NOTICE_DAYS))
    if due < on:
        raise ValidationError({"due_date": _("The due date cannot be before the notice.")})
    with transaction.atomic():
        op = _locked(overpayment)
        _refuse(op, (OverpaymentStatus.DECIDED,), _("notified before a decision"))
        before = _state(op)
        op.status = OverpaymentStatus.NOTIFIED
        op.reference_number = reference_for(op)
        op.notified_on = on
        op.due_date = due
        op.last_action_on = on
        op.save(
            update_fields=[
                "status",
                "reference_number",
                "notified_on",
                "due_date",
                "last_action_on",
                "updated_at",
            ]
        )
        audit_record(
            event=OverpaymentEvent.NOTIFIED,
            actor=actor,
            obj=op,
            before=before,
            after={"status": op.status, "reference_number": op.reference_number, "due_date": due},
        )
    return op


def recovery_arrange(
    *,
    overpayment: Overpayment,
    method: str,
    actor: Any,
    monthly_amount: Decimal | None = None,
    start_month: dt.date | None = None,
    due_date: dt.date | None = None,
    note: str = "",
    on: dt.date | None = None,
) -> Overpayment:
    """How the claim is recovered. Offsets and instalments are deducted by the payment runs from
    ``start_month`` (the run applies the cap); instalments of a person without ongoing payments are
    expected as direct repayments with the reference number. Estate: the person has died."""
    require(actor, "finance.change_overpayment")
    on = _today(on)
    if method not in RecoveryMethod.values:
        raise ValidationError({"method": _("Choose how the overpayment is recovered.")})
    monthly: Decimal | None = None
    start: dt.date | None = None
    if method in (RecoveryMethod.OFFSET, RecoveryMethod.INSTALMENTS):
        if monthly_amount is None or round_cents(monthly_amount) <= 0:
            raise ValidationError({"monthly_amount": _("Enter the amount deducted each month.")})
        monthly = round_cents(monthly_amount)
        start = (start_month or on).replace(day=1)
    with transaction.atomic():
        op = _locked(overpayment)
        _refuse(
            op, (OverpaymentStatus.NOTIFIED, OverpaymentStatus.RECOVERING), _("recovered before the notice")
        )
        if method == RecoveryMethod.ESTATE and op.person.date_of_death is None:
            raise ValidationError({"method": _("A claim on the estate needs the person's date of death.")})
        if method == RecoveryMethod.ESTATE and not note.strip():
            note = _("Claim on the estate (RPKS § 48).")
        before = {**_state(op), "method": op.recovery_method}
        op.status = OverpaymentStatus.RECOVERING
        op.recovery_method = method
        op.monthly_amount = monthly
        op.recovery_start = start
        if due_date is not None:
            op.due_date = due_date
        op.last_action_on = on
        op.save()
        audit_record(
            event=OverpaymentEvent.RECOVERY_SET,
            actor=actor,
            obj=op,
            before=before,
            after={"status": op.status, "method": method, "monthly_amount": monthly, "start": start},
            reason=note,
        )
    return op


def _close_with_recovery(
    overpayment: Overpayment,
    *,
    kind: str,
    status: str,
    event: OverpaymentEvent,
    allowed: tuple[str, ...],
    action: str,
    reason: str,
    actor: Any,
    on: dt.date,
) -> Overpayment:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason.")})
    with transaction.atomic():
        op = _locked(overpayment)
        _refuse(op, allowed, action)
        before = _state(op)
        left = balance(op)
        if left > 0:
            _add_recovery(op, kind=kind, amount=left, on=on, actor=actor, note=reason)
        op.status = status
        op.closed_on = on
        op.close_reason = reason
        op.last_action_on = on
        op.save(update_fields=["status", "closed_on", "close_reason", "last_action_on", "updated_at"])
        audit_record(
            event=event,
            actor=actor,
            obj=op,
            before=before,
            after={"status": status, "amount": left},
            reason=reason,
        )
    return op


CLAIMED = (OverpaymentStatus.DECIDED, OverpaymentStatus.NOTIFIED, OverpaymentStatus.RECOVERING)


def overpayment_waive(
    *, overpayment: Overpayment, reason: str, actor: Any, on: dt.date | None = None
) -> Overpayment:
    """Waive the balance: final."""
    require(actor, "finance.change_overpayment")
    return _close_with_recovery(
        overpayment,
        kind=RecoveryKind.WAIVER,
        status=OverpaymentStatus.WAIVED,
        event=OverpaymentEvent.WAIVED,
        allowed=CLAIMED,
        action=_("waived"),
        reason=reason,
        actor=actor,
        on=_today(on),
    )


def overpayment_write_off(
    *, overpayment: Overpayment, reason: str, actor: Any, on: dt.date | None = None
) -> Overpayment:
    """Write the balance off (reversible with ``write_off_reverse``)."""
    require(actor, "finance.change_overpayment")
    return _close_with_recovery(
        overpayment,
        kind=RecoveryKind.WRITE_OFF,
        status=OverpaymentStatus.WRITTEN_OFF,
        event=OverpaymentEvent.WRITTEN_OFF,
        allowed=CLAIMED,
        action=_("written off"),
        reason=reason,
        actor=actor,
        on=_today(on),
    )


def write_off_reverse(
    *, overpayment: Overpayment, reason: str, actor: Any, on: dt.date | None = None
) -> Overpayment:
    """Undo a write-off: the written-off amount is owed again and recovery continues."""
    require(actor, "finance.change_overpayment")
    on = _today(on)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason.")})
    with transaction.atomic():
        op = _locked(overpayment)
        _refuse(op, (OverpaymentStatus.WRITTEN_OFF,), _("reversed"))
        before = _state(op)
        kinds = (RecoveryKind.WRITE_OFF, RecoveryKind.WRITE_OFF_REVERSAL)
        written = summed(op.recoveries.filter(kind__in=kinds).aggregate(t=Sum("amount"))["t"])
        if written > 0:
            _add_recovery(
                op, kind=RecoveryKind.WRITE_OFF_REVERSAL, amount=-written, on=on, actor=actor, note=reason
            )
        op.status = OverpaymentStatus.RECOVERING
        op.closed_on = None
        op.close_reason = ""
        op.last_action_on = on
        op.save(update_fields=["status", "closed_on", "close_reason", "last_action_on", "updated_at"])
        audit_record(
            event=OverpaymentEvent.WRITE_OFF_REVERSED,
            actor=actor,
            obj=op,
            before=before,
            after={"status": op.status, "amount": written},
            reason=reason,
        )
    return op


# --------------------------------------------------------------------------------------------------
# recoveries from runs and the bank


def record_offsets(*, run: PaymentRun, actor: Any) -> int:
    """One offset recovery per overpayment deducted in the released ``run``'s lines; an overpayment
    whose balance reaches 0 becomes *paid*. Returns the number of recoveries."""
    require(actor, "finance.add_recovery")
    count = 0
    with transaction.atomic():
        lines = list(
            PaymentLine.objects.filter(run=run, status=LineStatus.PAY, deduction__gt=0).only(
                "id", "deductions"
            )
        )
        wanted: dict[int, list[tuple[PaymentLine, Decimal]]] = {}
        for line in lines:
            for item in line.deductions or []:
                amount = round_cents(Decimal(str(item["amount"])))
                if amount > 0:
                    wanted.setdefault(int(item["overpayment"]), []).append((line, amount))
        ops = {op.pk: op for op in Overpayment.objects.select_for_update().filter(pk__in=list(wanted))}
        for op_id, items in wanted.items():
            op = ops.get(op_id)
            if op is None:
                raise ValidationError(
                    {"run": _("Line deducts an unknown overpayment %(id)s.") % {"id": op_id}}
                )
            total = ZERO
            for line, amount in items:
                _add_recovery(
                    op, kind=RecoveryKind.OFFSET, amount=amount, on=run.payment_date, actor=actor, line=line
                )
                total += amount
                count += 1
            op.last_action_on = run.payment_date
            op.save(update_fields=["last_action_on", "updated_at"])
            audit_record(
                event=OverpaymentEvent.RECOVERED,
                actor=actor,
                obj=op,
                after={"kind": RecoveryKind.OFFSET, "amount": total, "run": run.pk},
            )
            _close_if_paid(op, run.payment_date, actor)
    return count


def _repay(
    op: Overpayment,
    *,
    amount: Decimal,
    on: dt.date,
    actor: Any,
    note: str = "",
    event: BankEvent | None = None,
) -> Recovery:
    """Record a repayment of the locked ``op`` (from the estate when recovered from the estate): the
    recovery, its posting, one audit event, and *paid* when the balance reaches 0. More than the
    balance: the whole amount is recorded and the surplus shows as a negative balance (to refund)."""
    kind = RecoveryKind.ESTATE if op.recovery_method == RecoveryMethod.ESTATE else RecoveryKind.REPAYMENT
    before = _state(op)
    rec = _add_recovery(op, kind=kind, amount=amount, on=on, actor=actor, bank_event=event, note=note)
    op.last_action_on = on
    op.save(update_fields=["last_action_on", "updated_at"])
    left = balance(op)
    after: dict[str, Any] = {"kind": kind, "amount": rec.amount, "balance": left, "surplus": max(-left, ZERO)}
    if event is not None:
        after["bank_event"] = event.pk
    audit_record(
        event=OverpaymentEvent.RECOVERED, actor=actor, obj=op, before=before, after=after, reason=note
    )
    _close_if_paid(op, on, actor)
    return rec


def _credit_recorded(event: BankEvent) -> bool:
    return event.matched or Recovery.objects.filter(bank_event_id=event.pk).exists()


def _repay_from_credit(op: Overpayment, event: BankEvent, *, actor: Any, note: str = "") -> Recovery:
    """The one code path recording a repayment from an incoming credit, whether matched by its
    reference number or by hand. ``op`` and ``event`` are locked by the caller's transaction; the
    event becomes matched to ``op``."""
    if event.kind != BankEventKind.CREDIT:
        raise ValidationError({"overpayment": _("Only an incoming credit can be matched to an overpayment.")})
    # before the decision there is no receivable in the ledger to repay (as for repayment_record)
    if op.status not in CLAIMED:
        raise ValidationError(
            {
                "overpayment": _("Overpayment %(id)s is %(status)s: it takes no repayments.")
                % {"id": op.pk, "status": op.get_status_display()}
            }
        )
    if event.amount is None or event.amount <= 0:
        raise ValidationError({"event": _("The credit has no amount to record.")})
    if _credit_recorded(event):
        raise ValidationError({"event": _("This credit is already recorded.")})
    rec = _repay(
        op, amount=event.amount, on=event.booked_on or dt.date.today(), actor=actor, note=note, event=event
    )
    BankEvent.objects.filter(pk=event.pk).update(matched=True, overpayment=op)
    event.matched = True
    event.overpayment = op
    return rec


def repayment_from_credit(
    *, event: BankEvent, overpayment: Overpayment, actor: Any, note: str = ""
) -> Recovery:
    """Record the incoming credit ``event`` as a repayment of ``overpayment`` (a specialist's match
    by hand). Refused, with nothing changed, for an overpayment that is not open or a credit
    already recorded."""
    require(actor, "finance.add_recovery")
    with transaction.atomic():
        locked = BankEvent.objects.select_for_update().get(pk=event.pk)
        rec = _repay_from_credit(_locked(overpayment), locked, actor=actor, note=note)
    event.matched = True
    event.overpayment = rec.overpayment
    return rec


def repayment_from_bank(*, event: BankEvent, actor: Any) -> bool:
    """Match an incoming credit by its reference number to a decided overpayment and record the
    repayment (see ``_repay``). False when nothing matches or the credit is already recorded."""
    require(actor, "finance.add_recovery")
    ref = (event.reference or "").replace(" ", "")
    if event.kind != BankEventKind.CREDIT or not ref or not is_valid_reference(ref):
        return False
    if event.amount is None or event.amount <= 0:
        return False
    with transaction.atomic():
        op = Overpayment.objects.select_for_update().filter(reference_number=ref, status__in=CLAIMED).first()
        if op is None:
            return False
        locked = BankEvent.objects.select_for_update().get(pk=event.pk)
        if _credit_recorded(locked):
            return False
        _repay_from_credit(op, locked, actor=actor)
    event.matched = True
    event.overpayment = op
    return True


# --------------------------------------------------------------------------------------------------
# detection


def detect_after_death(
    *, person: Person, actor: Any, source: str = "death", line: PaymentLine | None = None
) -> Overpayment | None:
    """Payments for months after the month of death (the pension is due for the month of death)
    are an overpayment. Unknown date of death: a task to establish it, and None."""
    require(actor, "finance.add_overpayment")
    if person.date_of_death is None:
        creator = actor if can(actor, "work.add_task") else system_actor()
        task_create(
            actor=creator,
            title=_("Establish the date of death (payment returned MD07)"),
            description=_("Person %(code)s: a payment was returned as the beneficiary deceased.")
            % {"code": person.masked_code},
            assignee=actor,
            due_on=next_working_day(dt.date.today() + dt.timedelta(days=5)),
            reason=_("Payment returned: beneficiary deceased"),
        )
        return None
    after = person.date_of_death.replace(day=1)
    paid = list(
        PaymentLine.objects.filter(
            person=person,
            status=LineStatus.PAY,
            run__status=RunStatus.RELEASED,
            run__month__gt=after,
        )
        .exclude(bank_status__in=[BankStatus.REJECTED, BankStatus.RETURNED])
        .select_related("run")
        .order_by("run__month")
    )
    # months already in an overpayment found from the death (or a return) are not counted again
    covered = list(
        Overpayment.objects.filter(
            person=person, source__in=[OverpaymentSource.DEATH, OverpaymentSource.RETURN]
        ).order_by("-id")
    )
    paid = [p for p in paid if not any(c.period_from <= p.run.month <= c.period_to for c in covered)]
    if not paid:
        return covered[0] if covered else None
    amount = round_cents(sum((p.gross for p in paid), ZERO))
    return overpayment_detect(
        person=person,
        source=source,
        period_from=paid[0].run.month,
        period_to=month_end(paid[-1].run.month),
        amount=amount,
        actor=actor,
        pension_id=paid[0].pension_id,
        description=_("Paid for %(n)s month(s) after the month of death.") % {"n": len(paid)},
        source_line=line,
    )


def detect_deaths_daily(*, actor: Any) -> int:
    """Daily: persons with a date of death and paid lines for later months (idempotent)."""
    persons = Person.objects.filter(
        date_of_death__isnull=False,
        payment_lines__status=LineStatus.PAY,
        payment_lines__run__status=RunStatus.RELEASED,
        payment_lines__run__month__gt=F("date_of_death"),  # a month starting after the death
    ).distinct()
    found = 0
    for person in persons:
        if person.date_of_death and detect_after_death(person=person, actor=actor) is not None:
            found += 1
    return found


def detect_recalculation(*, pension: Any, actor: Any) -> Overpayment | None:
    """A retroactive recalculation lowered the amount of months already paid: the differences."""
    require(actor, "finance.add_overpayment")
    from tugi.pensions.selectors import amount_history

    history = sorted(amount_history(pension), key=lambda r: r.valid_from)
    if not history:
        return None
    lines = list(
        PaymentLine.objects.filter(
            pension_id=pension.pk, status=LineStatus.PAY, run__status=RunStatus.RELEASED
        )
        .exclude(bank_status__in=[BankStatus.REJECTED, BankStatus.RETURNED])
        .select_related("run")
        .order_by("run__month")
    )
    diffs: list[tuple[dt.date, Decimal]] = []
    for line in lines:
        due = None
        for row in history:
            if row.valid_from <= month_end(line.run.month):
                due = row
        if due is None:
            continue
        diff = round_cents(line.gross - round_cents(due.amount))
        if diff > 0:
            diffs.append((line.run.month, diff))
    if not diffs:
        return None
    return overpayment_detect(
        person=pension.person,
        source=OverpaymentSource.RECALCULATION,
        period_from=diffs[0][0],
        period_to=month_end(diffs[-1][0]),
        amount=sum((d for _m, d in diffs), ZERO),
        actor=actor,
        pension_id=pension.pk,
        description=_("Recalculation lowered the amount of %(n)s paid month(s).") % {"n": len(diffs)},
    )


def limitation_check(*, actor: Any, today: dt.date | None = None) -> dict[str, int]:
    """Daily: open claims past their limitation date become *time-barred* (balance written off);
    those within the warning days with no action since are notified on topic ``overpayments``."""
    today = _today(today)
    barred = 0
    for op in Overpayment.objects.filter(status__in=CLAIMED, limitation_date__lt=today):
        _close_with_recovery(
            op,
            kind=RecoveryKind.WRITE_OFF,
            status=OverpaymentStatus.TIME_BARRED,
            event=OverpaymentEvent.TIME_BARRED,
            allowed=CLAIMED,
            action=_("time-barred"),
            reason=_("Limitation period ended on %(d)s.") % {"d": op.limitation_date},
            actor=actor,
            on=today,
        )
        barred += 1
    warn_days = limitation_warning_days(today)
    warn = today + dt.timedelta(days=warn_days)
    warned = 0
    topic_ensure(code=TOPIC, name=_("Overpayments"), actor=system_actor())
    for op in Overpayment.objects.filter(
        status__in=CLAIMED, limitation_date__gte=today, limitation_date__lte=warn
    ):
        if (
            op.last_action_on
            and op.limitation_date
            and (op.limitation_date - op.last_action_on).days < warn_days
        ):
            continue
        notify(
            topic=TOPIC,
            subject=_("Overpayment %(id)s is time-barred on %(d)s") % {"id": op.pk, "d": op.limitation_date},
            body=_("No action since %(d)s.") % {"d": op.last_action_on},
            actor=actor,
            dedup_key=f"overpayment-limitation-{op.pk}-{op.limitation_date}",
        )
        warned += 1
    return {"time_barred": barred, "warned": warned}


def overpayment_record_manual(
    *,
    personal_code: str,
    period_from: dt.date | None,
    period_to: dt.date | None,
    amount: Decimal | None,
    description: str,
    actor: Any,
) -> Overpayment:
    """A specialist's own finding: the person by personal code, the period, the amount and why."""
    require(actor, "finance.add_overpayment")
    errors: dict[str, str] = {}
    person = Person.objects.filter(personal_code=(personal_code or "").strip()).first()
    if person is None:
        errors["personal_code"] = _("No person with this personal code.")
    if period_from is None:
        errors["period_from"] = _("Enter the first day overpaid.")
    if period_to is None:
        errors["period_to"] = _("Enter the last day overpaid.")
    if amount is None:
        errors["amount"] = _("Enter the amount overpaid.")
    if not (description or "").strip():
        errors["description"] = _("Describe how the overpayment was found.")
    if errors:
        raise ValidationError(errors)
    assert person is not None and period_from and period_to and amount is not None
    pension_id = person.pensions.order_by("-id").values_list("id", flat=True).first()
    return overpayment_detect(
        person=person,
        source=OverpaymentSource.MANUAL,
        period_from=period_from,
        period_to=period_to,
        amount=amount,
        actor=actor,
        pension_id=pension_id,
        description=description.strip(),
    )


def detect_recalculations_daily(*, actor: Any, since_days: int = 400) -> int:
    """Daily: pensions paid in the last ``since_days`` that got an amount row after a payment, in
    force in the paid month, and now say less than was paid (idempotent: an open overpayment of the
    same period is not recorded twice). Only those pensions are examined: a run pays the amount in
    force when it is computed, so an overpayment needs a row recorded after the release."""
    from tugi.pensions.selectors import amounts_recorded_after, pensions_by_id

    cutoff = dt.date.today() - dt.timedelta(days=since_days)
    changed = amounts_recorded_after(
        pension=OuterRef("pension_id"),
        recorded_after=OuterRef("run__released_at"),
        month=OuterRef("run__month"),
    )
    pension_ids = set(
        PaymentLine.objects.filter(
            status=LineStatus.PAY,
            run__status=RunStatus.RELEASED,
            run__month__gte=cutoff,
            pension_id__isnull=False,
        )
        .filter(Exists(changed))
        .values_list("pension_id", flat=True)
    )
    return sum(
        detect_recalculation(pension=pension, actor=actor) is not None
        for pension in pensions_by_id(pension_ids)
    )


MAX_AMOUNT = Decimal("999999999999.99")


def repayment_record(
    *,
    overpayment: Overpayment,
    amount: Decimal | None,
    actor: Any,
    on: dt.date | None = None,
    note: str = "",
) -> Recovery:
    """Record a repayment confirmed outside the bank statements (e.g. paid at a cash desk or by
    another authority); the balance reaching 0 closes the claim as *paid*."""
    require(actor, "finance.add_recovery")
    on = _today(on)
    errors: dict[str, str] = {}
    if amount is None:
        errors["amount"] = _("Enter the amount repaid.")
    else:
        amount = round_cents(amount)
        if amount <= 0:
            errors["amount"] = _("A repayment is a positive amount.")
        elif amount > MAX_AMOUNT:
            errors["amount"] = _("The amount is too large.")
    if on > dt.date.today():
        errors["on"] = _("A repayment cannot be dated in the future.")
    if not (note or "").strip():
        errors["note"] = _("Say where the repayment was confirmed.")
    if errors:
        raise ValidationError(errors)
    assert amount is not None
    with transaction.atomic():
        op = _locked(overpayment)
        _refuse(op, CLAIMED, _("repaid"))
        return _repay(op, amount=amount, on=on, actor=actor, note=note.strip())
