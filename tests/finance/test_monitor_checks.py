"""Each seeded check finds its case and stays quiet on clean data (SQL on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tests.pensions.factories import PensionAmountFactory, PensionFactory
from tugi.finance.models import BankAccount, Monitor, MonitorOutcome, Overpayment, PaymentLine, PaymentRun
from tugi.finance.services.monitors import monitor_run, monitors_ensure_defaults

from .factories import IBANS, pensioner

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = dt.date(2026, 11, 20)
_seq = iter(range(1, 10_000))


def _run(actor: Any, month: dt.date, status: str = "released") -> PaymentRun:
    return PaymentRun.objects.create(
        month=month, payment_date=month.replace(day=5), status=status, created_by=actor
    )


def _line(run: PaymentRun, pension: Any, gross: str = "750.00", net: str | None = None) -> PaymentLine:
    return PaymentLine.objects.create(
        run=run,
        person=pension.person,
        pension=pension,
        benefit_type="old-age",
        gross=Decimal(gross),
        net=Decimal(net if net is not None else gross),
        end_to_end_id=f"E2E-{next(_seq)}",
    )


def _check(actor: Any, code: str) -> Any:
    monitors_ensure_defaults(actor=actor)
    return monitor_run(monitor=Monitor.objects.get(code=code), actor=actor, today=TODAY)


def test_defaults_are_seeded_once_with_descriptions(system: Any) -> None:
    first = monitors_ensure_defaults(actor=system)
    again = monitors_ensure_defaults(actor=system)
    assert [m.pk for m in first] == [m.pk for m in again]
    assert len(first) == 6
    assert all(m.description for m in first)


def test_payments_after_death(system: Any) -> None:
    dead = pensioner()
    dead.person.date_of_death = dt.date(2026, 8, 14)
    dead.person.save()
    alive = pensioner(iban=IBANS[1])
    august, september = _run(system, dt.date(2026, 8, 1)), _run(system, dt.date(2026, 9, 1))
    _line(august, dead)  # the month of death is still paid
    _line(august, alive)
    _line(september, alive)
    assert _check(system, "paid-after-death").outcome == MonitorOutcome.CLEAN
    _line(september, dead)
    result = _check(system, "paid-after-death")
    assert result.outcome == MonitorOutcome.FOUND
    assert result.row_count == 1
    assert result.rows[0][0] == dead.person.masked_code


def test_two_pensions_of_one_type(system: Any) -> None:
    first = pensioner()
    other_type = PensionFactory(person=first.person, pension_type__code="disability", pension_type__name="D")
    assert _check(system, "two-pensions-same-type").outcome == MonitorOutcome.CLEAN
    assert other_type.pk
    PensionFactory(person=first.person, pension_type=first.pension_type)
    result = _check(system, "two-pensions-same-type")
    assert result.outcome == MonitorOutcome.FOUND
    assert result.rows[0][:2] == [first.person.masked_code, "old-age"]


def test_gross_differs_from_amount_in_force_on_the_first_day(system: Any) -> None:
    pension = pensioner(amount="750.00", start_date=dt.date(2020, 1, 1))
    PensionAmountFactory(pension=pension, valid_from=dt.date(2026, 4, 1), amount=Decimal("800.00"))
    PensionAmountFactory(pension=pension, valid_from=dt.date(2026, 4, 2), amount=Decimal("900.00"))
    _line(_run(system, dt.date(2026, 3, 1)), pension, "750.00")
    _line(_run(system, dt.date(2026, 4, 1)), pension, "800.00")
    assert _check(system, "gross-differs-from-amount").outcome == MonitorOutcome.CLEAN
    _line(_run(system, dt.date(2026, 5, 1)), pension, "800.00")  # 900.00 in force on 1 May
    result = _check(system, "gross-differs-from-amount")
    assert result.outcome == MonitorOutcome.FOUND
    assert result.row_count == 1
    assert Decimal(str(result.rows[0][2])) == Decimal("800") and Decimal(str(result.rows[0][3])) == Decimal(
        "900"
    )


def test_iban_shared_by_different_persons_current_accounts_only(system: Any) -> None:
    a = pensioner(iban=IBANS[0])
    b = pensioner(iban=IBANS[1])
    # b gave a's IBAN once, but later his own: only current accounts count
    BankAccount.objects.create(person=b.person, iban=IBANS[0], given_on=dt.date(2019, 1, 1))
    assert _check(system, "iban-shared").outcome == MonitorOutcome.CLEAN
    BankAccount.objects.create(person=b.person, iban=IBANS[0], given_on=dt.date(2026, 1, 1))
    result = _check(system, "iban-shared")
    assert result.outcome == MonitorOutcome.FOUND
    assert result.rows == [[IBANS[0], a.person.masked_code, b.person.masked_code]] or result.rows == [
        [IBANS[0], b.person.masked_code, a.person.masked_code]
    ]


def _overpayment(person: Any, actor: Any, **kwargs: Any) -> Overpayment:
    values = {
        "person": person,
        "source": "manual",
        "period_from": dt.date(2021, 1, 1),
        "period_to": dt.date(2021, 3, 31),
        "amount": Decimal("300.00"),
        "status": "decided",
        "detected_on": dt.date(2021, 5, 1),
        "created_by": actor,
    }
    values.update(kwargs)
    return Overpayment.objects.create(**values)


def test_overpayment_near_limitation_without_action(system: Any) -> None:
    person = pensioner().person
    _overpayment(person, system, limitation_date=TODAY + dt.timedelta(days=200), last_action_on=None)  # far
    _overpayment(
        person, system, limitation_date=TODAY + dt.timedelta(days=30), last_action_on=TODAY
    )  # acted on
    _overpayment(person, system, limitation_date=TODAY + dt.timedelta(days=30), status="paid")  # closed
    assert _check(system, "overpayment-limitation-idle").outcome == MonitorOutcome.CLEAN
    idle = _overpayment(
        person,
        system,
        limitation_date=TODAY + dt.timedelta(days=30),
        last_action_on=TODAY - dt.timedelta(days=45),
    )
    result = _check(system, "overpayment-limitation-idle")
    assert result.outcome == MonitorOutcome.FOUND
    assert result.rows[0][:2] == [idle.pk, person.masked_code]


def test_negative_payment(system: Any) -> None:
    pension = pensioner()
    run = _run(system, dt.date(2026, 6, 1), status="computed")
    _line(run, pension, "750.00", "0.00")
    discarded = _run(system, dt.date(2026, 7, 1), status="discarded")
    _line(discarded, pension, "750.00", "-1.00")
    assert _check(system, "negative-payment").outcome == MonitorOutcome.CLEAN
    _line(_run(system, dt.date(2026, 8, 1), status="computed"), pension, "100.00", "-20.00")
    result = _check(system, "negative-payment")
    assert result.outcome == MonitorOutcome.FOUND
    assert result.row_count == 1
