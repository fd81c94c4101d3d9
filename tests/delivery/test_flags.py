"""Feature flags: create, state per environment (audited), the flag page and its API."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.delivery.factories import EnvironmentFactory, FeatureFlagFactory, FlagStateFactory
from tests.helpers import exactly_one_audit_event, no_audit_event
from tugi.delivery.models import FeatureFlag, FlagState
from tugi.delivery.services.flags import flag_create, flag_state_set, flag_update

pytestmark = pytest.mark.django_db


def test_a_flag_state_change_is_audited_with_before_and_after(test_manager: Any) -> None:
    flag = FeatureFlagFactory(key="new-indexation")
    uat = EnvironmentFactory(kind="uat")
    with exactly_one_audit_event("delivery.flag_state_changed") as events:
        flag_state_set(flag=flag, environment=uat, enabled=True, actor=test_manager, reason="UAT test")
    assert events[0].before == {"enabled": False, "variant": "", "set": False}
    assert events[0].after["enabled"] is True
    assert events[0].reason == "UAT test"
    with no_audit_event():  # the same state again changes nothing
        flag_state_set(flag=flag, environment=uat, enabled=True, actor=test_manager)
    state = FlagState.objects.get(flag=flag, environment=uat)
    assert state.changed_by == test_manager


def test_a_flag_cannot_be_set_in_another_systems_environment(test_manager: Any) -> None:
    flag = FeatureFlagFactory(system="SKAIS")
    star = EnvironmentFactory(system="STAR", kind="uat")
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        flag_state_set(flag=flag, environment=star, enabled=True, actor=test_manager)
    assert "environment" in exc.value.message_dict


def test_keys_are_unique_per_system_and_only_editors_create(test_manager: Any, domain_support: Any) -> None:
    flag_create(system="SKAIS", key="new-indexation", actor=test_manager)
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        flag_create(system="SKAIS", key="new-indexation", actor=test_manager)
    assert exc.value.message_dict["key"] == ["The system has a flag with this key already."]
    with pytest.raises(ValidationError):
        flag_create(system="SKAIS", key="not a slug!", actor=test_manager)
    with pytest.raises(PermissionDenied):
        flag_create(system="STAR", key="x", actor=domain_support)
    assert FeatureFlag.objects.count() == 1


def test_key_cannot_change_and_archived_flag_state_is_frozen(test_manager: Any) -> None:
    flag = FeatureFlagFactory()
    with pytest.raises(ValidationError):
        flag_update(flag=flag, key="other", actor=test_manager)
    with exactly_one_audit_event("delivery.flag_updated"):
        flag_update(flag=flag, archived=True, description="gone", actor=test_manager)
    with pytest.raises(ValidationError):
        flag_state_set(flag=flag, environment=EnvironmentFactory(), enabled=True, actor=test_manager)


def test_flag_page_sets_the_state_in_one_environment(test_manager: Any, client_for: Any) -> None:
    flag = FeatureFlagFactory(key="new-indexation")
    uat = EnvironmentFactory(kind="uat")
    FlagStateFactory(flag=flag, environment=uat, enabled=False)
    client = client_for(test_manager)
    page = client.get(reverse("delivery:flag_detail", args=[flag.pk]))
    assert page.status_code == 200
    assert 'id="flag-state-skais-uat"' in page.content.decode()
    response = client.post(
        reverse("delivery:flag_state_set", args=[flag.pk]),
        {"environment": uat.pk, "enabled": "1", "variant": "", "reason": "ticket expects it"},
    )
    assert response.status_code == 302
    assert FlagState.objects.get(flag=flag, environment=uat).enabled is True
    listing = client.get(reverse("delivery:flag_list"))
    assert 'data-environment="skais-uat" data-state="on"' in listing.content.decode()
    csv = client.get(reverse("delivery:flag_list") + "?export=csv")
    assert "new-indexation" in b"".join(csv.streaming_content).decode()


def test_domain_support_sees_flags_but_cannot_change_them(domain_support: Any, client_for: Any) -> None:
    flag = FeatureFlagFactory()
    env = EnvironmentFactory()
    client = client_for(domain_support)
    page = client.get(reverse("delivery:flag_detail", args=[flag.pk]))
    assert page.status_code == 200 and "flag-state-" not in page.content.decode()
    response = client.post(
        reverse("delivery:flag_state_set", args=[flag.pk]), {"environment": env.pk, "enabled": "1"}
    )
    assert response.status_code == 403
    assert client_for(domain_support).get(reverse("delivery:flag_create")).status_code == 403


def test_user_without_role_gets_403_list_and_404_detail(make_user: Any, client_for: Any) -> None:
    flag = FeatureFlagFactory()
    client = client_for(make_user())
    assert client.get(reverse("delivery:flag_list")).status_code == 403
    assert client.get(reverse("delivery:flag_detail", args=[flag.pk])).status_code == 404


def test_create_flag_page_shows_the_field_error(test_manager: Any, client_for: Any) -> None:
    FeatureFlagFactory(system="SKAIS", key="taken")
    client = client_for(test_manager)
    with no_audit_event():
        response = client.post(reverse("delivery:flag_create"), {"system": "SKAIS", "key": "taken"})
    assert response.status_code == 200
    assert "The system has a flag with this key already." in response.content.decode()
    with exactly_one_audit_event("delivery.flag_created"):
        response = client.post(reverse("delivery:flag_create"), {"system": "STAR", "key": "taken"})
    assert response.status_code == 302


def test_api_lists_flags_and_sets_a_state(test_manager: Any, client_for: Any) -> None:
    flag = FeatureFlagFactory(key="new-indexation")
    EnvironmentFactory(kind="uat")
    client = client_for(test_manager)
    response = client.put(
        "/api/v1/delivery/flags/SKAIS/new-indexation/states/skais-uat",
        {"enabled": True, "reason": "api"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["states"][0]["enabled"] is True
    listed = client.get("/api/v1/delivery/flags?system=skais").json()
    assert [f["key"] for f in listed] == [flag.key]
    assert (
        client.put(
            "/api/v1/delivery/flags/SKAIS/nope/states/skais-uat",
            {"enabled": True},
            content_type="application/json",
        ).status_code
        == 404
    )
