"""Demo data of payments: a bank account for nearly every demo pensioner (synthetic valid IBANs of
three Estonian banks, about 1 % without an account so that their lines are held), the default
finance parameters and debtor accounts, a manual hold, released runs with bank files for the last
four months and the current month's run computed and waiting for approval. Idempotent: nothing is
loaded when payment runs exist."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from .months import add_months

BANK_CODES = ["10", "22", "77"]
TOWNS = ["Tallinn", "Tartu", "Pärnu", "Põlva", "Võru", "Jõhvi", "Viljandi", "Kärdla", "Rakvere"]
PAST_MONTHS = 4


def _user(username: str, fallback: Any) -> Any:
    return get_user_model().objects.filter(username=username, is_active=True).first() or fallback


def _accounts(actor: Any, stdout: Any) -> int:
    from schwifty import IBAN

    from tugi.core.models import Person

    from .models import BankAccount
    from .services.payments import account_give

    have = set(BankAccount.objects.values_list("person_id", flat=True))
    persons = Person.objects.filter(pensions__isnull=False).distinct().order_by("pk")
    given = 0
    for person in persons:
        if person.pk in have or person.pk % 100 == 7:  # about 1 % gave no account
            continue
        bank = BANK_CODES[person.pk % len(BANK_CODES)]
        iban = IBAN.generate("EE", bank_code=bank, account_code=str(3_000_000 + person.pk))
        account_give(
            person=person,
            iban=iban.compact,
            given_on=dt.date(2020, 1, 1) + dt.timedelta(days=person.pk % 1500),
            town=TOWNS[person.pk % len(TOWNS)],
            country="EE",
            source="demo",
            actor=actor,
        )
        given += 1
    stdout.write(f"finance demo: {given} bank accounts\n")
    return given


def load(actor: Any, stdout: Any) -> None:
    from tugi.core.context import system_actor

    from .models import HoldReason, PaymentRun
    from .services.holds import hold_place
    from .services.ledger import accounts_ensure
    from .services.payments import (
        debtor_ensure_defaults,
        parameters_ensure_defaults,
        run_approve,
        run_compute_now,
        run_create,
        run_release,
    )

    if PaymentRun.objects.exists():
        stdout.write("finance demo: payment runs exist, skipped\n")
        return
    system = system_actor()
    approver = _user("finance", None)
    preparer = _user("domain_support", system)
    if approver is None:
        stdout.write("finance demo: no 'finance' demo user to approve runs, skipped\n")
        return
    parameters_ensure_defaults(actor=system)
    debtor_ensure_defaults(actor=system)
    accounts_ensure(actor=system)
    _accounts(system, stdout)

    from tugi.core.models import Person

    held = Person.objects.filter(pensions__isnull=False, bank_accounts__isnull=False).order_by("pk").first()
    if held is not None:
        hold_place(
            person=held,
            reason=HoldReason.MANUAL,
            note="Demo: the person asked to check the account before paying",
            actor=system,
        )

    current = timezone.localdate().replace(day=1)
    for back in range(PAST_MONTHS, 0, -1):
        month = add_months(current, -back)
        run = run_create(benefit="pension", month=month, actor=system, note="Demo run")
        run = run_compute_now(run=run, actor=system)
        run = run_approve(run=run, actor=approver, reason="Demo: checked the review")
        run = run_release(run=run, actor=approver)
        stdout.write(f"finance demo: run {run} released ({run.counts.get('paid', 0)} paid)\n")
    run = run_create(benefit="pension", month=current, actor=preparer, note="Demo run waiting for approval")
    run = run_compute_now(run=run, actor=preparer)
    stdout.write(f"finance demo: run {run} computed, waiting for approval\n")
