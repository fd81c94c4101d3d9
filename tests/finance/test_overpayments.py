"""Overpayments: reference numbers, the lifecycle, offsets, bank repayments, detection, limitation."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone

from tugi.core.models import AuditEvent
from tugi.finance import selectors_overpayments as sel
from tugi.finance.models import (
    BankEvent,
    BankStatus,
    FinanceParameter,
    InboundFile,
    JournalLine,
    Overpayment,
    OverpaymentStatus,
    PaymentLine,
    PaymentRun,
    RunStatus,
)
from tugi.finance.reference import is_valid_reference, make_reference
from tugi.finance.services import overpayments as svc

from .factories import pensioner

pytestmark = pytest.mark.django_db
D = Decimal
REASONS = "The recipient did not report the change although the decision asked them to."
_seq = itertools.count(1)


def audits(op: Overpayment) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type__icontains="overpayment", object_id=str(op.pk))
        .order_by("id")
        .values_list("event_type", flat=True)
    )


def ledger_balanced() -> bool:
    t = JournalLine.objects.aggregate(d=Sum("debit"), c=Sum("credit"))
    return (t["d"] or 0) == (t["c"] or 0)


def detected(user: Any, amount: str = "300.00") -> Overpayment:
    pension = pensioner()
    return svc.overpayment_detect(
        person=pension.person,
        source="manual",
        period_from=dt.date(2026, 1, 1),
        period_to=dt.date(2026, 3, 31),
        amount=D(amount),
        actor=user,
        pension_id=pension.pk,
        detected_on=dt.date(2026, 4, 1),
    )


def to_recovering(
    user: Any, method: str = "offset", amount: str = "300.00", monthly: str = "100.00"
) -> Overpayment:
    op = detected(user, amount)
    op = svc.hearing_start(overpayment=op, actor=user, on=dt.date(2026, 4, 2), note="letter sent")
    op = svc.overpayment_decide(
        overpayment=op,
        cause="recipient",
        decision_reasons=REASONS,
        decided_amount=D(amount),
        actor=user,
        on=dt.date(2026, 4, 20),
    )
    op = svc.overpayment_notify(overpayment=op, actor=user, on=dt.date(2026, 4, 21))
    return svc.recovery_arrange(
        overpayment=op,
        method=method,
        monthly_amount=D(monthly),
        start_month=dt.date(2026, 5, 1),
        actor=user,
        on=dt.date(2026, 4, 22),
    )


def released_run(user: Any, month: dt.date) -> PaymentRun:
    return PaymentRun.objects.create(
        month=month,
        payment_date=month.replace(day=5),
        status=RunStatus.RELEASED,
        created_by=user,
        released_at=timezone.now(),
    )


def line(
    run: PaymentRun, pension: Any, gross: str, deductions: list[dict[str, Any]] | None = None, **kw: Any
) -> PaymentLine:
    ded = sum((D(d["amount"]) for d in deductions or []), D("0"))
    return PaymentLine.objects.create(
        run=run,
        person=pension.person,
        pension=pension,
        benefit_type="old_age",
        gross=D(gross),
        deduction=ded,
        net=D(gross) - ded,
        deductions=deductions or [],
        end_to_end_id=f"E2E-{next(_seq)}",
        **kw,
    )


# reference numbers -------------------------------------------------------------------------------


def test_reference_7_3_1() -> None:
    assert make_reference(1234) == "12344"
    rnd = random.Random(7)
    for _ in range(300):
        ref = make_reference(rnd.randint(1, 10**12))
        assert is_valid_reference(ref)
        pos = rnd.randrange(len(ref))
        changed = ref[:pos] + str((int(ref[pos]) + rnd.randint(1, 9)) % 10) + ref[pos + 1 :]
        assert not is_valid_reference(changed)


# lifecycle ---------------------------------------------------------------------------------------


def test_full_lifecycle_one_audit_per_transition_and_ledger_balances(finance_user: Any) -> None:
    op = detected(finance_user)
    assert audits(op) == ["finance.overpayment_detected"]
    op = svc.hearing_start(overpayment=op, actor=finance_user, note="asked")
    assert op.status == OverpaymentStatus.HEARING and len(audits(op)) == 2
    op = svc.overpayment_decide(
        overpayment=op,
        cause="agency",
        decision_reasons=REASONS,
        decided_amount=D("200.00"),
        actor=finance_user,
        on=dt.date(2026, 5, 1),
    )
    assert op.status == OverpaymentStatus.DECIDED and len(audits(op)) == 3
    assert sel.balance(op) == D("200.00")
    assert op.limitation_date == dt.date(2029, 5, 1)  # fallback of 3 years
    assert JournalLine.objects.filter(overpayment=op).exists() and ledger_balanced()
    op = svc.overpayment_notify(overpayment=op, actor=finance_user, on=dt.date(2026, 5, 4))
    assert op.status == OverpaymentStatus.NOTIFIED and is_valid_reference(op.reference_number)
    assert op.due_date is not None and op.due_date >= dt.date(2026, 6, 3) and op.due_date.weekday() < 5
    assert len(audits(op)) == 4
    op = svc.recovery_arrange(overpayment=op, method="direct", actor=finance_user)
    assert op.status == OverpaymentStatus.RECOVERING and len(audits(op)) == 5


def test_skipped_steps_refused(finance_user: Any) -> None:
    op = detected(finance_user)
    with pytest.raises(ValidationError) as e:
        svc.overpayment_decide(
            overpayment=op,
            cause="agency",
            decision_reasons=REASONS,
            decided_amount=D("1"),
            actor=finance_user,
        )
    assert "status" in e.value.message_dict and "hearing" in str(e.value)
    with pytest.raises(ValidationError):
        svc.overpayment_notify(overpayment=op, actor=finance_user)
    with pytest.raises(ValidationError):
        svc.recovery_arrange(overpayment=op, method="direct", actor=finance_user)
    op.refresh_from_db()
    assert op.status == OverpaymentStatus.DETECTED and len(audits(op)) == 1


def test_decision_requires_reasons_and_amount_within_limit(finance_user: Any) -> None:
    op = svc.hearing_start(overpayment=detected(finance_user), actor=finance_user)
    with pytest.raises(ValidationError) as e:
        svc.overpayment_decide(
            overpayment=op, cause="agency", decision_reasons="ok", decided_amount=D("10"), actor=finance_user
        )
    assert "decision_reasons" in e.value.message_dict and "never automatic" in str(e.value)
    with pytest.raises(ValidationError) as e:
        svc.overpayment_decide(
            overpayment=op,
            cause="agency",
            decision_reasons=REASONS,
            decided_amount=D("300.01"),
            actor=finance_user,
        )
    assert "decided_amount" in e.value.message_dict
    op.refresh_from_db()
    assert op.status == OverpaymentStatus.HEARING and not JournalLine.objects.exists()


def test_zero_decision_is_no_claim(finance_user: Any) -> None:
    op = svc.hearing_start(overpayment=detected(finance_user), actor=finance_user)
    op = svc.overpayment_decide(
        overpayment=op, cause="agency", decision_reasons=REASONS, decided_amount=D("0"), actor=finance_user
    )
    assert op.status == OverpaymentStatus.NO_CLAIM and op.closed_on is not None
    assert not JournalLine.objects.filter(overpayment=op).exists()
    assert audits(op)[-1] == "finance.overpayment_no_claim"


def test_waiver_is_final(finance_user: Any) -> None:
    op = to_recovering(finance_user)
    op = svc.overpayment_waive(overpayment=op, reason="hardship", actor=finance_user)
    assert op.status == OverpaymentStatus.WAIVED and sel.balance(op) == 0
    assert audits(op)[-1] == "finance.overpayment_waived" and ledger_balanced()
    for call in (svc.overpayment_write_off, svc.write_off_reverse, svc.overpayment_waive):
        with pytest.raises(ValidationError):
            call(overpayment=op, reason="again", actor=finance_user)
    with pytest.raises(ValidationError):
        svc.recovery_arrange(overpayment=op, method="direct", actor=finance_user)


def test_write_off_is_reversible(finance_user: Any) -> None:
    op = to_recovering(finance_user)
    op = svc.overpayment_write_off(overpayment=op, reason="cannot be collected", actor=finance_user)
    assert op.status == OverpaymentStatus.WRITTEN_OFF and sel.balance(op) == 0
    op = svc.write_off_reverse(overpayment=op, reason="person found assets", actor=finance_user)
    assert op.status == OverpaymentStatus.RECOVERING and sel.balance(op) == D("300.00")
    assert audits(op)[-2:] == ["finance.overpayment_written_off", "finance.overpayment_write_off_reversed"]
    assert ledger_balanced()


def test_reason_required_for_write_off(finance_user: Any) -> None:
    op = to_recovering(finance_user)
    with pytest.raises(ValidationError) as e:
        svc.overpayment_write_off(overpayment=op, reason=" ", actor=finance_user)
    assert "reason" in e.value.message_dict
    op.refresh_from_db()
    assert op.status == OverpaymentStatus.RECOVERING


def test_time_barred_by_daily_check_at_parameter(finance_user: Any, system: Any) -> None:
    FinanceParameter.objects.create(name="limitation_years", valid_from=dt.date(2000, 1, 1), value=D("2"))
    op = to_recovering(finance_user, method="direct")
    assert op.limitation_date == dt.date(2028, 4, 20)
    assert svc.limitation_check(actor=system, today=dt.date(2028, 4, 20))["time_barred"] == 0
    result = svc.limitation_check(actor=system, today=dt.date(2028, 4, 21))
    op.refresh_from_db()
    assert result["time_barred"] == 1 and op.status == OverpaymentStatus.TIME_BARRED
    assert sel.balance(op) == 0 and ledger_balanced()
    assert audits(op)[-1] == "finance.overpayment_time_barred"


# offsets -----------------------------------------------------------------------------------------


def test_offsets_due_respects_start_and_balance(finance_user: Any) -> None:
    op = to_recovering(finance_user, monthly="100.00")
    assert sel.offsets_due(dt.date(2026, 4, 1)) == {}
    due = sel.offsets_due(dt.date(2026, 5, 1))
    assert due == {op.person_id: [sel.OffsetDue(op.pk, D("100.00"), D("300.00"))]}
    direct = to_recovering(finance_user, method="direct")
    assert direct.person_id not in sel.offsets_due(dt.date(2026, 6, 1))


def test_record_offsets_reduces_balance_until_paid(finance_user: Any) -> None:
    op = to_recovering(finance_user, amount="150.00", monthly="100.00")
    pension = op.pension
    for month, amount in ((dt.date(2026, 5, 1), "100.00"), (dt.date(2026, 6, 1), "50.00")):
        due = sel.offsets_due(month)[op.person_id][0]
        assert due.balance >= D(amount)
        run = released_run(finance_user, month)
        line(run, pension, "750.00", [{"overpayment": op.pk, "amount": amount}])
        assert svc.record_offsets(run=run, actor=finance_user) == 1
    op.refresh_from_db()
    assert sel.balance(op) == 0 and op.status == OverpaymentStatus.PAID
    assert "finance.overpayment_paid" in audits(op) and ledger_balanced()
    assert sel.offsets_due(dt.date(2026, 7, 1)) == {}


# bank --------------------------------------------------------------------------------------------


def credit(user: Any, ref: str, amount: str) -> BankEvent:
    f = InboundFile.objects.create(
        kind="camt053",
        schema="camt.053.001.08",
        message_id=f"M{next(_seq)}",
        sha256=f"{next(_seq):064d}",
        original_name="s.xml",
        path="x",
        imported_by=user,
    )
    return BankEvent.objects.create(
        file=f, kind="credit", reference=ref, amount=D(amount), booked_on=dt.date(2026, 5, 10)
    )


def test_repayment_from_bank_by_reference(finance_user: Any) -> None:
    op = to_recovering(finance_user, method="direct", amount="120.00")
    spaced = f"{op.reference_number[:3]} {op.reference_number[3:]}"
    assert not svc.repayment_from_bank(event=credit(finance_user, "12344", "120.00"), actor=finance_user)
    event = credit(finance_user, spaced, "100.00")
    assert svc.repayment_from_bank(event=event, actor=finance_user)
    event.refresh_from_db()
    assert event.matched and sel.balance(op) == D("20.00")
    assert not svc.repayment_from_bank(event=event, actor=finance_user)  # matched once only
    assert svc.repayment_from_bank(
        event=credit(finance_user, op.reference_number, "25.00"), actor=finance_user
    )
    op.refresh_from_db()
    assert op.status == OverpaymentStatus.PAID and sel.balance(op) == D("-5.00")  # surplus shown
    assert ledger_balanced()


# detection ---------------------------------------------------------------------------------------


def test_detect_after_death_counts_months_after_death_not_returned(finance_user: Any) -> None:
    pension = pensioner(amount="700.00")
    person = pension.person
    person.date_of_death = dt.date(2026, 3, 14)
    person.save()
    for month, status in (
        (dt.date(2026, 3, 1), BankStatus.BOOKED),  # month of death: due
        (dt.date(2026, 4, 1), BankStatus.BOOKED),
        (dt.date(2026, 5, 1), BankStatus.RETURNED),  # returned: not overpaid
        (dt.date(2026, 6, 1), BankStatus.ACCEPTED),
    ):
        line(released_run(finance_user, month), pension, "700.00", bank_status=status)
    op = svc.detect_after_death(person=person, actor=finance_user)
    assert op is not None and op.amount == D("1400.00")
    assert op.period_from == dt.date(2026, 4, 1) and op.period_to == dt.date(2026, 6, 30)
    assert svc.detect_after_death(person=person, actor=finance_user) == op  # idempotent
    assert svc.detect_deaths_daily(actor=finance_user) == 1
    assert Overpayment.objects.count() == 1
    line(released_run(finance_user, dt.date(2026, 7, 1)), pension, "700.00", bank_status=BankStatus.BOOKED)
    later = svc.detect_after_death(person=person, actor=finance_user)
    assert later is not None and later != op and later.amount == D("700.00")  # only the new month
    assert later.period_from == dt.date(2026, 7, 1)


def test_detect_after_death_unknown_date_creates_task(finance_user: Any) -> None:
    from tugi.work.models import Task

    pension = pensioner()
    assert svc.detect_after_death(person=pension.person, actor=finance_user) is None
    assert Task.objects.filter(title__icontains="date of death").count() == 1
    assert not Overpayment.objects.exists()


def test_manual_detect_bad_input_names_field(finance_user: Any) -> None:
    pension = pensioner()
    with pytest.raises(ValidationError) as e:
        svc.overpayment_detect(
            person=pension.person,
            source="manual",
            period_from=dt.date(2026, 2, 1),
            period_to=dt.date(2026, 1, 1),
            amount=D("10"),
            actor=finance_user,
        )
    assert "period_to" in e.value.message_dict
    assert not Overpayment.objects.exists()


def test_permission_required(auditor: Any, finance_user: Any) -> None:
    op = detected(finance_user)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        svc.hearing_start(overpayment=op, actor=auditor)


def test_recalculation_lowering_paid_months_is_overpayment(finance_user: Any) -> None:
    from tests.pensions.factories import PensionAmountFactory

    pension = pensioner(amount="750.00")
    for month in (dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)):
        line(released_run(finance_user, month), pension, "750.00", bank_status=BankStatus.BOOKED)
    assert svc.detect_recalculation(pension=pension, actor=finance_user) is None
    PensionAmountFactory(pension=pension, amount=D("700.00"), valid_from=dt.date(2026, 2, 1))
    op = svc.detect_recalculation(pension=pension, actor=finance_user)
    assert op is not None and op.source == "recalculation" and op.amount == D("100.00")
    assert (op.period_from, op.period_to) == (dt.date(2026, 2, 1), dt.date(2026, 3, 31))
    assert svc.detect_recalculations_daily(actor=finance_user) == 1 and Overpayment.objects.count() == 1


def test_the_daily_scan_examines_only_amounts_recorded_after_the_payment(finance_user: Any) -> None:
    from tests.pensions.factories import PensionAmountFactory

    earlier, later, future = (pensioner(amount="750.00") for _ in range(3))
    # recorded before the run: the run paid what was then in force (a differing payment is the
    # monitors' business, not a recalculation)
    PensionAmountFactory(pension=earlier, amount=D("700.00"), valid_from=dt.date(2026, 1, 1))
    run = released_run(finance_user, dt.date(2026, 1, 1))
    for pension in (earlier, later, future):
        line(run, pension, "750.00", bank_status=BankStatus.BOOKED)
    PensionAmountFactory(pension=later, amount=D("720.00"), valid_from=dt.date(2026, 1, 1))
    PensionAmountFactory(pension=future, amount=D("700.00"), valid_from=dt.date(2026, 2, 1))  # not yet paid
    assert svc.detect_recalculations_daily(actor=finance_user) == 1
    op = Overpayment.objects.get()
    assert (op.pension_id, op.amount) == (later.pk, D("30.00"))
    assert svc.detect_recalculations_daily(actor=finance_user) == 1 and Overpayment.objects.count() == 1


def test_limitation_warning_notifies_once_without_recent_action(finance_user: Any, system: Any) -> None:
    from tugi.core.models import Topic

    op = to_recovering(finance_user, method="direct")
    assert op.limitation_date is not None
    soon = op.limitation_date - dt.timedelta(days=30)
    assert svc.limitation_check(actor=system, today=soon) == {"time_barred": 0, "warned": 1}
    assert Topic.objects.filter(code="overpayments").exists()
    op.refresh_from_db()
    assert op.status == OverpaymentStatus.RECOVERING


def test_estate_claim_needs_death_and_records_estate_repayment(finance_user: Any) -> None:
    op = detected(finance_user)
    op = svc.hearing_start(overpayment=op, actor=finance_user)
    op = svc.overpayment_decide(
        overpayment=op,
        cause="other",
        decision_reasons=REASONS,
        decided_amount=D("300.00"),
        actor=finance_user,
    )
    op = svc.overpayment_notify(overpayment=op, actor=finance_user)
    with pytest.raises(ValidationError) as e:
        svc.recovery_arrange(overpayment=op, method="estate", actor=finance_user)
    assert "method" in e.value.message_dict
    op.person.date_of_death = dt.date(2026, 3, 1)
    op.person.save()
    op = svc.recovery_arrange(overpayment=op, method="estate", actor=finance_user)
    rec = svc.repayment_record(overpayment=op, amount=D("300.00"), actor=finance_user, note="estate paid")
    op.refresh_from_db()
    assert rec.kind == "estate" and op.status == OverpaymentStatus.PAID and ledger_balanced()
