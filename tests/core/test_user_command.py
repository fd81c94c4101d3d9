"""Staff users are managed with `tugi user`; every change is audited and bad input is refused."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from tugi.core.models import AuditEvent
from tugi.core.roles import Role, has_role


@pytest.mark.django_db
def test_create_set_roles_and_deactivate_are_each_audited() -> None:
    out = StringIO()
    call_command(
        "user", "create", "mari", "--role", "finance", "--email", "mari@tugi.example.com", stdout=out
    )
    assert "initial password:" in out.getvalue()
    user = get_user_model().objects.get(username="mari")
    assert has_role(user, Role.FINANCE)

    call_command("user", "roles", "mari", "--role", "auditor", stdout=StringIO())
    user = get_user_model().objects.get(username="mari")
    assert has_role(user, Role.AUDITOR) and not has_role(user, Role.FINANCE)

    call_command("user", "deactivate", "mari", "--reason", "left the agency", stdout=StringIO())
    assert not get_user_model().objects.get(username="mari").is_active

    events = list(AuditEvent.objects.filter(object_id=str(user.pk)).order_by("occurred_at", "id"))
    assert [e.event_type for e in events] == [
        "core.user_created",
        "core.user_roles_changed",
        "core.user_deactivated",
    ]
    assert events[1].before == {"roles": ["finance"]} and events[1].after == {"roles": ["auditor"]}
    assert events[2].reason == "left the agency"


@pytest.mark.django_db
def test_setting_the_same_roles_again_writes_nothing() -> None:
    call_command("user", "create", "toomas", "--role", "finance", stdout=StringIO())
    count = AuditEvent.objects.count()
    call_command("user", "roles", "toomas", "--role", "finance", stdout=StringIO())
    assert AuditEvent.objects.count() == count


@pytest.mark.django_db
def test_duplicate_or_unknown_user_is_refused(domain_support: Any) -> None:
    with pytest.raises(CommandError, match="username"):
        call_command("user", "create", "ds", stdout=StringIO())
    with pytest.raises(CommandError, match="No user named"):
        call_command("user", "deactivate", "nobody", stdout=StringIO())


@pytest.mark.django_db
def test_unknown_role_is_refused_by_the_parser() -> None:
    with pytest.raises(CommandError):
        call_command("user", "create", "kalle", "--role", "superhero", stdout=StringIO())
    assert not get_user_model().objects.filter(username="kalle").exists()
