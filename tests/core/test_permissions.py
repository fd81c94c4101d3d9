"""Roles and the restriction of what each user sees and may change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.factories import PersonFactory, TopicFactory
from tests.helpers import no_audit_event
from tugi.core.identity import make_code
from tugi.core.models import ApiToken, Job, Person, Topic, UserSubscription
from tugi.core.roles import Role, granted_codenames, sync_role_permissions, tugi_app_configs
from tugi.core.services import (
    job_start,
    person_create,
    person_update,
    persons_import,
    subscription_create,
    token_create,
    token_revoke,
    topic_ensure,
    user_create,
    user_set_active,
    user_set_password,
    user_set_roles,
)

pytestmark = pytest.mark.django_db

CODE = make_code(dt.date(1970, 6, 1), "M", 12)
# The auditor reads everything; besides that an auditor only looks after their own API tokens,
# subscriptions and notifications (self-service, never the data of the agency's systems).
AUDITOR_SELF_SERVICE = {"apitoken", "usersubscription", "notification"}


# --- roles ---------------------------------------------------------------------------------------


def test_every_role_group_exists_after_migrate() -> None:
    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in Role}


def _perms(role: Role) -> set[tuple[str, str]]:
    group = Group.objects.get(name=role.value)
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def test_sync_gives_the_auditor_view_on_everything_and_no_write_on_any_register() -> None:
    Group.objects.get(name=Role.AUDITOR.value).permissions.clear()
    sync_role_permissions()
    perms = _perms(Role.AUDITOR)
    for config in tugi_app_configs():
        for model in config.get_models():
            assert (config.label, f"view_{model._meta.model_name}") in perms
    writes = {codename for _label, codename in perms if not codename.startswith("view_")}
    assert {codename.split("_", 1)[1] for codename in writes} <= AUDITOR_SELF_SERVICE
    assert ("core", "add_person") not in perms
    assert ("core", "add_job") not in perms


def test_sync_sets_exactly_the_granted_permissions_and_removes_others() -> None:
    from django.contrib.auth.models import Permission

    group = Group.objects.get(name=Role.TEST_MANAGER.value)
    group.permissions.add(Permission.objects.get(codename="delete_person"))
    sync_role_permissions()
    assert _perms(Role.TEST_MANAGER) == granted_codenames(Role.TEST_MANAGER)
    assert ("core", "view_person") in _perms(Role.TEST_MANAGER)
    assert ("core", "add_person") not in _perms(Role.TEST_MANAGER)
    assert ("core", "delete_person") in _perms(Role.ADMIN)


# --- the auditor writes nothing ------------------------------------------------------------------


def _writes(auditor: Any, other: Any) -> dict[str, Callable[[], Any]]:
    person = PersonFactory()
    topic = TopicFactory()
    token, _text = token_create(user=other, name="script", actor=other)
    return {
        "person_create": lambda: person_create(
            personal_code=CODE, first_name="Mart", last_name="Mets", actor=auditor
        ),
        "person_update": lambda: person_update(
            person=person, first_name="Muu", last_name="Nimi", date_of_death=None, actor=auditor
        ),
        "persons_import": lambda: persons_import(
            content=f"personal_code;first_name;last_name\n{CODE};Mart;Mets\n".encode(), actor=auditor
        ),
        "job_start": lambda: job_start(kind="persons-import", key="k", actor=auditor, params={}),
        "topic_ensure": lambda: topic_ensure(code="new-topic", name="New", actor=auditor),
        "user_create": lambda: user_create(
            username="newbie", password="a-long-enough-passphrase-42", roles=[Role.ADMIN], actor=auditor
        ),
        "user_set_roles": lambda: user_set_roles(user=other, roles=[Role.ADMIN], actor=auditor),
        "user_set_active": lambda: user_set_active(user=other, active=False, actor=auditor),
        "user_set_password": lambda: user_set_password(
            user=other, password="another-long-passphrase-77", actor=auditor
        ),
        "token_create for another user": lambda: token_create(user=other, name="mine now", actor=auditor),
        "token_revoke of another user's token": lambda: token_revoke(token=token, actor=auditor),
        "subscription_create for another user": lambda: subscription_create(
            topic=topic, user=other, channel="in_app", actor=auditor
        ),
    }


WRITES = [
    "person_create",
    "person_update",
    "persons_import",
    "job_start",
    "topic_ensure",
    "user_create",
    "user_set_roles",
    "user_set_active",
    "user_set_password",
    "token_create for another user",
    "token_revoke of another user's token",
    "subscription_create for another user",
]


@pytest.mark.parametrize("write", WRITES)
def test_auditor_service_writes_are_refused_and_change_nothing(
    auditor: Any, domain_support: Any, write: str
) -> None:
    call = _writes(auditor, domain_support)[write]
    counts = [m.objects.count() for m in (Person, Job, Topic, ApiToken, UserSubscription)]
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.count()
    with no_audit_event(), pytest.raises(PermissionDenied):
        call()
    assert [m.objects.count() for m in (Person, Job, Topic, ApiToken, UserSubscription)] == counts
    assert get_user_model().objects.count() == users
    assert ApiToken.objects.filter(revoked_at__isnull=False).count() == 0
    assert not Person.objects.filter(first_name="Muu").exists()
    domain_support.refresh_from_db()
    assert domain_support.is_active
    assert domain_support.check_password("correct-horse-battery-staple")
    assert [g.name for g in domain_support.groups.all()] == [Role.DOMAIN_SUPPORT.value]


def test_auditor_reads_every_page(auditor: Any, client_for: Any) -> None:
    person = PersonFactory()
    client = client_for(auditor)
    for url in [
        reverse("core:desk"),
        reverse("core:person_list"),
        reverse("core:person_detail", args=[person.uid]),
        reverse("core:audit_list"),
        reverse("core:job_list"),
        reverse("core:subscriptions"),
    ]:
        assert client.get(url).status_code == 200, url


def test_auditor_gets_403_on_write_pages(auditor: Any, client_for: Any) -> None:
    person = PersonFactory()
    client = client_for(auditor)
    assert client.get(reverse("core:person_create")).status_code == 403
    assert client.get(reverse("core:person_import")).status_code == 403
    response = client.post(
        reverse("core:person_edit", args=[person.uid]), {"first_name": "X", "last_name": "Y"}
    )
    assert response.status_code == 404  # may see the person, may not change them: answered as missing
    person.refresh_from_db()
    assert person.first_name != "X"


def test_user_without_a_role_sees_no_person(make_user: Any, client_for: Any) -> None:
    person = PersonFactory()
    client = client_for(make_user())
    assert client.get(reverse("core:person_detail", args=[person.uid])).status_code == 404
    assert client.get(f"/api/v1/persons/{person.uid}").status_code == 404


# --- own objects ---------------------------------------------------------------------------------


@pytest.fixture
def others_job(domain_support: Any) -> Job:
    return Job.objects.create(kind="persons-import", key="x", title="Import", actor=domain_support)


def test_another_users_job_answers_404_in_views_and_api(
    others_job: Job, test_manager: Any, client_for: Any
) -> None:
    client = client_for(test_manager)
    assert client.get(reverse("core:job_detail", args=[others_job.uid])).status_code == 404
    assert client.get(reverse("core:job_progress", args=[others_job.uid])).status_code == 404
    assert client.get(f"/api/v1/jobs/{others_job.uid}").status_code == 404
    listing = client.get(reverse("core:job_list"))
    assert listing.status_code == 200
    assert str(others_job.uid) not in listing.content.decode()


def test_owner_sees_their_job(others_job: Job, domain_support: Any, client_for: Any) -> None:
    client = client_for(domain_support)
    assert client.get(reverse("core:job_detail", args=[others_job.uid])).status_code == 200
    assert client.get(f"/api/v1/jobs/{others_job.uid}").json()["uid"] == str(others_job.uid)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AUDITOR])
def test_admin_and_auditor_see_every_job(
    others_job: Job, make_user: Any, client_for: Any, role: Role
) -> None:
    client = client_for(make_user(role))
    assert client.get(reverse("core:job_detail", args=[others_job.uid])).status_code == 200
    assert client.get(f"/api/v1/jobs/{others_job.uid}").status_code == 200
    assert str(others_job.uid) in client.get(reverse("core:job_list")).content.decode()


def test_another_users_token_answers_404_and_stays_active(
    domain_support: Any, finance_user: Any, client_for: Any
) -> None:
    token, text = token_create(user=domain_support, name="pension register sync", actor=domain_support)
    client = client_for(finance_user)
    with no_audit_event():
        response = client.post(reverse("core:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    page = client.get(reverse("core:token_list")).content.decode()
    assert "pension register sync" not in page
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {text}").json()["username"] == "ds"


def test_owner_revokes_their_token_from_the_page(domain_support: Any, client_for: Any) -> None:
    token, _text = token_create(user=domain_support, name="pension register sync", actor=domain_support)
    response = client_for(domain_support).post(reverse("core:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
