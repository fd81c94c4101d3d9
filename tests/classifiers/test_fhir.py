"""FHIR R4 CodeSystem, $lookup and $validate-code, validated with fhir.resources."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from fhir.resources.R4B.codesystem import CodeSystem
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.parameters import Parameters

from tests.classifiers.factories import ClassifierFactory, published
from tugi.classifiers.models import ClassifierStatus, ItemStatus
from tugi.core.services import token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def benefits(domain_support: Any) -> Any:
    classifier = ClassifierFactory(
        code="benefit-types",
        name_et="Toetuste liigid",
        name_en="Benefit types",
        owner=domain_support,
        status=ClassifierStatus.ACTIVE,
        attribute_schema=[{"name": "budget_account", "label": "Budget account", "type": "string"}],
    )
    version = published(
        classifier,
        [("PH", "Perehüvitised"), ("LT", "Lapsetoetus"), ("MT", "Matusetoetus")],
        valid_from=dt.date(2024, 1, 1),
    )
    version.items.filter(code="LT").update(
        parent_code="PH", level=2, name_en="Child allowance", attributes={"budget_account": "4130"}
    )
    version.items.filter(code="MT").update(status=ItemStatus.RETIRED, valid_to=dt.date(2024, 6, 30))
    return classifier


@pytest.fixture
def client(domain_support: Any, benefits: Any) -> Client:
    _token, text = token_create(user=domain_support, name="fhir", actor=domain_support)
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")


def params(response: Any) -> dict[str, Any]:
    assert response["Content-Type"].startswith("application/fhir+json")
    resource = Parameters.model_validate(response.json())
    return {p.name: p for p in resource.parameter}


def test_the_code_system_is_valid_fhir_with_every_concept(client: Client) -> None:
    response = client.get("/fhir/CodeSystem/benefit-types")
    assert response.status_code == 200
    resource = CodeSystem.model_validate(response.json())
    assert resource.id == "benefit-types" and resource.version == "1"
    assert resource.status == "active" and resource.content == "complete"
    assert resource.hierarchyMeaning == "is-a" and resource.title == "Toetuste liigid"
    assert resource.url.endswith("/fhir/CodeSystem/benefit-types")
    concepts = {c.code: c for c in resource.concept}
    assert set(concepts) == {"PH", "LT", "MT"}
    child = concepts["LT"]
    assert child.display == "Lapsetoetus"
    assert child.designation[0].language == "en" and child.designation[0].value == "Child allowance"
    props = {p.code: p for p in child.property}
    assert props["parent"].valueCode == "PH" and props["status"].valueCode == "active"
    assert props["budget_account"].valueString == "4130"
    assert {p.code: p for p in concepts["MT"].property}["status"].valueCode == "retired"


def test_an_unknown_code_system_is_an_operation_outcome_404(client: Client) -> None:
    response = client.get("/fhir/CodeSystem/nothing")
    assert response.status_code == 404
    outcome = OperationOutcome.model_validate(response.json())
    assert outcome.issue[0].code == "not-found" and "nothing" in outcome.issue[0].diagnostics


def test_lookup_gives_name_display_designation_and_properties(client: Client) -> None:
    response = client.get("/fhir/CodeSystem/benefit-types/$lookup", {"code": "PH"})
    assert response.status_code == 200
    found = params(response)
    assert found["display"].valueString == "Perehüvitised"
    assert found["name"].valueString == "BenefitTypes"
    child = client.get("/fhir/CodeSystem/benefit-types/$lookup", {"code": "LT"}).json()
    designation = next(p for p in child["parameter"] if p["name"] == "designation")
    assert {"name": "value", "valueString": "Child allowance"} in designation["part"]
    properties = [p["part"] for p in child["parameter"] if p["name"] == "property"]
    assert [{"name": "code", "valueCode": "parent"}, {"name": "value", "valueCode": "PH"}] in properties
    parent_props = [
        p["part"]
        for p in client.get("/fhir/CodeSystem/benefit-types/$lookup?code=PH").json()["parameter"]
        if p["name"] == "property"
    ]
    assert [{"name": "code", "valueCode": "child"}, {"name": "value", "valueCode": "LT"}] in parent_props


def test_lookup_errors(client: Client) -> None:
    unknown = client.get("/fhir/CodeSystem/benefit-types/$lookup", {"code": "ZZ"})
    assert unknown.status_code == 404
    assert "ZZ" in OperationOutcome.model_validate(unknown.json()).issue[0].diagnostics
    missing = client.get("/fhir/CodeSystem/benefit-types/$lookup")
    assert missing.status_code == 400
    issue = OperationOutcome.model_validate(missing.json()).issue[0]
    assert issue.code == "required" and issue.expression == ["code"]


def test_validate_code_valid_retired_and_unknown(client: Client) -> None:
    valid = params(
        client.get("/fhir/CodeSystem/benefit-types/$validate-code", {"code": "LT", "date": "2025-01-01"})
    )
    assert valid["result"].valueBoolean is True and valid["display"].valueString == "Lapsetoetus"
    retired = params(
        client.get("/fhir/CodeSystem/benefit-types/$validate-code", {"code": "MT", "date": "2024-07-01"})
    )
    assert retired["result"].valueBoolean is False and "retired" in retired["message"].valueString
    on_last_day = params(client.get("/fhir/CodeSystem/benefit-types/$validate-code?code=MT&date=2024-06-30"))
    assert on_last_day["result"].valueBoolean is True
    unknown = params(client.get("/fhir/CodeSystem/benefit-types/$validate-code", {"code": "ZZ"}))
    assert unknown["result"].valueBoolean is False and "Unknown code ZZ" in unknown["message"].valueString
    wrong_display = params(client.get("/fhir/CodeSystem/benefit-types/$validate-code?code=LT&display=Foo"))
    assert wrong_display["result"].valueBoolean is False


def test_validate_code_refuses_a_bad_date(client: Client) -> None:
    response = client.get("/fhir/CodeSystem/benefit-types/$validate-code", {"code": "LT", "date": "1.1.2025"})
    assert response.status_code == 400
    issue = OperationOutcome.model_validate(response.json()).issue[0]
    assert issue.expression == ["date"]


def test_fhir_needs_authentication(benefits: Any) -> None:
    response = Client().get("/fhir/CodeSystem/benefit-types")
    assert response.status_code == 401
    assert OperationOutcome.model_validate(response.json()).issue[0].code == "login"
