"""The demo loader of monitors and problems: seeded checks run once, three problems in different
states, safe to run twice."""

from __future__ import annotations

import io
from typing import Any

import pytest

from tugi.finance import demo_monitors
from tugi.finance.models import FinanceProblem, Monitor, MonitorResult, ProblemStatus

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent(system: Any) -> None:
    out = io.StringIO()
    demo_monitors.load(system, out)
    demo_monitors.load(system, out)
    assert Monitor.objects.count() == 6
    assert MonitorResult.objects.count() == 6
    assert sorted(FinanceProblem.objects.values_list("status", flat=True)) == sorted(
        [ProblemStatus.FORWARDED, ProblemStatus.SOLVED, ProblemStatus.REPORTED]
    )
    forwarded = FinanceProblem.objects.get(status=ProblemStatus.FORWARDED)
    assert forwarded.partner_id and forwarded.partner_reference
    solved = FinanceProblem.objects.get(status=ProblemStatus.SOLVED)
    assert solved.root_cause and solved.monitor is not None
    assert not MonitorResult.objects.filter(outcome="error").exists()


@pytest.mark.django_db(transaction=True)  # on PostgreSQL the SQL runs on its own read-only connection
def test_the_demo_gives_the_iban_check_something_to_find(system: Any) -> None:
    from tests.finance.factories import IBANS, pensioner
    from tugi.finance.models import BankAccount

    for i in range(2):
        BankAccount.objects.filter(person=pensioner(iban=IBANS[i]).person).update(source="demo")
    demo_monitors.load(system, io.StringIO())
    result = MonitorResult.objects.get(monitor__code="iban-shared")
    assert result.outcome == "found" and result.row_count == 1
    demo_monitors.load(system, io.StringIO())
    assert BankAccount.objects.filter(source="demo-shared").count() == 1
