"""Demo monitors and problems: an IBAN shared by two pensioners for the IBAN check to find, the
seeded checks run once, and three problems of the finance functions in different states (one
forwarded to the developer with their reference, one solved with its root cause and the monitor
that watches for a recurrence). Safe to run twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from .models import BankAccount, FinanceProblem, Monitor, ProblemModule, ProblemSeverity
from .services.monitors import monitor_run, monitors_ensure_defaults
from .services.payments import account_give
from .services.problems import problem_analyse, problem_create, problem_forward, problem_solve

PROBLEMS = [
    {
        "title": "Payment file rejected: creditor town longer than 35 characters",
        "description": "The bank rejected the pension file of the month; one creditor's town did not fit.",
        "module": ProblemModule.BANK_FILES,
        "severity": ProblemSeverity.HIGH,
    },
    {
        "title": "Pension paid for the month after death",
        "description": "A death date entered late was not caught before the run was released.",
        "module": ProblemModule.PAYMENTS,
        "severity": ProblemSeverity.CRITICAL,
    },
    {
        "title": "Overpayment report total differs from the ledger",
        "description": "The monthly overpayment report and the receivables account differ by a few cents.",
        "module": ProblemModule.REPORTS,
        "severity": ProblemSeverity.MEDIUM,
    },
]


def _partner(actor: Any) -> Any:
    from tugi.work.selectors import partners
    from tugi.work.services.partners import partner_create

    found = (
        partners(user=actor).filter(short_name="TEHIK").first()
        or partners(user=actor).filter(kind="developer").first()
    )
    return found or partner_create(actor=actor, name="Demo IT centre", short_name="Demo IT", kind="developer")


def _shared_iban(actor: Any, today: dt.date) -> bool:
    """Something for a monitor to find: one pensioner's newest account is another's IBAN (given in
    an e-service with a relative's account). Once only."""
    demo_accounts = list(BankAccount.objects.filter(source="demo").order_by("person_id", "id")[:2])
    if len(demo_accounts) < 2 or BankAccount.objects.filter(source="demo-shared").exists():
        return False
    first, second = demo_accounts
    account_give(
        person=second.person,
        iban=first.iban,
        given_on=today,
        town=second.town,
        source="demo-shared",
        actor=actor,
    )
    return True


def load(actor: Any, stdout: Any) -> None:
    monitors = monitors_ensure_defaults(actor=actor)
    today = timezone.localdate()
    _shared_iban(actor, today)
    for monitor in monitors:
        if not monitor.results.exists():
            monitor_run(monitor=monitor, actor=actor, today=today)
    made = 0
    for i, values in enumerate(PROBLEMS):
        problem = FinanceProblem.objects.filter(title=values["title"]).first()
        if problem is not None:
            continue
        problem = problem_create(
            actor=actor,
            reported_on=today - dt.timedelta(days=20 - 5 * i),
            reported_by_name="Payments team",
            **values,
        )
        made += 1
        if i == 2:
            continue  # stays reported
        problem = problem_analyse(problem=problem, actor=actor)
        if i == 0:
            problem_forward(
                problem=problem, partner=_partner(actor), partner_reference="SKAIS-4711", actor=actor
            )
        else:
            problem_solve(
                problem=problem,
                root_cause="The death date arrived after the run was computed; nothing checked it again.",
                resolution="The run checks death dates again before release; the monitor watches every day.",
                monitor=Monitor.objects.filter(code="paid-after-death").first(),
                actor=actor,
            )
    stdout.write(f"finance monitors: {len(monitors)} checks, {made} problems added\n")
