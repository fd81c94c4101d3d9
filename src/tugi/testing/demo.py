"""Demo data of the testing area (loaded after the deliveries and development requests, order 130).

For the demo deliveries' tickets: test cases (manual ones with steps, a few automated ones), a plan
and a UAT run per delivery, the SKAIS December run half done (passed, failed, blocked, not yet run),
defects in several states raised from its failures, an imported JUnit report of the automated
cases, a test report due this week (and an overdue one), a training with participants. Safe to run
twice: nothing is added when the first demo case exists.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from tugi.delivery import selectors as delivery_selectors

from .models import DefectStatus, ExecutionStatus, TestCase

REASON = "demo data"
FIRST_KEY = "TC-101"

#: (action, expected result) templates of a manual case's steps, in Estonian like the tickets.
STEPS = [
    ("Logi sisse testkasutajaga, kellel on vajalik roll", "Avaleht avaneb"),
    ("Ava juhtum ja tee muudatus: {title}", "Muudatus on salvestatud"),
    ("Kontrolli tulemust", "{title}: tulemus vastab nõudele"),
]

JUNIT = """<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="pytest" tests="3" failures="1">
  <testsuite name="skais-regression" tests="3" failures="1" time="4.2">
    <testcase classname="tests.test_indexation" name="test_index_2027" time="1.1"/>
    <testcase classname="tests.test_indexation" name="test_rounding_half_up" time="0.9">
      <failure message="assert 412.35 == 412.36">Expected the amount rounded half up to the cent.</failure>
    </testcase>
    <testcase classname="tests.test_payments" name="test_reference_number" time="2.2"/>
    <testcase classname="tests.test_payments" name="test_new_bank_format" time="0.1"/>
  </testsuite>
