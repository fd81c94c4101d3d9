"""The API for consuming systems: classifiers, items at a date, validation, diffs, ETags, read tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from tests.classifiers.factories import ClassifierFactory, ConsumingSystemFactory, published
from tests.helpers import no_audit_event
from tugi.access.models import ManagedSystem
from tugi.classifiers.models import ClassifierStatus, ItemStatus
from tugi.classifiers.services.interop import consumer_token_issue
from tugi.core.models import AuditEvent
from tugi.core.services import token_create

pytestmark = pytest.mark.django_db
BASE = "/api/v1/classifiers"


def bearer(text: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")


@pytest.fixture
def pensions(domain_support: Any) -> Any:
    skais = ManagedSystem.objects.create(code="SKAIS", name="Sotsiaalkaitse infosüsteem")
    classifier = ClassifierFactory(
        code="pension-types",
        name_et="Pensioni liigid",
        name_en="Pension types",
        owner=domain_support,
        owner_system=skais,
        status=ClassifierStatus.ACTIVE,
    )
    v1 = published(
        classifier,
        [("VP", "Vanaduspension"), ("RP", "Rahvapension"), ("TK", "Töövõimetuspension")],
        valid_from=dt.date(2024, 1, 1),
    )
    v1.valid_to = dt.date(2024, 12, 31)
    v1.save()
    # TK is retired at the end of 2024 in v1; v2 drops RP's English name, adds EP, and retires TK.
    v1.items.filter(code="TK").update(valid_to=dt.date(2024, 6, 30), status=ItemStatus.RETIRED)
    v2 = published(
        classifier,
        [("VP", "Vanaduspension"), ("RP", "Rahvapension (muudetud)"), ("TK", "Töövõimetuspension")],
        number=2,
        valid_from=dt.date(2025, 1, 1),
    )
    v2.items.filter(code="TK").update(valid_to=dt.date(2024, 6, 30), status=ItemStatus.RETIRED)
    v2.items.create(code="EP", name_et="Ennetähtaegne pension", valid_from=dt.date(2025, 3, 1), order=9)
    return classifier


@pytest.fixture
def reader(domain_support: Any, pensions: Any) -> Client:
    consumer = ConsumingSystemFactory(code="skais", name="SKAIS")
    _token, text = consumer_token_issue(consumer=consumer, name="SKAIS nightly", actor=domain_support)
    return bearer(text)


def test_the_list_names_each_classifier_with_its_owner_and_latest_version(reader: Client) -> None:
    response = reader.get(f"{BASE}/")
    assert response.status_code == 200
    row = next(r for r in response.json() if r["code"] == "pension-types")
    assert row["name_et"] == "Pensioni liigid" and row["name_en"] == "Pension types"
    assert row["owner_system"] == "SKAIS" and row["latest_version"] == 2 and row["status"] == "active"


def test_items_at_a_date_come_from_the_version_in_force_at_both_ends(reader: Client) -> None:
    last_day = reader.get(f"{BASE}/pension-types/items", {"at": "2024-12-31"}).json()
    assert last_day["version"] == 1
    assert [i["code"] for i in last_day["items"]] == ["VP", "RP"]  # TK ended on 2024-06-30
    first_day = reader.get(f"{BASE}/pension-types/items", {"at": "2025-01-01"}).json()
    assert first_day["version"] == 2
    assert {i["code"]: i["name_et"] for i in first_day["items"]}["RP"] == "Rahvapension (muudetud)"
    assert "EP" not in [i["code"] for i in first_day["items"]]
    assert "EP" in [
        i["code"] for i in reader.get(f"{BASE}/pension-types/items?at=2025-03-01").json()["items"]
    ]
    tk_last_day = reader.get(f"{BASE}/pension-types/items", {"at": "2024-06-30"}).json()
    assert "TK" in [i["code"] for i in tk_last_day["items"]]


def test_items_before_the_first_version_answer_404(reader: Client) -> None:
    response = reader.get(f"{BASE}/pension-types/items", {"at": "2023-12-31"})
    assert response.status_code == 404
    assert "2023-12-31" in response.json()["detail"]


def test_validate_says_valid_with_the_estonian_name(reader: Client) -> None:
    body = reader.get(f"{BASE}/pension-types/validate", {"code": "VP", "at": "2025-02-01"}).json()
    assert body["valid"] is True and body["display"] == "Vanaduspension"


@pytest.mark.parametrize(
    ("code", "at", "words"),
    [
        ("XX", "2025-02-01", "Unknown code XX"),
        ("TK", "2024-07-01", "was retired on 2024-06-30"),
        ("EP", "2025-02-28", "not yet valid"),
        ("EP", "2024-05-01", "not yet valid"),
        ("VP", "2023-01-01", "No version of pension-types is in force on 2023-01-01"),
    ],
)
def test_validate_says_why_a_code_is_not_valid(reader: Client, code: str, at: str, words: str) -> None:
    body = reader.get(f"{BASE}/pension-types/validate", {"code": code, "at": at}).json()
    assert body["valid"] is False
    assert words in body["message"]


def test_validate_on_the_last_valid_day_of_a_retired_code(reader: Client) -> None:
    body = reader.get(f"{BASE}/pension-types/validate", {"code": "TK", "at": "2024-06-30"}).json()
    assert body["valid"] is True and body["display"] == "Töövõimetuspension"


def test_diff_lists_added_removed_and_changed_codes(reader: Client) -> None:
    body = reader.get(f"{BASE}/pension-types/diff", {"from": 1, "to": 2}).json()
    assert [a["code"] for a in body["added"]] == ["EP"]
    assert body["removed"] == []
    changed = {c["code"]: c for c in body["changed"]}
    assert set(changed) == {"RP"}
    assert changed["RP"]["fields"]["name_et"] == {"from": "Rahvapension", "to": "Rahvapension (muudetud)"}
    assert changed["RP"]["old_name_et"] == "Rahvapension"
    reverse = reader.get(f"{BASE}/pension-types/diff", {"from": 2, "to": 1}).json()
    assert [r["code"] for r in reverse["removed"]] == ["EP"]
    missing = reader.get(f"{BASE}/pension-types/diff", {"from": 1, "to": 7})
    assert missing.status_code == 404 and "7" in missing.json()["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/pension-types/items?at=2025-01-01",
        "/pension-types/validate?code=VP&at=2025-01-01",
        "/pension-types/diff?from=1&to=2",
    ],
)
def test_an_unchanged_answer_is_304_with_the_etag(reader: Client, path: str) -> None:
    first = reader.get(BASE + path)
    etag = first["ETag"]
    assert first.status_code == 200 and etag
    again = reader.get(BASE + path, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    assert reader.get(BASE + path, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_the_etag_depends_on_the_query(reader: Client) -> None:
    a = reader.get(f"{BASE}/pension-types/items?at=2025-01-01")["ETag"]
    b = reader.get(f"{BASE}/pension-types/items?at=2025-03-01")["ETag"]
    assert a != b


def test_without_authentication_the_api_answers_401(pensions: Any) -> None:
    assert Client().get(f"{BASE}/").status_code == 401
    assert Client().get(f"{BASE}/pension-types/validate?code=VP").status_code == 401
    assert bearer("tugi_not-a-token").get(f"{BASE}/").status_code == 401


def test_an_unknown_classifier_is_404_naming_it(reader: Client) -> None:
    response = reader.get(f"{BASE}/no-such-list/validate", {"code": "VP"})
    assert response.status_code == 404
    assert "no-such-list" in response.json()["detail"]


def test_a_bad_date_is_422_naming_at(reader: Client) -> None:
    for path in ("/pension-types/items", "/pension-types/validate"):
        response = reader.get(BASE + path, {"at": "31.12.2024", "code": "VP"})
        assert response.status_code == 422
        assert "at" in response.json()["errors"]


def test_validate_needs_the_code(reader: Client) -> None:
    response = reader.get(f"{BASE}/pension-types/validate")
    assert response.status_code == 422
    assert "code" in str(response.json())


def test_a_session_user_can_read_too(client_for: Any, test_manager: Any, pensions: Any) -> None:
    assert client_for(test_manager).get(f"{BASE}/pension-types/items").status_code == 200


def test_a_consuming_systems_token_reads_but_writes_nothing(domain_support: Any, pensions: Any) -> None:
    consumer = ConsumingSystemFactory(code="parnu", name="Pärnu linn")
    token, text = consumer_token_issue(consumer=consumer, name="Pärnu STAR sync", actor=domain_support)
    consumer.refresh_from_db()
    user = consumer.service_user
    assert user is not None and token.user == user
    assert not user.groups.exists() and not user.is_superuser and not user.has_usable_password()
    client = bearer(text)
    assert client.get(f"{BASE}/pension-types/validate?code=VP").status_code == 200
    assert client.get("/api/v1/access/requests").json()["items"] == []
    refused = client.post(
        "/api/v1/access/requests",
        {"account": "x", "system": "SKAIS", "profile": "P", "valid_from": "2025-01-01", "justification": "j"},
        content_type="application/json",
    )
    assert refused.status_code in (403, 422)
    with pytest.raises(PermissionDenied), no_audit_event():
        token_create(user=user, name="another", actor=user)
    # a second token reuses the service user
    consumer_token_issue(consumer=consumer, name="second", actor=domain_support)
    consumer.refresh_from_db()
    assert consumer.service_user == user


def test_issuing_a_token_is_audited_and_needs_the_right(domain_support: Any, test_manager: Any) -> None:
    consumer = ConsumingSystemFactory(code="star", name="STAR")
    with pytest.raises(PermissionDenied), no_audit_event():
        consumer_token_issue(consumer=consumer, name="x", actor=test_manager)
    consumer_token_issue(consumer=consumer, name="STAR", actor=domain_support)
    events = set(AuditEvent.objects.filter(actor=domain_support).values_list("event_type", flat=True))
    assert {"classifiers.consumer_service_user_created", "core.token_created"} <= events


def test_a_token_needs_a_name(domain_support: Any) -> None:
    from django.core.exceptions import ValidationError

    consumer = ConsumingSystemFactory(code="tartu", name="Tartu")
    with pytest.raises(ValidationError) as err, no_audit_event():
        consumer_token_issue(consumer=consumer, name=" ", actor=domain_support)
    assert "name" in err.value.message_dict
    consumer.refresh_from_db()
    assert consumer.service_user is None


def test_validate_takes_the_version_in_force_at_both_ends(reader: Client) -> None:
    last = reader.get(f"{BASE}/pension-types/validate", {"code": "RP", "at": "2024-12-31"}).json()
    first = reader.get(f"{BASE}/pension-types/validate", {"code": "RP", "at": "2025-01-01"}).json()
    assert (last["version"], last["display"]) == (1, "Rahvapension")
    assert (first["version"], first["display"]) == (2, "Rahvapension (muudetud)")
    upper = reader.get(f"{BASE}/PENSION-TYPES/validate", {"code": "RP", "at": "2025-01-01"}).json()
    assert upper["valid"] is True and upper["version"] == 2
