"""The pensions demo at a small size: persons, tax files, applied year runs, pensions and an
indexation run waiting for approval; a second run changes nothing."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from tests.factories import UserFactory
from tugi.core.management.commands.demo import DEMO_USERS
from tugi.core.models import AuditEvent, Person
from tugi.pensions.demo import INDEXATION_DATE, load_demo
from tugi.pensions.models import (
    CalculationRun,
    InsuredYear,
    Pension,
    PensionAmount,
    RunKind,
    RunStatus,
    TaxFile,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(system: Any, settings: Any, tmp_path: Path) -> dict[str, Any]:
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    for username, roles, first, last in DEMO_USERS:
        UserFactory(username=username, roles=roles, first_name=first, last_name=last)
    return load_demo(system, io.StringIO(), persons=300, years=range(2024, 2026))


def test_the_demo_loads_the_register_and_leaves_an_indexation_waiting(loaded: dict[str, Any]) -> None:
    assert TaxFile.objects.count() == 2
    year_runs = CalculationRun.objects.filter(kind=RunKind.YEAR_SHARES)
    assert sorted(year_runs.values_list("year", flat=True)) == [2024, 2025]
    assert set(year_runs.values_list("status", flat=True)) == {RunStatus.APPLIED}
    for run in year_runs:
        assert run.computed_by != run.approved_by and run.approved_by is not None  # four eyes
    assert InsuredYear.objects.filter(year=2025).count() > 250
    insured = set(InsuredYear.objects.values_list("person_code", flat=True))
    assert insured <= set(Person.objects.values_list("personal_code", flat=True))
    assert Pension.objects.count() == loaded["pensioners"]["pensions_created"] > 0
    assert PensionAmount.objects.count() == Pension.objects.count()
    indexation = CalculationRun.objects.get(kind=RunKind.INDEXATION)
    assert indexation.effective_date == INDEXATION_DATE and indexation.status == RunStatus.COMPUTED
    assert indexation.pension_results.count() > 0


def test_a_second_run_changes_nothing(loaded: dict[str, Any], system: Any) -> None:
    events = AuditEvent.objects.count()
    counts = (Person.objects.count(), Pension.objects.count(), CalculationRun.objects.count())
    again = load_demo(system, io.StringIO(), persons=300, years=range(2024, 2026))
    assert AuditEvent.objects.count() == events
    assert (Person.objects.count(), Pension.objects.count(), CalculationRun.objects.count()) == counts
    assert again["indexation"] == loaded["indexation"]