</testsuites>
"""

AUTOMATED = [
    ("Indekseerimise koefitsient rakendub (automaattest)", "tests.test_indexation.test_index_2027"),
    ("Ümardamine sendini (automaattest)", "tests.test_indexation.test_rounding_half_up"),
    ("Väljamakse viitenumber (automaattest)", "tests.test_payments.test_reference_number"),
]


def _users() -> dict[str, Any]:
    wanted = ["test_manager", "domain_support", "admin", "auditor", "finance", "security"]
    return {u.username: u for u in get_user_model().objects.filter(username__in=wanted, is_active=True)}


def load(actor: Any, stdout: Any) -> None:
    from .services import cases as case_services
    from .services import defects as defect_services
    from .services import junit as junit_services
    from .services import reports as report_services
    from .services import runs as run_services
    from .services import trainings as training_services

    if TestCase.objects.filter(key=FIRST_KEY).exists():
        stdout.write("testing: demo data exists already\n")
        return
    deliveries = list(delivery_selectors.deliveries_for_choice(actor))
    if not deliveries:
        stdout.write("testing: no demo deliveries, nothing to test\n")
        return
    users = _users()
    tester = users.get("domain_support") or actor
    manager = users.get("test_manager") or actor
    today = timezone.localdate()
    number = 101
    planned = [d for d in deliveries if d.kind == "planned"] or deliveries
    main_delivery = next((d for d in planned if d.system == "SKAIS" and d.status == "in_uat"), planned[0])
    # Cases: one per ticket (up to 8 per delivery), the SKAIS December delivery also automated ones.
    plans = []
    for delivery in deliveries:
        tickets = list(delivery_selectors.tickets_of(delivery)[:8])
        cases = []
        for ticket in tickets:
            title = ticket.title
            cases.append(
                case_services.case_create(
                    key=f"TC-{number}",
                    title=f"{title}: põhistsenaarium",
                    system=delivery.system,
                    module=ticket.key.split("-")[0],
                    priority="high" if number % 3 == 0 else "medium",
                    tags="regressioon, UAT" if number % 2 else "UAT",
                    steps=[
                        {"action": a.format(title=title), "expected": e.format(title=title)} for a, e in STEPS
                    ],
                    preconditions="Testkeskkonnas on isik, kellel on kehtiv pension.",
                    test_data="Sünteetiline pensionär (vt testandmete stsenaariumid).",
                    tickets=[ticket],
                    actor=actor,
                    reason=REASON,
                )
            )
            number += 1
        if delivery == main_delivery:
            for title, name in AUTOMATED:
                cases.append(
                    case_services.case_create(
                        key=f"TC-{number}",
                        title=title,
                        system=delivery.system,
                        module="regression",
                        automated=True,
                        automated_name=name,
                        steps=[{"action": "Käivita automaattest", "expected": "Test läbib"}],
                        tickets=tickets[:1],
                        actor=actor,
                        reason=REASON,
                    )
                )
                number += 1
        if not cases:
            continue
        plan = run_services.plan_create(
            name=f"{delivery} UAT",
            delivery=delivery,
            description="Tarne vastuvõtutestimise plaan.",
            cases=cases,
            actor=actor,
            reason=REASON,
        )
        run = run_services.run_create(
            name=f"{delivery} UAT 1",
            plan=plan,
            environment_name=f"{delivery.system} UAT",
            version=delivery.version,
            planned_start=today - dt.timedelta(days=3),
            planned_end=today + dt.timedelta(days=4),
            actor=actor,
            reason=REASON,
        )
        plans.append((delivery, plan, run, cases))

    # The first planned SKAIS delivery: a run half done, defects from its failures, a JUnit report.
    main = next(((d, p, r, c) for d, p, r, c in plans if d == main_delivery), None)
    if main is not None:
        _delivery, _plan, run, cases = main
        manual = [c for c in cases if not c.automated]
        outcomes = [
            (ExecutionStatus.PASSED, ""),
            (ExecutionStatus.PASSED, ""),
            (ExecutionStatus.FAILED, "Summa erineb oodatavast 1 sendi võrra."),
            (ExecutionStatus.BLOCKED, "Testkeskkonnas puudub sobiv isik."),
            (ExecutionStatus.FAILED, "Teavituse tekst on inglise keeles."),
            (ExecutionStatus.FAILED, "Aruandes puudub veerg."),
        ]
        failed = []
        for case, (status, comment) in zip(manual, outcomes, strict=False):
            execution = run_services.execution_record(
                run=run, case=case, status=status, comment=comment, tester=tester, actor=actor, reason=REASON
            )
            if status == ExecutionStatus.FAILED:
                failed.append(execution)
        defect_states = [
            (DefectStatus.NEW, "high", []),
            (DefectStatus.IN_PROGRESS, "medium", [DefectStatus.TRIAGED, DefectStatus.IN_PROGRESS]),
            (
                DefectStatus.CLOSED,
                "low",
                [DefectStatus.TRIAGED, DefectStatus.FIXED, DefectStatus.VERIFIED, DefectStatus.CLOSED],
            ),
        ]
        for execution, (_final, severity, path) in zip(failed, defect_states, strict=False):
            defect = defect_services.defect_create(
                execution=execution,
                title=f"{execution.case.title}: {execution.comment}",
                severity=severity,
                priority="high" if severity == "high" else "medium",
                owner=manager,
                actor=actor,
                reason=REASON,
            )
            for step in path:
                defect_services.defect_set_status(
                    defect=defect,
                    status=step,
                    fixed_in_version=f"{run.version}.1" if step == DefectStatus.FIXED else None,
                    actor=actor,
                    reason=REASON,
                )
        try:
            junit_services.junit_import(
                run=run, content=JUNIT.encode(), filename="pytest-report.xml", actor=actor, reason=REASON
            )
        except Exception as exc:  # the rest of the demo is still useful
            stdout.write(f"testing: JUnit report not imported ({exc})\n")

    # Test reports: the main delivery's due this week, another one overdue.
    others = [d for d, _p, _r, _c in plans if d != main_delivery]
    due_this_week = today + dt.timedelta(days=max(0, 4 - today.weekday()))
    for delivery, due in [
        (main_delivery, due_this_week),
        *((d, today - dt.timedelta(days=2)) for d in others[:1]),
    ]:
        first = delivery == main_delivery
        report_services.report_create(
            delivery=delivery,
            due_date=due,
            owner=manager,
            summary="Vastuvõtutestimine käib; tulemused on allpool." if first else "",
            risks="Indekseerimise ümardamise viga võib mõjutada kõiki pensione." if first else "",
            actor=actor,
            reason=REASON,
        )

    # A training with participants, some of whom attended.
    people = [u for u in users.values() if u.pk != actor.pk]
    training = training_services.training_create(
        topic="Vastuvõtutestimine Tugis: käivitused, defektid, JUnit",
        held_on=today - dt.timedelta(days=14),
        trainer="Testijuht",
        description="Kuidas koostada testplaan, käivitada testid, registreerida defekt ja importida "
        "automaattestide tulemused.",
        participants=people,
        actor=actor,
        reason=REASON,
    )
    training_services.training_material_add(
        training=training,
        title="Slaidid",
        url="https://example.org/tugi/uat-koolitus",
        actor=actor,
        reason=REASON,
    )
    training_services.training_participants_set(
        training=training,
        participants=people,
        attended=[u for u in people if u.username in ("test_manager", "domain_support")],
        actor=actor,
        reason=REASON,
    )
    stdout.write(
        f"testing: {TestCase.objects.count()} cases, {len(plans)} plans and runs, a report due this week, "
        "a training\n"
    )
