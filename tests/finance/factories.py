"""Finance test data: a pensioner with an amount in force and a bank account, debtor accounts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from tugi.finance.models import BankAccount, Benefit, DebtorAccount
from tugi.pensions.models import Pension

from ..pensions.factories import pension_with_amount

#: Valid Estonian IBANs (check digits correct) for test data.
IBANS = ["EE382200221020145685", "EE471000001020145685", "EE737700007710012349", "EE922200002210123458"]


def debtor_account(benefit: str = Benefit.PENSION, **kwargs: Any) -> DebtorAccount:
    values = {
        "code": f"ska-{benefit}",
        "name": "Sotsiaalkindlustusamet",
        "iban": "EE801000102200347966",
        "bic": "EEUHEE2X",
        "benefit": benefit,
    }
    values.update(kwargs)
    account, _ = DebtorAccount.objects.get_or_create(code=values["code"], defaults=values)
    return account


def pensioner(
    *,
    amount: Decimal | str = "750.00",
    iban: str | None = IBANS[0],
    town: str = "Tartu",
    country: str = "EE",
    start_date: dt.date = dt.date(2020, 1, 1),
    given_on: dt.date = dt.date(2020, 1, 1),
    **pension_kwargs: Any,
) -> Pension:
    """A pension in payment with ``amount`` in force from ``start_date`` and (unless ``iban`` is None)
    a bank account given on ``given_on``."""
    pension = pension_with_amount(amount=amount, start_date=start_date, **pension_kwargs)
    if iban:
        BankAccount.objects.create(
            person=pension.person,
            iban=iban,
            holder_name=str(pension.person),
            town=town,
            country=country,
            given_on=given_on,
            source="test",
        )
    return pension


# --- sub-ledger and reports: runs, returns and overpayments built with the ORM ---------------

_E2E = iter(range(1, 10**9))


def ledger_run(
    *,
    month: dt.date,
    lines: list[tuple[Any, Decimal | str, Decimal | str]],
    actor: Any,
    status: str = "released",
    benefit: str = Benefit.PENSION,
) -> Any:
    """A payment run for ``month`` with paid lines ``(pension, gross, deduction)`` (not posted)."""
    from tugi.finance.models import PaymentLine, PaymentRun

    run = PaymentRun.objects.create(
        benefit=benefit, month=month, payment_date=month.replace(day=5), status=status, created_by=actor
    )
    for pension, gross, deduction in lines:
        gross, deduction = Decimal(str(gross)), Decimal(str(deduction))
        PaymentLine.objects.create(
            run=run,
            person=pension.person,
            pension=pension,
            benefit_type=pension.pension_type.code,
            budget_line="41-PENS",
            gross=gross,
            deduction=deduction,
            net=gross - deduction,
            end_to_end_id=f"L{next(_E2E):010d}",
        )
    return run


def ledger_return(*, line: Any, reason: str, on: dt.date, actor: Any, amount: Decimal | None = None) -> Any:
    """A bank event returning ``line`` (not posted)."""
    from tugi.finance.models import BankEvent, InboundFile

    n = next(_E2E)
    inbound = InboundFile.objects.create(
        kind="camt.054",
        schema="camt.054.001.08",
        message_id=f"M{n}",
        sha256=f"{n:064d}",
        original_name=f"r{n}.xml",
        path=f"finance/in/r{n}.xml",
        imported_by=actor,
    )
    return BankEvent.objects.create(
        file=inbound,
        kind="return",
        line=line,
        end_to_end_id=line.end_to_end_id,
        reason_code=reason,
        amount=line.net if amount is None else amount,
        booked_on=on,
    )


def ledger_overpayment(
    *, pension: Any, amount: Decimal | str, decided_on: dt.date, actor: Any, cause: str = "recipient"
) -> Any:
    """A decided overpayment (not posted)."""
    from tugi.finance.models import Overpayment

    amount = Decimal(str(amount))
    return Overpayment.objects.create(
        person=pension.person,
        pension=pension,
        source="manual",
        period_from=decided_on.replace(day=1),
        period_to=decided_on.replace(day=1),
        amount=amount,
        status="decided",
        detected_on=decided_on,
        cause=cause,
        decided_amount=amount,
        decided_on=decided_on,
        decided_by=actor,
        created_by=actor,
    )


def ledger_recovery(*, overpayment: Any, kind: str, amount: Decimal | str, on: dt.date, actor: Any) -> Any:
    from tugi.finance.models import Recovery

    return Recovery.objects.create(
        overpayment=overpayment, kind=kind, amount=Decimal(str(amount)), on=on, created_by=actor
    )
