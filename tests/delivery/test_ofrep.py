"""OFREP: Tugi's flags read through the OpenFeature SDK and its OFREP provider, and the protocol's
errors and bulk endpoint."""

from __future__ import annotations

import json
from typing import Any

import pytest
from openfeature import api as openfeature
from openfeature.contrib.provider.ofrep import OFREPProvider
from openfeature.evaluation_context import EvaluationContext
from openfeature.exception import ErrorCode
from openfeature.flag_evaluation import Reason

from tests.delivery.factories import EnvironmentFactory, FeatureFlagFactory, FlagStateFactory
from tugi.core.services import token_create

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def flags_setup(test_manager: Any) -> dict[str, Any]:
    uat = EnvironmentFactory(system="SKAIS", kind="uat", name="skais-uat")
    prod = EnvironmentFactory(system="SKAIS", kind="prod", name="skais-prod")
    EnvironmentFactory(system="STAR", kind="uat", name="star-uat")
    new_calc = FeatureFlagFactory(system="SKAIS", key="new-indexation")
    FlagStateFactory(flag=new_calc, environment=uat, enabled=True)
    FlagStateFactory(flag=new_calc, environment=prod, enabled=False)
    banner = FeatureFlagFactory(system="SKAIS", key="banner-text")
    FlagStateFactory(flag=banner, environment=uat, enabled=True, variant="Testkeskkond")
    _token, text = token_create(user=test_manager, name="ofrep test", actor=test_manager)
    return {"token": text, "uat": uat}


def _client(live_server: Any, token: str, **context: Any) -> Any:
    openfeature.set_provider(
        OFREPProvider(
            live_server.url, headers_factory=lambda: {"Authorization": f"Bearer {token}"}, timeout=5
        )
    )
    client = openfeature.get_client()
    return client, EvaluationContext(attributes=context)


def test_ofrep_answers_through_the_openfeature_sdk(live_server: Any, flags_setup: dict[str, Any]) -> None:
    client, uat = _client(live_server, flags_setup["token"], system="SKAIS", environment="skais-uat")
    details = client.get_boolean_details("new-indexation", False, uat)
    assert details.value is True
    assert details.reason == Reason.STATIC
    assert details.variant == "on"
    assert details.flag_metadata["environment"] == "skais-uat"

    prod = EvaluationContext(targeting_key="SKAIS/skais-prod")
    assert client.get_boolean_value("new-indexation", True, prod) is False
    assert client.get_string_value("banner-text", "", uat) == "Testkeskkond"
    # a flag never set in production answers its default state: off
    assert client.get_boolean_details("banner-text", True, prod).reason == Reason.DEFAULT


def test_unknown_flag_and_bad_context_fall_back_to_the_default(
    live_server: Any, flags_setup: dict[str, Any]
) -> None:
    client, uat = _client(live_server, flags_setup["token"], environment="skais-uat")
    missing = client.get_boolean_details("no-such-flag", True, uat)
    assert missing.value is True
    assert missing.error_code == ErrorCode.FLAG_NOT_FOUND
    nowhere = client.get_boolean_details(
        "new-indexation", False, EvaluationContext(attributes={"environment": "x"})
    )
    assert nowhere.value is False
    assert nowhere.error_code == ErrorCode.INVALID_CONTEXT


def test_without_a_token_the_sdk_gets_the_default(live_server: Any, flags_setup: dict[str, Any]) -> None:
    client, uat = _client(live_server, "tugi_wrong", environment="skais-uat")
    details = client.get_boolean_details("new-indexation", False, uat)
    assert details.value is False
    assert details.error_code == ErrorCode.GENERAL


@pytest.mark.django_db
def test_protocol_errors_and_bulk_evaluation(client: Any, flags_setup: dict[str, Any]) -> None:
    auth = {"HTTP_AUTHORIZATION": f"Bearer {flags_setup['token']}"}
    url = "/ofrep/v1/evaluate/flags"

    def post(path: str, body: Any, **extra: Any) -> Any:
        return client.post(path, json.dumps(body), content_type="application/json", **auth, **extra)

    assert client.post(url + "/new-indexation", "{}", content_type="application/json").status_code == 401
    response = post(url + "/nope", {"context": {"environment": "skais-uat"}})
    assert response.status_code == 404
    assert response.json() == {
        "key": "nope",
        "errorCode": "FLAG_NOT_FOUND",
        "errorDetails": "No flag 'nope' in SKAIS.",
    }
    response = post(url + "/new-indexation", {"context": {}})
    assert response.status_code == 400
    assert response.json()["errorCode"] == "INVALID_CONTEXT"
    response = post(url + "/new-indexation", {"context": {"environment": "skais-uat", "system": "XYZ"}})
    assert response.json()["errorCode"] == "INVALID_CONTEXT"

    bulk = post(url, {"context": {"targetingKey": "skais-uat"}})
    assert bulk.status_code == 200
    flags = {f["key"]: f for f in bulk.json()["flags"]}
    assert flags["new-indexation"]["value"] is True
    assert flags["banner-text"]["value"] == "Testkeskkond"
    again = post(url, {"context": {"targetingKey": "skais-uat"}}, HTTP_IF_NONE_MATCH=bulk["ETag"])
    assert again.status_code == 304
    # STAR's UAT has none of SKAIS's flags
    assert post(url, {"context": {"targetingKey": "STAR/star-uat"}}).json() == {"flags": []}


@pytest.mark.django_db
def test_a_user_without_the_right_is_refused(
    client: Any, finance_user: Any, flags_setup: dict[str, Any]
) -> None:
    _token, text = token_create(user=finance_user, name="t", actor=finance_user)
    response = client.post(
        "/ofrep/v1/evaluate/flags/new-indexation",
        json.dumps({"context": {"environment": "skais-uat"}}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {text}",
    )
    assert response.status_code == 403
