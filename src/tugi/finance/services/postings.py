"""The posting rules: one function per money event, each posting one balanced entry through
``ledger.post``. Services call these; nothing else writes journal lines.

Runs post per benefit type (an accrual and a payment entry per run), so 320 000 lines make a few
journal lines; returns, overpayments and recoveries post per event with the person and the
overpayment on the receivable lines (the ageing report reads them)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from tugi.core.money import summed

from ..models import (
    BankEvent,
    EntryKind,
    JournalEntry,
    LineStatus,
    Overpayment,
    PaymentLine,
    PaymentRun,
    Recovery,
    RecoveryKind,
)
from .ledger import Posting, post

ZERO = Decimal("0.00")


def _by_type(run: PaymentRun, field: str) -> list[tuple[str, Decimal]]:
    rows = (
        PaymentLine.objects.filter(run=run, status=LineStatus.PAY)
        .values("benefit_type")
        .annotate(total=Sum(field))
        .order_by("benefit_type")
    )
    return [(r["benefit_type"], summed(r["total"])) for r in rows if summed(r["total"]) > 0]


def post_run_accrual(*, run: PaymentRun, actor: Any) -> JournalEntry | None:
    """Dr benefit expense / Cr payable for the gross of every paid line, per benefit type, in the
    month paid for (accrual to the period paid for)."""
    groups = _by_type(run, "gross")
    if not groups:
        return None
    lines = [Posting("benefit_expense", debit=t, benefit_type=bt) for bt, t in groups]
    lines += [Posting("benefit_payable", credit=t, benefit_type=bt) for bt, t in groups]
    return post(
        kind=EntryKind.ACCRUAL, on=run.month, memo=f"Accrual {run}", lines=lines, actor=actor, source=run
    )


def post_run_payment(*, run: PaymentRun, actor: Any) -> JournalEntry | None:
    """Dr payable / Cr bank for the net of every paid line, per benefit type, on the payment date."""
    groups = _by_type(run, "net")
    if not groups:
        return None
    lines = [Posting("benefit_payable", debit=t, benefit_type=bt) for bt, t in groups]
    lines += [Posting("bank", credit=t, benefit_type=bt) for bt, t in groups]
    return post(
        kind=EntryKind.PAYMENT,
        on=run.payment_date,
        memo=f"Payment {run}",
        lines=lines,
        actor=actor,
        source=run,
    )


def post_return(*, line: PaymentLine, event: BankEvent, actor: Any) -> JournalEntry:
    """A payment came back (or the bank rejected it): Dr bank / Cr returned payments."""
    amount = event.amount if event.amount is not None else line.net
    return post(
        kind=EntryKind.RETURN,
        on=event.booked_on or dt.date.today(),
        memo=f"Return {line.end_to_end_id} {event.reason_code}".strip(),
        lines=[
            Posting("bank", debit=amount, benefit_type=line.benefit_type, person_id=line.person_id),
            Posting(
                "returned_payments", credit=amount, benefit_type=line.benefit_type, person_id=line.person_id
            ),
        ],
        actor=actor,
        source=event,
    )


def _benefit_type(op: Overpayment) -> str:
    return op.pension.pension_type.code if op.pension_id and op.pension else ""


def post_overpayment_decided(
    *, overpayment: Overpayment, amount: Decimal, on: dt.date, actor: Any
) -> JournalEntry:
    """The decided claim becomes a receivable: Dr receivable / Cr benefit expense."""
    bt = _benefit_type(overpayment)
    return post(
        kind=EntryKind.OVERPAYMENT,
        on=on,
        memo=f"Overpayment {overpayment.pk} decided",
        lines=[
            Posting(
                "overpayment_receivable",
                debit=amount,
                benefit_type=bt,
                person_id=overpayment.person_id,
                overpayment_id=overpayment.pk,
            ),
            Posting("benefit_expense", credit=amount, benefit_type=bt, person_id=overpayment.person_id),
        ],
        actor=actor,
        source=overpayment,
    )


#: recovery kind -> (entry kind, debit role, credit role), posted with the amount's absolute value.
_RECOVERY_RULES: dict[str, tuple[EntryKind, str, str]] = {
    RecoveryKind.OFFSET: (EntryKind.OFFSET, "benefit_payable", "overpayment_receivable"),
    RecoveryKind.REPAYMENT: (EntryKind.REPAYMENT, "bank", "overpayment_receivable"),
    RecoveryKind.ESTATE: (EntryKind.REPAYMENT, "bank", "overpayment_receivable"),
    RecoveryKind.WRITE_OFF: (EntryKind.WRITE_OFF, "write_off_expense", "overpayment_receivable"),
    RecoveryKind.WAIVER: (EntryKind.WAIVER, "write_off_expense", "overpayment_receivable"),
    RecoveryKind.WRITE_OFF_REVERSAL: (
        EntryKind.WRITE_OFF_REVERSAL,
        "overpayment_receivable",
        "write_off_expense",
    ),
}


def post_recovery(*, recovery: Recovery, actor: Any) -> JournalEntry:
    """Offset Dr payable / Cr receivable; repayment and estate Dr bank / Cr receivable; write-off and
    waiver Dr write-off expense / Cr receivable; a write-off reversal the other way round."""
    op = recovery.overpayment
    kind, debit_role, credit_role = _RECOVERY_RULES[recovery.kind]
    amount = abs(recovery.amount)
    bt = _benefit_type(op)

    def side(role: str, **money: Decimal) -> Posting:
        on_receivable = role == "overpayment_receivable"
        return Posting(
            role,
            benefit_type=bt,
            person_id=op.person_id,
            overpayment_id=op.pk if on_receivable else None,
            **money,
        )

    debit, credit = side(debit_role, debit=amount), side(credit_role, credit=amount)
    return post(
        kind=kind,
        on=recovery.on,
        memo=f"{recovery.get_kind_display()} overpayment {op.pk}",
        lines=[debit, credit],
        actor=actor,
        source=recovery,
    )
