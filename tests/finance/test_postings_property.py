"""Property test of the posting rules: random sequences of money events (released runs → accrual
and payment, returns, overpayments decided, offsets, repayments, waivers, write-offs and their
reversals, reversals of entries, month closes), posted through ``services.postings`` on ORM
objects, always leave a balanced ledger: every entry balances, each month's trial balance has
debit = credit, and each overpayment's receivable equals its balance from the Recovery rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tugi.finance.models import JournalEntry, JournalLine, PaymentLine
from tugi.finance.selectors_ledger import overpayment_ledger_balances, trial_balance_totals
from tugi.finance.selectors_overpayments import balance as overpayment_balance
from tugi.finance.services.ledger import period_close, reverse
from tugi.finance.services.postings import (
    post_overpayment_decided,
    post_recovery,
    post_return,
    post_run_accrual,
    post_run_payment,
)

from .factories import IBANS, ledger_overpayment, ledger_recovery, ledger_return, ledger_run, pensioner

pytestmark = pytest.mark.django_db

MONTHS = [dt.date(2026, m, 1) for m in range(1, 7)]
TODAY = dt.date(2027, 1, 15)
cents = st.integers(min_value=1, max_value=200_000)
month = st.integers(min_value=0, max_value=len(MONTHS) - 1)
day = st.integers(min_value=1, max_value=28)

events = st.one_of(
    st.tuples(
        st.just("run"), month, st.lists(st.tuples(st.integers(0, 1), cents, st.integers(0, 100)), max_size=3)
    ),
    st.tuples(st.just("return"), st.integers(0, 50), day),
    st.tuples(st.just("decide"), st.integers(0, 1), cents, month, day),
    st.tuples(
        st.just("recover"),
        st.integers(0, 10),
        st.sampled_from(["offset", "repayment", "estate", "waiver", "write_off"]),
        st.integers(1, 100),
        day,
    ),
    st.tuples(st.just("unwrite"), st.integers(0, 10), day),
    st.tuples(st.just("reverse"), st.integers(0, 50)),
    st.tuples(st.just("close"), month),
)


START: list[tuple[Any, ...]] = [
    ("run", 0, [(0, 70_000, 10), (1, 30_000, 0)]),
    ("decide", 1, 12_000, 0, 10),
    ("recover", 0, "write_off", 50, 5),
]


def _d(value: int) -> Decimal:
    return (Decimal(value) / 100).quantize(Decimal("0.01"))


class World:
    def __init__(self, actor: Any) -> None:
        self.actor = actor
        self.pensions = [pensioner(amount="700.00"), pensioner(amount="300.00", iban=IBANS[1])]
        self.runs_by_month: dict[int, int] = {}
        self.overpayments: list[Any] = []
        self.clock = 0

    def on(self, m: int, d: int) -> dt.date:
        return MONTHS[m].replace(day=d)

    def apply(self, event: tuple[Any, ...]) -> None:
        getattr(self, f"do_{event[0]}")(*event[1:])

    def do_run(self, m: int, lines: list[tuple[int, int, int]]) -> None:
        benefits = ["pension", "family", "other"]
        n = self.runs_by_month.get(m, 0)
        if n >= len(benefits):
            return
        self.runs_by_month[m] = n + 1
        rows = [(self.pensions[p], _d(g), _d(g * pct // 100)) for p, g, pct in lines]
        run = ledger_run(month=MONTHS[m], lines=rows, actor=self.actor, benefit=benefits[n])
        post_run_accrual(run=run, actor=self.actor)
        post_run_payment(run=run, actor=self.actor)

    def do_return(self, i: int, d: int) -> None:
        lines = list(PaymentLine.objects.filter(net__gt=0, bank_events__isnull=True).order_by("id"))
        if not lines:
            return
        line = lines[i % len(lines)]
        on = line.run.month.replace(day=d)
        post_return(
            line=line,
            event=ledger_return(line=line, reason="AC04", on=on, actor=self.actor),
            actor=self.actor,
        )

    def do_decide(self, p: int, amount: int, m: int, d: int) -> None:
        op = ledger_overpayment(
            pension=self.pensions[p], amount=_d(amount), decided_on=self.on(m, d), actor=self.actor
        )
        post_overpayment_decided(overpayment=op, amount=op.decided_amount, on=op.decided_on, actor=self.actor)
        self.overpayments.append(op)

    def do_recover(self, i: int, kind: str, pct: int, d: int) -> None:
        if not self.overpayments:
            return
        op = self.overpayments[i % len(self.overpayments)]
        balance = overpayment_balance(op)
        amount = (balance * pct / 100).quantize(Decimal("0.01"))
        if amount <= 0:
            return
        on = op.decided_on.replace(day=d) + dt.timedelta(days=31)
        recovery = ledger_recovery(overpayment=op, kind=kind, amount=amount, on=on, actor=self.actor)
        post_recovery(recovery=recovery, actor=self.actor)

    def do_unwrite(self, i: int, d: int) -> None:
        if not self.overpayments:
            return
        op = self.overpayments[i % len(self.overpayments)]
        written = op.recoveries.filter(kind__in=["write_off", "write_off_reversal"]).aggregate(
            s=Sum("amount")
        )
        amount = written["s"] or Decimal(0)
        if amount <= 0:
            return
        on = op.decided_on.replace(day=d) + dt.timedelta(days=62)
        recovery = ledger_recovery(
            overpayment=op, kind="write_off_reversal", amount=-amount, on=on, actor=self.actor
        )
        post_recovery(recovery=recovery, actor=self.actor)

    def do_reverse(self, i: int) -> None:
        # entries on the receivable are corrected through recoveries (write-off reversal), so the
        # receivable keeps matching the Recovery rows; every other entry may be reversed
        candidates = list(
            JournalEntry.objects.filter(reversed_by__isnull=True, reverses__isnull=True)
            .exclude(lines__overpayment__isnull=False)
            .exclude(kind="reversal")
            .order_by("number")
        )
        if candidates:
            reverse(entry=candidates[i % len(candidates)], actor=self.actor, reason="property", on=TODAY)

    def do_close(self, m: int) -> None:
        from tugi.finance.models import PeriodClose

        if not PeriodClose.objects.filter(period=MONTHS[m]).exists():
            period_close(period=MONTHS[m], actor=self.actor, today=TODAY)


def _check_invariants(world: World) -> None:
    for e in JournalEntry.objects.annotate(d=Sum("lines__debit"), c=Sum("lines__credit")):
        assert e.d == e.c and e.d > 0, e
    for period in [*MONTHS, dt.date(2027, 1, 1), dt.date(2027, 2, 1)]:
        totals = trial_balance_totals(period)
        assert totals["debit"] == totals["credit"], period
        assert totals["closing_debit"] == totals["closing_credit"], period
    ledger = overpayment_ledger_balances()
    for op in world.overpayments:
        assert ledger.get(op.pk, Decimal(0)) == overpayment_balance(op), op
        assert overpayment_balance(op) >= 0
    all_lines = JournalLine.objects.aggregate(d=Sum("debit"), c=Sum("credit"))
    assert all_lines["d"] == all_lines["c"]


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=st.lists(events, min_size=3, max_size=12))
def test_random_event_sequences_keep_the_ledger_balanced(finance_user: Any, sequence: list[Any]) -> None:
    with transaction.atomic():
        world = World(finance_user)
        # every sequence starts with money on the books so that the random events have work to do
        for event in [*START, *sequence]:
            world.apply(event)
        _check_invariants(world)
        transaction.set_rollback(True)
