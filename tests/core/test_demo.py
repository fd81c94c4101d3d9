"""`tugi demo --no-serve`: demo users with roles, synthetic persons, partners and guides; safe to rerun."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tugi.core.identity import birth_date, clean_personal_code, sex
from tugi.core.models import AuditEvent, Person
from tugi.core.roles import Role, user_roles
from tugi.work.models import Guide, Partner

pytestmark = pytest.mark.django_db

DEMO_USERS = {
    "domain_support": Role.DOMAIN_SUPPORT,
    "test_manager": Role.TEST_MANAGER,
    "finance": Role.FINANCE,
    "auditor": Role.AUDITOR,
    "admin": Role.ADMIN,
    "security": Role.SECURITY,
}


def _demo() -> str:
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    return out.getvalue()


def _passwords(output: str) -> dict[str, str]:
    found = {}
    for username in DEMO_USERS:
        match = re.search(rf"^\s+{username}\s+(\S+)\s*$", output, re.MULTILINE)
        if match and match.group(1) != "(exists;":
            found[username] = match.group(1)
    return found


def test_demo_loads_users_persons_partners_and_guides_once() -> None:
    output = _demo()
    users = get_user_model().objects.filter(username__in=DEMO_USERS)
    assert {u.username: user_roles(u) for u in users} == {name: [role] for name, role in DEMO_USERS.items()}
    passwords = _passwords(output)
    assert set(passwords) == set(DEMO_USERS)
    for user in users:
        assert user.check_password(passwords[user.username])
    assert get_user_model().objects.get(username="admin").is_superuser

    # The core loads 300 persons; the test-data demo adds a few synthetic ones of its scenarios.
    assert Person.objects.count() >= 300
    for person in Person.objects.all():
        assert clean_personal_code(person.personal_code) == person.personal_code
        assert person.birth_date == birth_date(person.personal_code)
        assert person.sex == sex(person.personal_code)
    assert Partner.objects.exists()
    assert Guide.objects.exists()

    counts = (
        get_user_model().objects.count(),
        Person.objects.count(),
        Partner.objects.count(),
        Guide.objects.count(),
        AuditEvent.objects.count(),
    )
    again = _demo()
    assert (
        get_user_model().objects.count(),
        Person.objects.count(),
        Partner.objects.count(),
        Guide.objects.count(),
        AuditEvent.objects.count(),
    ) == counts
    assert _passwords(again) == {}
    for password in passwords.values():
        assert password not in again
    assert "password unchanged" in again
