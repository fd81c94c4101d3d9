"""A user changes their own password: the old one must be right, the new one strong; audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tugi.core.models import AuditEvent

pytestmark = pytest.mark.django_db

OLD = "correct-horse-battery-staple"
NEW = "Lumine-talv-2026-pakane"


def test_password_change_keeps_the_session_and_is_audited(domain_support: Any, client_for: Any) -> None:
    client = client_for(domain_support)
    response = client.post(
        reverse("core:password_change"), {"old_password": OLD, "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 302
    domain_support.refresh_from_db()
    assert domain_support.check_password(NEW)
    assert client.get(reverse("core:desk")).status_code == 200
    event = AuditEvent.objects.get(event_type="core.user_password_set")
    assert event.actor == domain_support and NEW not in str(event.after) and OLD not in str(event.before)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"old_password": "wrong-one-entirely", "new_password1": NEW, "new_password2": NEW}, "old_password"),
        (
            {"old_password": OLD, "new_password1": "123456789012", "new_password2": "123456789012"},
            "new_password1",
        ),
        ({"old_password": OLD, "new_password1": NEW, "new_password2": NEW + "x"}, "new_password2"),
    ],
)
def test_bad_password_change_names_the_field_and_changes_nothing(
    domain_support: Any, client_for: Any, data: dict[str, str], field: str
) -> None:
    response = client_for(domain_support).post(reverse("core:password_change"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    domain_support.refresh_from_db()
    assert domain_support.check_password(OLD)
    assert not AuditEvent.objects.filter(event_type="core.user_password_set").exists()
