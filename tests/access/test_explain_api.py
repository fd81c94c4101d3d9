"""GET /api/v1/access/explain and /api/v1/access/accounts/{username}/rights."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from tests.access.test_explain_pages import build_world
from tugi.core.services import token_create

pytestmark = pytest.mark.django_db

URL = "/api/v1/access/explain"


def token_client(user: Any) -> Client:
    _token, text = token_create(user=user, name="service desk", actor=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")


def explain(client: Client, **params: str) -> Any:
    return client.get(URL, {"account": "mari.tamm", "system": "SKAIS", **params})


def test_granted_through_nested_profiles(domain_support: Any) -> None:
    world = build_world()
    response = explain(token_client(domain_support), right="PENS_VIEW")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"account", "system", "right", "at", "granted", "paths", "would_grant"}
    assert body["granted"] is True and body["would_grant"] == []
    assert body["at"] == dt.date.today().isoformat()
    assert body["paths"] == [
        [
            {
                "kind": "assignment",
                "id": world.assignment.pk,
                "valid_from": world.assignment.valid_from.isoformat(),
                "valid_to": None,
            },
            {"kind": "profile", "id": world.top.pk, "code": "TOP"},
            {"kind": "profile", "id": world.middle.pk, "code": "MIDDLE"},
            {"kind": "profile", "id": world.base.pk, "code": "BASE"},
            {"kind": "right", "id": world.view.pk, "code": "PENS_VIEW"},
        ]
    ]


def test_not_granted_with_what_would_grant_it_and_the_sod_conflict(auditor: Any) -> None:
    world = build_world()
    body = explain(token_client(auditor), right="PAY_APPROVE").json()
    assert body["granted"] is False and body["paths"] == []
    [offer] = body["would_grant"]
    assert (offer["profile"], offer["profile_id"], offer["name"]) == (
        "PAY_APPROVER",
        world.approver.pk,
        "Maksete kinnitaja",
    )
    [conflict] = offer["sod_conflicts"]
    assert conflict["policy"] == "pay-4-eyes"
    assert conflict["side_a"] == ["SKAIS:PAY_CREATE"] and conflict["side_b"] == ["SKAIS:PAY_APPROVE"]
    assert conflict["exception"] is None


def test_a_past_date_uses_that_days_profile_versions(domain_support: Any, client_for: Any) -> None:
    build_world()
    client = client_for(domain_support)  # the browser's session works too
    past = (dt.date.today() - dt.timedelta(days=20)).isoformat()
    then = explain(client, right="OLD_REPORT", at=past).json()
    assert then["granted"] is True and then["at"] == past
    assert [s.get("code") for s in then["paths"][0][1:]] == ["TOP", "MIDDLE", "BASE", "OLD_REPORT"]
    assert explain(client, right="OLD_REPORT").json()["granted"] is False


@pytest.mark.parametrize(
    ("params", "field", "named"),
    [
        ({"account": "nobody", "right": "PENS_VIEW"}, "account", "nobody"),
        ({"system": "NOPE", "right": "PENS_VIEW"}, "system", "NOPE"),
        ({"right": "NO_SUCH"}, "right", "NO_SUCH"),
    ],
)
def test_unknown_account_system_or_right_is_404_naming_which(
    domain_support: Any, params: dict[str, str], field: str, named: str
) -> None:
    build_world()
    response = explain(token_client(domain_support), **params)
    assert response.status_code == 404
    assert response.json()["field"] == field and named in response.json()["detail"]


def test_a_bad_date_is_422_naming_at(domain_support: Any) -> None:
    build_world()
    response = explain(token_client(domain_support), right="PENS_VIEW", at="2024-13-01")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["at"]


def test_no_token_401_and_no_access_404(make_user: Any, client_for: Any) -> None:
    build_world()
    assert (
        Client().get(URL, {"account": "mari.tamm", "system": "SKAIS", "right": "PENS_VIEW"}).status_code
        == 401
    )
    stranger = client_for(make_user())  # may not see accounts: they answer as unknown
    assert explain(stranger, right="PENS_VIEW").status_code == 404


def test_effective_rights_of_an_account(domain_support: Any) -> None:
    world = build_world()
    client = token_client(domain_support)
    body = client.get("/api/v1/access/accounts/mari.tamm/rights").json()
    assert body["account"] == "mari.tamm" and body["at"] == dt.date.today().isoformat()
    assert [(r["system"], r["code"]) for r in body["rights"]] == [
        ("SKAIS", "PAY_CREATE"),
        ("SKAIS", "PENS_VIEW"),
    ]
    view = body["rights"][1]
    assert [s.get("code") for s in view["path"]] == [None, "TOP", "MIDDLE", "BASE", "PENS_VIEW"]
    assert view["path"][0]["id"] == world.assignment.pk
    past = (dt.date.today() - dt.timedelta(days=20)).isoformat()
    then = client.get("/api/v1/access/accounts/mari.tamm/rights", {"at": past, "system": "SKAIS"}).json()
    assert [r["code"] for r in then["rights"]] == ["OLD_REPORT", "PAY_CREATE", "PENS_VIEW"]
    assert client.get("/api/v1/access/accounts/nobody/rights").status_code == 404
    assert (
        client.get("/api/v1/access/accounts/mari.tamm/rights", {"system": "NOPE"}).json()["field"] == "system"
    )
    assert client.get("/api/v1/access/accounts/mari.tamm/rights", {"at": "yesterday"}).status_code == 422
