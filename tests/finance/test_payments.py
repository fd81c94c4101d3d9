"""Payment runs, bank accounts and finance parameters: what a finance specialist relies on."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tugi.core.imports import ImportError_
from tugi.core.models import AuditEvent
from tugi.finance.benefits import payment_date
from tugi.finance.models import (
    BankAccount,
    BankStatus,
    Benefit,
    FinanceParameter,
    HoldReason,
    JournalEntry,
    LineStatus,
    PaymentLine,
    PaymentRun,
    RunStatus,
)
from tugi.finance.selectors_overpayments import OffsetDue
from tugi.finance.selectors_payments import current_accounts, parameter_value
from tugi.finance.services import payments as svc
from tugi.finance.services.holds import hold_place

from ..helpers import count_queries
from .factories import IBANS, debtor_account, pensioner

MONTH = dt.date(2026, 3, 1)

pytestmark = pytest.mark.django_db


def _run(actor: Any, month: dt.date = MONTH) -> PaymentRun:
    return svc.run_create(benefit=Benefit.PENSION, month=month, actor=actor)


def _computed(actor: Any, month: dt.date = MONTH) -> PaymentRun:
    return svc.run_compute_now(run=_run(actor, month), actor=actor)


def test_payment_date_moves_off_weekends_and_holidays() -> None:
    # 5 Sep 2026 is a Saturday → Monday 7 Sep
    assert payment_date(Benefit.PENSION, dt.date(2026, 9, 1)) == dt.date(2026, 9, 7)
    # 8 Jan 2026 is a Thursday: family benefits on the 8th stay
    assert payment_date(Benefit.FAMILY, dt.date(2026, 1, 1)) == dt.date(2026, 1, 8)
    # 5 Apr 2026 is Easter Sunday → Monday 6 Apr
    assert payment_date(Benefit.PENSION, dt.date(2026, 4, 1)) == dt.date(2026, 4, 6)


def test_run_create_normalises_the_month_and_refuses_a_second_live_run(finance_user: Any) -> None:
    run = svc.run_create(benefit=Benefit.PENSION, month="2026-09", actor=finance_user)
    assert run.month == dt.date(2026, 9, 1) and run.payment_date == dt.date(2026, 9, 7)
    assert AuditEvent.objects.filter(event_type="finance.run_created", object_id=str(run.pk)).count() == 1
    with pytest.raises(ValidationError) as exc:
        svc.run_create(benefit=Benefit.PENSION, month=dt.date(2026, 9, 15), actor=finance_user)
    assert "month" in exc.value.message_dict and "already" in exc.value.message_dict["month"][0]
    assert PaymentRun.objects.count() == 1
    svc.run_discard(run=run, actor=finance_user, reason="wrong note")
    assert svc.run_create(benefit=Benefit.PENSION, month="2026-09", actor=finance_user).pk != run.pk


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"benefit": "nope", "month": "2026-09"}, "benefit"),
        ({"benefit": "pension", "month": "2026-13"}, "month"),
        ({"benefit": "pension", "month": ""}, "month"),
        ({"benefit": "pension", "month": "1990-01"}, "month"),
    ],
)
def test_run_create_bad_input_names_the_field(finance_user: Any, values: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as exc:
        svc.run_create(actor=finance_user, **values)
    assert field in exc.value.message_dict
    assert PaymentRun.objects.count() == 0


def test_compute_makes_lines_and_holds_those_that_cannot_be_paid(finance_user: Any) -> None:
    paid = pensioner(amount="700.00", iban=IBANS[1], town="Põlva")
    paid.person.first_name = "Mari-Liis\\Õie\tÜlle"
    paid.person.save()
    no_account = pensioner(amount="500.00", iban=None)
    bad_iban = pensioner(amount="510.00", iban="EE000000000000000000")
    on_hold = pensioner(amount="520.00")
    dead = pensioner(amount="530.00")
    dead.person.date_of_death = dt.date(2026, 2, 10)
    dead.person.save()
    died_in_month = pensioner(amount="540.00")
    died_in_month.person.date_of_death = dt.date(2026, 3, 2)
    died_in_month.person.save()
    hold_place(person=on_hold.person, reason=HoldReason.CLOSED_ACCOUNT, actor=finance_user)

    run = _computed(finance_user)

    assert run.status == RunStatus.COMPUTED
    lines = {line.pension_id: line for line in PaymentLine.objects.filter(run=run)}
    assert len(lines) == 6
    line = lines[paid.pk]
    assert (line.status, line.gross, line.net, line.iban, line.town) == (
        LineStatus.PAY,
        Decimal("700.00"),
        Decimal("700.00"),
        IBANS[1],
        "Põlva",
    )
    assert line.creditor_name == f"{paid.person.first_name} {paid.person.last_name}"
    assert line.end_to_end_id == f"P{run.pk}-{paid.pk}" and line.bic
    assert lines[no_account.pk].hold_reason == "no-account"
    assert lines[bad_iban.pk].hold_reason == "invalid-iban"
    assert lines[on_hold.pk].hold_reason == "hold:AC04"
    assert lines[dead.pk].hold_reason == "deceased"
    assert lines[died_in_month.pk].status == LineStatus.PAY
    assert all(lines[p.pk].status == LineStatus.HELD for p in (no_account, bad_iban, on_hold, dead))
    assert run.counts["held"] == 4 and run.counts["paid"] == 2
    assert run.totals["gross"] == "1240.00"
    assert run.review["held_by_reason"]["no-account"] == {"count": 1, "gross": "500.00"}
    assert AuditEvent.objects.filter(event_type="finance.run_computed", object_id=str(run.pk)).exists()


def test_last_given_account_is_used(finance_user: Any) -> None:
    pension = pensioner(iban=IBANS[0], given_on=dt.date(2021, 1, 1))
    svc.account_give(
        person=pension.person, iban=IBANS[2].lower(), given_on=dt.date(2022, 5, 1), actor=finance_user
    )
    assert current_accounts()[pension.person_id].iban == IBANS[2]
    run = _computed(finance_user)
    assert PaymentLine.objects.get(run=run).iban == IBANS[2]


def test_deduction_is_capped_at_half_and_allocated_in_order(finance_user: Any, monkeypatch: Any) -> None:
    svc.parameters_ensure_defaults(actor=finance_user)
    pension = pensioner(amount="600.00")
    due = {
        pension.person_id: [
            OffsetDue(overpayment_id=11, monthly_amount=Decimal("250.00"), balance=Decimal("1000.00")),
            OffsetDue(overpayment_id=12, monthly_amount=Decimal("100.00"), balance=Decimal("40.00")),
            OffsetDue(overpayment_id=13, monthly_amount=Decimal("100.00"), balance=Decimal("500.00")),
        ]
    }
    monkeypatch.setattr("tugi.finance.services.payments_compute._offsets_due", lambda month: due)
    run = _computed(finance_user)
    line = PaymentLine.objects.get(run=run)
    assert line.deduction == Decimal("300.00") and line.net == Decimal("300.00")
    assert line.deductions == [
        {"overpayment": 11, "amount": "250.00"},
        {"overpayment": 12, "amount": "40.00"},
        {"overpayment": 13, "amount": "10.00"},
    ]
    assert run.totals["deduction"] == "300.00"


def test_compute_query_count_does_not_grow(finance_user: Any) -> None:
    pensioner()
    first = count_queries(lambda: _computed(finance_user, dt.date(2026, 3, 1)))
    for _ in range(8):
        pensioner(iban=IBANS[3])
    second = count_queries(lambda: _computed(finance_user, dt.date(2026, 4, 1)))
    assert second <= first + 2  # +2: the previous run's lines and the changed persons are read


def test_four_eyes_and_release_posts_balanced_entries(finance_user: Any, make_user: Any) -> None:
    from tugi.core.roles import Role

    debtor_account()
    svc.parameters_ensure_defaults(actor=finance_user)
    pensioner(amount="700.00")
    pensioner(amount="300.50", iban=IBANS[2])
    pensioner(amount="100.00", iban=None)
    run = _computed(finance_user)
    with pytest.raises(PermissionDenied, match="Four eyes"):
        svc.run_approve(run=run, actor=finance_user)
    run.refresh_from_db()
    assert run.status == RunStatus.COMPUTED
    with pytest.raises(ValidationError) as exc:
        svc.run_release(run=run, actor=finance_user)
    assert "status" in exc.value.message_dict
    other = make_user(Role.FINANCE)
    svc.run_approve(run=run, actor=other)
    run = svc.run_release(run=run, actor=other)
    assert run.status == RunStatus.RELEASED
    assert run.files.count() >= 1
    entries = JournalEntry.objects.all()
    assert entries.count() == 2
    for entry in entries:
        debit = sum(line.debit for line in entry.lines.all())
        credit = sum(line.credit for line in entry.lines.all())
        assert debit == credit
    amounts = sorted(sum(line.debit for line in e.lines.all()) for e in entries)
    assert amounts == [Decimal("1000.50"), Decimal("1000.50")]
    assert set(
        PaymentLine.objects.filter(run=run, status=LineStatus.PAY).values_list("bank_status", flat=True)
    ) == {BankStatus.SENT}
    assert PaymentLine.objects.get(run=run, status=LineStatus.HELD).bank_status == BankStatus.NOT_SENT
    assert AuditEvent.objects.filter(event_type="finance.run_released", object_id=str(run.pk)).count() == 1
    with pytest.raises(ValidationError):
        svc.run_discard(run=run, actor=other, reason="too late")


def test_release_failure_leaves_nothing_half_done(
    finance_user: Any, make_user: Any, monkeypatch: Any
) -> None:
    from tugi.core.roles import Role

    debtor_account()
    pensioner()
    run = _computed(finance_user)
    svc.run_approve(run=run, actor=make_user(Role.FINANCE))

    def boom(run: Any, actor: Any) -> None:
        raise RuntimeError("offsets failed")

    monkeypatch.setattr(svc, "_record_offsets", boom)
    with pytest.raises(RuntimeError):
        svc.run_release(run=run, actor=finance_user)
    run.refresh_from_db()
    assert run.status == RunStatus.APPROVED
    assert JournalEntry.objects.count() == 0 and run.files.count() == 0
    assert not PaymentLine.objects.filter(run=run, bank_status=BankStatus.SENT).exists()


def test_changes_from_last_month(finance_user: Any, make_user: Any) -> None:
    from tugi.core.roles import Role

    debtor_account()
    stays = pensioner(amount="500.00")
    stops = pensioner(amount="400.00")
    first = _computed(finance_user, dt.date(2026, 2, 1))
    svc.run_approve(run=first, actor=make_user(Role.FINANCE))
    stops.status = "ended"
    stops.ended_on = dt.date(2026, 2, 28)
    stops.save()
    amount = stays.amounts.first()
    amount.pk = None
    amount.valid_from, amount.amount = dt.date(2026, 3, 1), Decimal("525.00")
    amount.save()
    pensioner(amount="300.00")
    run = _computed(finance_user)
    changes = run.review["changes"]
    assert changes["previous"]["id"] == first.pk
    assert changes["new"] == {"count": 1, "gross": "300.00"}
    assert changes["stopped"] == {"count": 1, "gross": "400.00"}
    assert changes["changed"] == {"count": 1, "difference": "25.00"}
    assert changes["top"][0]["person"] == stays.person.masked_code


def test_account_give_validates_and_audits(finance_user: Any) -> None:
    pension = pensioner(iban=None)
    account = svc.account_give(
        person=pension.person,
        iban=" ee38 2200 2210 2014 5685 ",
        given_on=dt.date(2025, 1, 1),
        actor=finance_user,
    )
    assert account.iban == "EE382200221020145685" and account.bic == "HABAEE2X" and account.country == "EE"
    assert AuditEvent.objects.filter(event_type="finance.account_given").count() == 1
    with pytest.raises(ValidationError) as exc:
        svc.account_give(
            person=pension.person,
            iban="EE382200221020145686",
            given_on=dt.date(2025, 1, 1),
            actor=finance_user,
        )
    assert "iban" in exc.value.message_dict
    assert BankAccount.objects.count() == 1


def test_account_import_bad_line_rejects_the_file(finance_user: Any) -> None:
    a, b = pensioner(iban=None), pensioner(iban=None)
    good = f"person_code;iban;given_on;town;country\n{a.person.personal_code};{IBANS[0]};2025-01-01;Võru;EE\n"
    bad = good + f"{b.person.personal_code};EE11;2025-01-01;Jõhvi;EE\n"
    with pytest.raises(ImportError_) as exc:
        svc.accounts_import(content=bad.encode(), actor=finance_user)
    assert [(e.line, e.field) for e in exc.value.errors] == [(3, "iban")]
    assert BankAccount.objects.count() == 0
    assert svc.accounts_import(content=good.encode(), actor=finance_user) == {
        "accounts": 1,
        "persons": 1,
        "unchanged": 0,
    }
    assert BankAccount.objects.get().town == "Võru"


def test_parameters_defaults_and_benefit_specific_value_wins(finance_user: Any) -> None:
    assert svc.parameters_ensure_defaults(actor=finance_user) == 3
    assert svc.parameters_ensure_defaults(actor=finance_user) == 0
    cap = FinanceParameter.objects.get(name="deduction_cap")
    assert cap.verified is False and "half" in cap.note
    assert parameter_value("deduction_cap", "pension", dt.date(2026, 1, 1)) == Decimal("0.5")
    assert parameter_value("limitation_years", "pension", dt.date(2026, 1, 1)) == Decimal("3")
    svc.parameter_add(
        name="limitation_years",
        benefit="pension",
        valid_from=dt.date(2025, 1, 1),
        value="5",
        actor=finance_user,
    )
    assert parameter_value("limitation_years", "pension", dt.date(2026, 1, 1)) == Decimal("5")
    assert parameter_value("limitation_years", "family", dt.date(2026, 1, 1)) == Decimal("3")
    with pytest.raises(ValidationError) as exc:
        svc.parameter_add(
            name="deduction_cap", valid_from=dt.date(2025, 1, 1), value="1.5", actor=finance_user
        )
    assert "value" in exc.value.message_dict
    assert FinanceParameter.objects.count() == 4


def test_debtor_defaults(finance_user: Any, admin_user: Any) -> None:
    debtors = svc.debtor_ensure_defaults(actor=admin_user)
    assert {d.benefit for d in debtors} == set(Benefit.values)
    assert debtors[0].iban == "EE801000102200347966"
    assert len(svc.debtor_ensure_defaults(actor=admin_user)) == 3


def test_demo_loads_runs_once(make_user: Any) -> None:
    import io

    from tugi.core.roles import Role
    from tugi.finance import demo_payments

    make_user(Role.FINANCE, username="finance")
    make_user(Role.DOMAIN_SUPPORT, username="domain_support")
    for _ in range(3):
        pensioner(iban=None)
    out = io.StringIO()
    demo_payments.load(None, out)
    runs = list(PaymentRun.objects.order_by("month"))
    assert [r.status for r in runs] == [RunStatus.RELEASED] * 4 + [RunStatus.COMPUTED]
    assert BankAccount.objects.count() >= 2 and all(r.files.exists() for r in runs[:4])
    demo_payments.load(None, out)
    assert PaymentRun.objects.count() == 5 and "skipped" in out.getvalue()


def test_command_line_run(finance_user: Any, make_user: Any) -> None:
    import io

    from django.core.management import CommandError, call_command

    from tugi.core.roles import Role

    debtor_account()
    pensioner()
    approver = make_user(Role.FINANCE)
    with pytest.raises(CommandError, match="month"):
        call_command("payment_run", "--month", "2026-13", stdout=io.StringIO())
    out = io.StringIO()
    call_command(
        "payment_run",
        "--month",
        "2026-03",
        "--as",
        finance_user.username,
        "--compute",
        "--approve-as",
        approver.username,
        "--release",
        stdout=out,
    )
    assert "is released" in out.getvalue()
    assert PaymentRun.objects.get().status == RunStatus.RELEASED
