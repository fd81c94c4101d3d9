"""The access requests API under /api/v1/access/requests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from tests.access.factories import AccountFactory, ProfileFactory, RightFactory
from tests.helpers import no_audit_event
from tugi.access.models import AccessRequest, RequestStatus
from tugi.core.roles import Role
from tugi.core.services import token_create

pytestmark = pytest.mark.django_db
BASE = "/api/v1/access/requests"
TODAY = dt.date.today()


def token_client(user: Any) -> Client:
    _token, text = token_create(user=user, name="script", actor=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")


@pytest.fixture
def setup(make_user: Any) -> dict[str, Any]:
    manager_user = make_user(Role.TEST_MANAGER, username="juhataja")
    owner = make_user(Role.DOMAIN_SUPPORT, username="omanik")
    manager = AccountFactory(username="juhataja", user=manager_user)
    AccountFactory(username="mari", manager=manager)
    ProfileFactory(code="PENSION_CLERK", owner=owner, content__rights=[RightFactory()])
    return {
        "requester": make_user(Role.DOMAIN_SUPPORT, username="taotleja"),
        "manager": manager_user,
        "owner": owner,
    }


def body(**changes: Any) -> dict[str, Any]:
    data = {
        "account": "mari",
        "system": "SKAIS",
        "profile": "PENSION_CLERK",
        "valid_from": TODAY.isoformat(),
        "justification": "new clerk",
    }
    data.update(changes)
    return data


def test_request_then_two_decisions_through_the_api(setup: dict[str, Any]) -> None:
    response = token_client(setup["requester"]).post(BASE, body(), content_type="application/json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "pending_manager"
    assert [s["stage"] for s in created["stages"]] == ["manager", "owner"]
    assert created["stages"][0]["state"] == "waiting"
    pk = created["id"]

    mine = token_client(setup["manager"]).get(BASE, {"waiting_for_me": True}).json()
    assert [r["id"] for r in mine["items"]] == [pk]
    decided = token_client(setup["manager"]).post(
        f"{BASE}/{pk}/decision", {"decision": "approved"}, content_type="application/json"
    )
    assert decided.status_code == 200 and decided.json()["status"] == "pending_owner"
    assert decided.json()["stages"][0]["approver"] == "juhataja"
    final = token_client(setup["owner"]).post(
        f"{BASE}/{pk}/decision", {"decision": "approved"}, content_type="application/json"
    )
    assert final.json()["status"] == "approved" and final.json()["assignment_id"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"account": "nobody"}, "account"),
        ({"profile": "NO_SUCH"}, "profile"),
        ({"justification": ""}, "justification"),
        ({"valid_from": (TODAY - dt.timedelta(days=3)).isoformat()}, "valid_from"),
    ],
)
def test_bad_request_answers_422_naming_the_field(
    setup: dict[str, Any], changes: dict[str, Any], field: str
) -> None:
    client = token_client(setup["requester"])
    with no_audit_event():
        response = client.post(BASE, body(**changes), content_type="application/json")
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not AccessRequest.objects.exists()


def test_malformed_date_answers_422_naming_the_field(setup: dict[str, Any]) -> None:
    response = token_client(setup["requester"]).post(
        BASE, body(valid_from="31.12.2025"), content_type="application/json"
    )
    assert response.status_code == 422
    assert "valid_from" in str(response.json())


def test_wrong_approver_gets_403_and_self_approval_too(setup: dict[str, Any]) -> None:
    pk = token_client(setup["requester"]).post(BASE, body(), content_type="application/json").json()["id"]
    for user in (setup["owner"], setup["requester"]):
        client = token_client(user)
        with no_audit_event():
            response = client.post(
                f"{BASE}/{pk}/decision", {"decision": "approved"}, content_type="application/json"
            )
        assert response.status_code == 403
        assert response.json()["detail"]
    assert AccessRequest.objects.get().status == RequestStatus.PENDING_MANAGER


def test_auditor_lists_but_cannot_request(setup: dict[str, Any], auditor: Any) -> None:
    token_client(setup["requester"]).post(BASE, body(), content_type="application/json")
    client = token_client(auditor)
    assert client.get(BASE).json()["count"] == 1
    with no_audit_event():
        assert client.post(BASE, body(), content_type="application/json").status_code == 403
    assert Client().get(BASE).status_code == 401
