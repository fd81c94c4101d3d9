"""The API under /api/v1/: authentication, errors that name the field, the OpenAPI document, health."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import timezone
from openapi_spec_validator import validate

from tests.factories import PersonFactory
from tests.helpers import exactly_one_audit_event, no_audit_event
from tugi.core.audit import CoreEvent
from tugi.core.identity import make_code
from tugi.core.models import ApiToken, Person
from tugi.core.services import token_create, token_revoke, worker_heartbeat

pytestmark = pytest.mark.django_db

CODE = make_code(dt.date(1975, 8, 20), "F", 321)


def bearer(text: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {text}"}


@pytest.fixture
def token_text(domain_support: Any) -> str:
    return token_create(user=domain_support, name="script", actor=domain_support)[1]


# --- authentication ------------------------------------------------------------------------------


def test_bearer_token_authenticates(domain_support: Any, token_text: str) -> None:
    response = Client().get("/api/v1/me", **bearer(token_text))
    assert response.status_code == 200
    assert response.json() == {
        "username": "ds",
        "first_name": domain_support.first_name,
        "last_name": domain_support.last_name,
        "roles": ["domain_support"],
    }


def test_no_auth_is_401(db: Any) -> None:
    assert Client().get("/api/v1/me").status_code == 401
    assert Client().get("/api/v1/persons").status_code == 401


@pytest.mark.parametrize("text", ["tugi_not-a-real-token", "not-even-our-prefix", ""])
def test_unknown_token_is_401(db: Any, text: str) -> None:
    assert Client().get("/api/v1/me", **bearer(text)).status_code == 401


def test_revoked_token_is_401(domain_support: Any, token_text: str) -> None:
    token_revoke(token=ApiToken.objects.get(), actor=domain_support)
    assert Client().get("/api/v1/me", **bearer(token_text)).status_code == 401


def test_expired_token_is_401(token_text: str) -> None:
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert Client().get("/api/v1/me", **bearer(token_text)).status_code == 401


def test_token_of_a_deactivated_user_is_401(domain_support: Any, token_text: str) -> None:
    domain_support.is_active = False
    domain_support.save()
    assert Client().get("/api/v1/me", **bearer(token_text)).status_code == 401


def test_session_authenticates_get(domain_support: Any, client_for: Any) -> None:
    response = client_for(domain_support).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["username"] == "ds"


def test_session_post_needs_the_csrf_token(domain_support: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(domain_support, backend="django.contrib.auth.backends.ModelBackend")
    payload = {"personal_code": CODE, "first_name": "Anu", "last_name": "Lepik"}
    with no_audit_event():
        response = client.post("/api/v1/persons", payload, content_type="application/json")
    assert response.status_code == 403, response.content
    assert not Person.objects.exists()


# --- persons -------------------------------------------------------------------------------------


def test_post_person_creates_and_audits(domain_support: Any, token_text: str) -> None:
    payload = {"personal_code": CODE, "first_name": "Anu", "last_name": "Lepik", "reason": "api"}
    with exactly_one_audit_event(CoreEvent.PERSON_CREATED) as events:
        response = Client().post(
            "/api/v1/persons", payload, content_type="application/json", **bearer(token_text)
        )
    assert response.status_code == 201
    body = response.json()
    person = Person.objects.get()
    assert body["uid"] == str(person.uid)
    assert (body["birth_date"], body["sex"]) == ("1975-08-20", "F")
    assert events[0].actor == domain_support
    assert events[0].reason == "api"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"personal_code": "38001010008", "first_name": "Anu", "last_name": "Lepik"}, "personal_code"),
        ({"personal_code": "12345", "first_name": "Anu", "last_name": "Lepik"}, "personal_code"),
        ({"personal_code": CODE, "first_name": " ", "last_name": "Lepik"}, "first_name"),
        (
            {"personal_code": CODE, "first_name": "Anu", "last_name": "Lepik", "date_of_death": "1900-01-01"},
            "date_of_death",
        ),
    ],
)
def test_post_person_with_bad_input_is_422_naming_the_field(
    token_text: str, payload: dict[str, Any], field: str
) -> None:
    with no_audit_event():
        response = Client().post(
            "/api/v1/persons", payload, content_type="application/json", **bearer(token_text)
        )
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not Person.objects.exists()


def test_post_person_missing_a_field_is_422(token_text: str) -> None:
    response = Client().post(
        "/api/v1/persons",
        {"first_name": "Anu", "last_name": "Lepik"},
        content_type="application/json",
        **bearer(token_text),
    )
    assert response.status_code == 422
    assert "personal_code" in response.content.decode()
    assert not Person.objects.exists()


def test_post_person_twice_is_422_and_stores_one(token_text: str) -> None:
    payload = {"personal_code": CODE, "first_name": "Anu", "last_name": "Lepik"}
    client = Client()
    assert (
        client.post(
            "/api/v1/persons", payload, content_type="application/json", **bearer(token_text)
        ).status_code
        == 201
    )
    second = client.post("/api/v1/persons", payload, content_type="application/json", **bearer(token_text))
    assert second.status_code == 422
    assert "personal_code" in second.json()["errors"]
    assert Person.objects.count() == 1


def test_auditor_post_is_403_and_stores_nothing(auditor: Any) -> None:
    _token, text = token_create(user=auditor, name="audit script", actor=auditor)
    payload = {"personal_code": CODE, "first_name": "Anu", "last_name": "Lepik"}
    with no_audit_event():
        response = Client().post("/api/v1/persons", payload, content_type="application/json", **bearer(text))
    assert response.status_code == 403
    assert not Person.objects.exists()


def test_person_that_does_not_exist_is_404(token_text: str) -> None:
    PersonFactory()
    response = Client().get("/api/v1/persons/00000000-0000-4000-8000-000000000000", **bearer(token_text))
    assert response.status_code == 404


# --- audit API -----------------------------------------------------------------------------------


def test_audit_api_shows_events_to_auditors_only(domain_support: Any, auditor: Any, client_for: Any) -> None:
    PersonFactory()
    from tugi.core.services import person_create

    person_create(personal_code=CODE, first_name="Anu", last_name="Lepik", actor=domain_support)
    items = client_for(auditor).get("/api/v1/audit", {"event_type": "core.person_created"}).json()["items"]
    assert [i["event_type"] for i in items] == ["core.person_created"]
    assert items[0]["actor_label"] == "ds"
    assert CODE not in str(items)
    assert client_for(domain_support).get("/api/v1/audit").json()["items"] == []


# --- documentation -------------------------------------------------------------------------------


def test_openapi_document_is_valid_openapi_3(db: Any) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    validate(spec)
    assert "/api/v1/persons" in spec["paths"]
    assert "/api/v1/persons/lookup" in spec["paths"]
    schemes = spec["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


def test_docs_page_works_offline(domain_support: Any, client_for: Any) -> None:
    response = client_for(domain_support).get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    scripts = re.findall(r'<script[^>]*\bsrc="([^"]+)"', page)
    assert scripts, "the docs page loads Swagger UI"
    for src in scripts:
        assert src.startswith("/static/"), f"{src}: production networks are closed, no CDN"
        assert finders.find(src.removeprefix("/static/")), src


# --- health --------------------------------------------------------------------------------------


def test_healthz(client: Any) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_needs_a_live_worker(db: Any, client: Any, settings: Any) -> None:
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "ok"
    assert response.json()["checks"]["migrations"] == "ok"
    assert response.json()["checks"]["worker"] != "ok"
    worker_heartbeat(worker_id="w1")
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "worker": "ok"},
    }
    settings.WORKER_STALE_SECONDS = 0
    from tugi.core.models import WorkerHeartbeat

    WorkerHeartbeat.objects.update(seen_at=timezone.now() - dt.timedelta(seconds=5))
    assert client.get("/readyz").status_code == 503
