"""Test data scenarios: generating synthetic persons and their pensions, the registry of issued test
identities (no code issued twice, nor one a real person holds), export as CSV and JSON."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from stdnum.ee import ik

from tests.factories import PersonFactory
from tests.helpers import exactly_one_audit_event, no_audit_event
from tugi.core.identity import make_code
from tugi.core.models import AuditEvent, Person
from tugi.testing.models import GenerationBatch, IssuedIdentity, TestDataScenario
from tugi.testing.services.testdata import (
    allocate_codes,
    batch_export,
    batch_generate,
    death_date,
    parse_spec,
    scenario_create,
)

pytestmark = pytest.mark.django_db

DIED_PENSIONER = """
count: 3
sex: F
age: [70, 80]
died: last_month
pension: {status: in_payment, service_years: 38}
pillar_ii: true
overpayment: true
"""


def _scenario(
    actor: Any, spec: str = DIED_PENSIONER, name: str = "died last month, still paid"
) -> TestDataScenario:
    return scenario_create(name=name, spec_text=spec, actor=actor)


def test_scenario_is_saved_with_one_audit_event(test_manager: Any) -> None:
    with exactly_one_audit_event("testing.testdata_scenario_created"):
        scenario = _scenario(test_manager)
    assert scenario.spec["count"] == 3 and scenario.spec["pension"]["status"] == "in_payment"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("count: 0", "count: must be between 1 and 200."),
        ("colour: blue", "colour: unknown key"),
        ("pension: {status: paid}", "pension.status: must be one of in_payment, suspended, ended."),
        ("died: tomorrow", "died: must be a date like 2025-03-31."),
        ("age: [80, 70]", "age: the range must go from the lower age to the higher."),
        ("count: [1", "not valid YAML or JSON"),
        ('{"count": 2, "sex": "X"}', "sex: must be M, F or any."),
    ],
)
def test_bad_specification_names_the_key_and_saves_nothing(
    test_manager: Any, spec: str, message: str
) -> None:
    with no_audit_event(), pytest.raises(ValidationError) as info:
        _scenario(test_manager, spec)
    assert message in " ".join(info.value.message_dict["spec_text"])
    assert not TestDataScenario.objects.exists()


def test_json_is_accepted_too() -> None:
    assert parse_spec('{"count": 2, "birth_year": 1950, "pension": true}')["birth_years"] == [1950, 1950]


def test_relative_dates_of_death() -> None:
    today = dt.date(2026, 3, 10)
    assert death_date("last_month", today) == dt.date(2026, 2, 15)
    assert death_date("this_month", today) == dt.date(2026, 3, 1)
    assert death_date("40 days ago", today) == dt.date(2026, 1, 29)
    assert death_date("2025-12-31", today) == dt.date(2025, 12, 31)


def test_generate_creates_matching_persons_and_pensions(test_manager: Any) -> None:
    scenario = _scenario(test_manager)
    before = AuditEvent.objects.filter(event_type="testing.testdata_generated").count()
    batch = batch_generate(scenario=scenario, environment="TEST2", seed=1, actor=test_manager)
    assert (
        AuditEvent.objects.filter(event_type="testing.testdata_generated", actor=test_manager).count()
        == before + 1
    )
    today = dt.date.today()
    died = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=15)
    identities = list(batch.identities.select_related("person"))
    assert len(identities) == 3
    for identity in identities:
        person = identity.person
        assert person is not None and ik.is_valid(person.personal_code)
        assert person.sex == "F" and person.date_of_death == died
        age = today.year - person.birth_date.year
        assert 69 <= age <= 81
        pension = person.pensions.get()  # type: ignore[attr-defined]
        assert pension.status == "in_payment" and pension.start_date <= died
        assert identity.profile["pillar_ii"] is True
        assert identity.profile["not_generated"] == ["overpayment"]
    assert batch.summary["not_generated"] == ["overpayment"]


def test_ended_pension_and_any_sex(test_manager: Any) -> None:
    scenario = _scenario(
        test_manager, "count: 2\nage: 75\npension: {status: ended, ended_on: 2024-01-31}", "ended"
    )
    batch = batch_generate(scenario=scenario, seed=2, actor=test_manager)
    for identity in batch.identities.all():
        pension = identity.person.pensions.get()  # type: ignore[union-attr]
        assert pension.status == "ended" and pension.ended_on == dt.date(2024, 1, 31)


def test_no_issued_identity_repeats(test_manager: Any) -> None:
    scenario = _scenario(test_manager, "count: 20\nbirth_year: 1961\nsex: M", "many of one year")
    codes: list[str] = []
    for seed in range(3):  # the same seed draws the same serials: the registry must skip them
        batch = batch_generate(scenario=scenario, seed=0 if seed < 2 else 5, actor=test_manager)
        codes += list(batch.identities.values_list("personal_code", flat=True))
    assert len(codes) == 60 and len(set(codes)) == 60
    assert IssuedIdentity.objects.count() == 60


def test_a_code_held_by_a_real_person_is_never_issued() -> None:
    born = dt.date(1975, 4, 4)
    first = allocate_codes([(born, "F")], random.Random(7))[0]
    PersonFactory(personal_code=first)
    second = allocate_codes([(born, "F")], random.Random(7))[0]  # the same draw
    assert second != first and ik.is_valid(second)


def test_when_every_code_of_a_day_is_taken_generation_is_refused() -> None:
    born = dt.date(1980, 8, 8)
    Person.objects.bulk_create(
        Person(personal_code=make_code(born, "M", n), first_name="A", last_name="B", birth_date=born, sex="M")
        for n in range(1, 1000)
    )
    assert allocate_codes([(born, "M")], random.Random(1)) == [make_code(born, "M", 0)]
    with pytest.raises(ValidationError, match="Every personal code of 1980-08-08"):
        allocate_codes([(born, "M"), (born, "M")], random.Random(1))


def test_generation_is_all_or_nothing(test_manager: Any) -> None:
    # a pension cannot start before the parameters exist: the whole batch is undone
    scenario = _scenario(test_manager, "count: 2\nage: 80\ndied: 2015-01-01\npension: {}", "too early")
    with pytest.raises(ValidationError):
        batch_generate(scenario=scenario, seed=3, actor=test_manager)
    assert not GenerationBatch.objects.exists() and not IssuedIdentity.objects.exists()
    assert not Person.objects.exists()


def test_export_csv_and_json(test_manager: Any) -> None:
    batch = batch_generate(scenario=_scenario(test_manager), seed=4, actor=test_manager)
    with exactly_one_audit_event("testing.testdata_exported") as events:
        content, media = batch_export(batch=batch, fmt="csv", actor=test_manager)
    assert media == "text/csv"
    rows = list(csv.DictReader(io.StringIO(content), delimiter=";"))
    assert {r["personal_code"] for r in rows} == set(batch.identities.values_list("personal_code", flat=True))
    assert rows[0]["pension_status"] == "in_payment" and rows[0]["pillar_ii"] == "True"
    assert rows[0]["personal_code"] not in json.dumps(events[0].after)
    data = json.loads(batch_export(batch=batch, fmt="json", actor=test_manager)[0])
    assert len(data["persons"]) == 3 and data["scenario"] == batch.scenario.name


def test_pages(test_manager: Any, client_for: Any) -> None:
    client = client_for(test_manager)
    response = client.post(
        "/testing/test-data/scenarios/new/",
        {"name": "pillar II member", "spec_text": "count: 2\nage: [30, 40]\npillar_ii: true"},
    )
    assert response.status_code == 302
    scenario = TestDataScenario.objects.get(name="pillar II member")
    bad = client.post("/testing/test-data/scenarios/new/", {"name": "x", "spec_text": "count: 999"})
    assert bad.status_code == 200 and "count: must be between 1 and 200." in bad.content.decode()
    response = client.post(
        f"/testing/test-data/scenarios/{scenario.pk}/", {"count": 1, "environment": "TEST1"}
    )
    batch = GenerationBatch.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/batches/{batch.pk}/")
    page = client.get(f"/testing/test-data/batches/{batch.pk}/").content.decode()
    assert batch.identities.get().personal_code in page
    export = client.get(f"/testing/test-data/batches/{batch.pk}/export.json")
    assert export.status_code == 200 and json.loads(export.content)["environment"] == "TEST1"
    assert client.get(f"/testing/test-data/batches/{batch.pk}/export.xml").status_code == 404
    assert "pillar II member" in client.get("/testing/test-data/").content.decode()


def test_pages_permissions(
    finance_user: Any, domain_support: Any, test_manager: Any, client_for: Any
) -> None:
    scenario = _scenario(test_manager, "count: 1")
    assert client_for(finance_user).get("/testing/test-data/").status_code == 403
    assert client_for(finance_user).get(f"/testing/test-data/scenarios/{scenario.pk}/").status_code == 403
    assert client_for(domain_support).get(f"/testing/test-data/scenarios/{scenario.pk}/").status_code == 200
    assert (
        client_for(domain_support).get(f"/testing/test-data/scenarios/{scenario.pk}/edit/").status_code == 403
    )


def test_command_generate(tmp_path: Path, system: Any) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("count: 2\nbirth_year: 1950\npension: {status: suspended}\n", encoding="utf-8")
    out = tmp_path / "batch.json"
    call_command(
        "testdata", "generate", "--scenario", "suspended", "--spec-file", str(spec),
        "--format", "json", "--out", str(out), stderr=io.StringIO(),
    )  # fmt: skip
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [p["pension_status"] for p in data["persons"]] == ["suspended", "suspended"]
    assert all(p["birth_date"].startswith("1950-") for p in data["persons"])


def test_demo_loader_is_safe_to_run_twice(system: Any) -> None:
    from tugi.testing.contributions.testdata import _demo

    _demo(system, io.StringIO())
    _demo(system, io.StringIO())
    assert TestDataScenario.objects.count() == 2
    assert GenerationBatch.objects.count() == 1 and IssuedIdentity.objects.count() == 3


def test_api_lists_and_returns_a_batch(test_manager: Any, finance_user: Any, client_for: Any) -> None:
    batch = batch_generate(scenario=_scenario(test_manager, "count: 2"), seed=9, actor=test_manager)
    client = client_for(test_manager)
    listed = client.get("/api/v1/testing/testdata/batches").json()
    assert [b["id"] for b in listed] == [batch.pk]
    with exactly_one_audit_event("testing.testdata_exported"):
        data = client.get(f"/api/v1/testing/testdata/batches/{batch.pk}").json()
    assert len(data["persons"]) == 2 and all(ik.is_valid(p["personal_code"]) for p in data["persons"])
    assert client_for(finance_user).get("/api/v1/testing/testdata/batches").status_code == 403
    assert client.get("/api/v1/testing/testdata/batches/999999").status_code == 404
