"""Personal API tokens: shown once, stored hashed, expiring, revocable, and the `tugi token` command."""

from __future__ import annotations

import datetime as dt
import hashlib
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.helpers import exactly_one_audit_event, no_audit_event
from tugi.core.audit import CoreEvent
from tugi.core.models import ApiToken, AuditEvent
from tugi.core.services import token_authenticate, token_create, token_revoke

pytestmark = pytest.mark.django_db


def _all_stored_text(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")
        return " ".join(str(v) for row in cursor.fetchall() for v in row)


def test_token_is_stored_only_as_its_hash(domain_support: Any) -> None:
    with exactly_one_audit_event(CoreEvent.TOKEN_CREATED) as events:
        token, text = token_create(user=domain_support, name="nightly export", actor=domain_support, days=30)
    assert text.startswith("tugi_") and len(text) > 40
    assert token.token_hash == hashlib.sha256(text.encode()).hexdigest()
    assert text not in _all_stored_text(ApiToken._meta.db_table)
    assert text not in _all_stored_text(AuditEvent._meta.db_table)
    assert token.token_hash not in str(events[0].after)
    assert events[0].after["name"] == "nightly export"
    assert text.startswith(token.prefix) and len(token.prefix) < 16
    assert timezone.now() + dt.timedelta(days=29) < token.expires_at <= timezone.now() + dt.timedelta(days=30)


def test_two_tokens_differ(domain_support: Any) -> None:
    first = token_create(user=domain_support, name="a", actor=domain_support)[1]
    second = token_create(user=domain_support, name="a", actor=domain_support)[1]
    assert first != second


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"name": " "}, "name"), ({"name": "x" * 101}, "name"), ({"days": 0}, "days"), ({"days": 367}, "days")],
)
def test_bad_token_request_names_the_field(domain_support: Any, kwargs: dict[str, Any], field: str) -> None:
    data = {"name": "script", **kwargs}
    with no_audit_event(), pytest.raises(ValidationError) as info:
        token_create(user=domain_support, actor=domain_support, **data)
    assert field in info.value.message_dict
    assert not ApiToken.objects.exists()


def test_nobody_but_an_administrator_creates_a_token_for_someone_else(
    domain_support: Any, finance_user: Any, admin_user: Any
) -> None:
    with no_audit_event(), pytest.raises(PermissionDenied):
        token_create(user=finance_user, name="x", actor=domain_support)
    admin_user.is_superuser = True
    admin_user.save()
    token, _text = token_create(user=finance_user, name="x", actor=admin_user)
    assert token.user == finance_user


def test_last_used_at_is_set_on_use(domain_support: Any) -> None:
    token, text = token_create(user=domain_support, name="script", actor=domain_support)
    assert token.last_used_at is None
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {text}").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert timezone.now() - token.last_used_at < dt.timedelta(minutes=1)


def test_authenticate_answers_the_owner_only_while_active(domain_support: Any) -> None:
    token, text = token_create(user=domain_support, name="script", actor=domain_support)
    assert token_authenticate(text) == domain_support
    assert token_authenticate(text + "x") is None
    assert token_authenticate(token.token_hash) is None
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert token_authenticate(text) is None


def test_revocation_is_audited_once(domain_support: Any) -> None:
    token, text = token_create(user=domain_support, name="script", actor=domain_support)
    with exactly_one_audit_event(CoreEvent.TOKEN_REVOKED) as events:
        token_revoke(token=token, actor=domain_support, reason="laptop lost")
    assert events[0].before["revoked_at"] is None
    assert events[0].after["revoked_at"] is not None
    assert events[0].reason == "laptop lost"
    assert "token_hash" not in events[0].after
    with no_audit_event():
        token_revoke(token=token, actor=domain_support)
    assert token_authenticate(text) is None


def test_token_page_shows_a_new_token_once(domain_support: Any, client_for: Any) -> None:
    client = client_for(domain_support)
    response = client.post(reverse("core:token_list"), {"name": "nightly export", "days": 30})
    assert response.status_code == 200
    text = response.context["new_token"]
    assert text and text in response.content.decode()
    assert token_authenticate(text) == domain_support
    assert text not in client.get(reverse("core:token_list")).content.decode()


# --- the command ---------------------------------------------------------------------------------


def test_command_prints_the_token_alone_on_one_line_and_it_authenticates(domain_support: Any) -> None:
    out = StringIO()
    call_command("token", "create", "--user", "ds", "--name", "ci pipeline", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    (text,) = lines
    assert text == text.strip() and " " not in text
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {text}").json()["username"] == "ds"
    token = ApiToken.objects.get()
    assert (token.user, token.name) == (domain_support, "ci pipeline")
    assert AuditEvent.objects.filter(event_type=CoreEvent.TOKEN_CREATED, actor=domain_support).count() == 1


def test_command_with_an_unknown_user_fails(db: Any) -> None:
    with pytest.raises(CommandError):
        call_command("token", "create", "--user", "nobody", "--name", "x", stdout=StringIO())
    assert not ApiToken.objects.exists()


def test_command_with_a_bad_name_fails_naming_the_field(domain_support: Any) -> None:
    with pytest.raises(CommandError, match="name"):
        call_command("token", "create", "--user", "ds", "--name", " ", stdout=StringIO())


def test_command_lists_without_the_secret_and_revokes(domain_support: Any) -> None:
    out = StringIO()
    call_command("token", "create", "--user", "ds", "--name", "ci", stdout=out)
    text = out.getvalue().strip()
    token = ApiToken.objects.get()
    listing = StringIO()
    call_command("token", "list", "--user", "ds", stdout=listing)
    assert "ci" in listing.getvalue() and "active" in listing.getvalue()
    assert text not in listing.getvalue()
    call_command("token", "revoke", "--user", "ds", "--id", str(token.pk), stdout=StringIO())
    assert token_authenticate(text) is None
    with pytest.raises(CommandError):
        call_command("token", "revoke", "--user", "ds", "--id", str(token.pk + 1), stdout=StringIO())


@pytest.mark.django_db
def test_a_token_for_another_user_needs_the_permission_the_area_names(
    domain_support: Any, make_user: Any
) -> None:
    from django.core.exceptions import PermissionDenied

    from tugi.core.models import ApiToken
    from tugi.core.services import token_create

    service = make_user(username="svc-star")
    with pytest.raises(PermissionDenied):
        token_create(user=service, name="sync", actor=domain_support)
    with pytest.raises(PermissionDenied):
        token_create(
            user=service, name="sync", actor=domain_support, on_behalf_permission="core.add_person_x"
        )
    token, _text = token_create(
        user=service, name="sync", actor=domain_support, on_behalf_permission="core.change_person"
    )
    assert ApiToken.objects.get(pk=token.pk).user == service
