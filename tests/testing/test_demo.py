"""The testing demo data: cases for the demo deliveries, a run half done, defects in several
states, an imported JUnit report, a report due this week, a training with participants; loading it
again adds nothing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.utils import timezone

from tests.factories import UserFactory
from tugi.access.demo import load_demo as load_access
from tugi.core.management.commands.demo import DEMO_USERS
from tugi.delivery.demo_deliveries import load as load_deliveries
from tugi.delivery.demo_environments import load as load_environments
from tugi.testing.demo import load
from tugi.testing.models import (
    Defect,
    Execution,
    JUnitImport,
    RunCase,
    TestCase,
    TestReport,
    TestRun,
    TrainingParticipant,
)
from tugi.testing.selectors_reports import report_content

pytestmark = pytest.mark.django_db


def test_demo_loads_once(system: Any) -> None:
    for username, roles, first, last in DEMO_USERS:
        UserFactory(username=username, roles=roles, first_name=first, last_name=last)
    out = io.StringIO()
    load_access(system, out)
    load_environments(system, out)
    load_deliveries(system, out)
    load(system, out)

    assert TestCase.objects.count() >= 10
    assert TestCase.objects.filter(automated=True).exists()
    # a run half done: some cases executed, some not yet
    half = max(
        TestRun.objects.all(), key=lambda r: Execution.objects.filter(run=r).values("case").distinct().count()
    )
    done = Execution.objects.filter(run=half).values("case").distinct().count()
    assert 0 < done < RunCase.objects.filter(run=half).count()
    assert {"passed", "failed", "blocked"} <= set(Execution.objects.values_list("status", flat=True))
    assert len(set(Defect.objects.values_list("status", flat=True))) >= 3
    assert JUnitImport.objects.count() == 1
    today = timezone.localdate()
    due = TestReport.objects.filter(due_date__gte=today).get()
    assert due.due_date.isocalendar()[:2] == today.isocalendar()[:2]
    assert report_content(due.delivery)["open_defects"]
    assert TestReport.objects.filter(due_date__lt=today).exists()  # one overdue for the desk
    assert TrainingParticipant.objects.filter(attended=True).count() >= 2

    counts = (TestCase.objects.count(), Execution.objects.count(), Defect.objects.count())
    load(system, out)
    assert (TestCase.objects.count(), Execution.objects.count(), Defect.objects.count()) == counts
    assert "exists already" in out.getvalue()
