"""Environment pages and API: board, detail, create / edit, run now."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.base import ViewContract
from tests.delivery.factories import EnvironmentFactory, ReadinessCheckFactory
from tests.helpers import assert_queries_do_not_grow, exactly_one_audit_event, no_audit_event
from tugi.core.roles import Role
from tugi.delivery.models import Environment, ReadinessCheck
from tugi.delivery.simulator import Simulator


class TestEnvironmentPages(ViewContract):
    list_url = "delivery:environment_board"
    create_url = "delivery:environment_create"
    editor_role = Role.TEST_MANAGER
    viewer_role = Role.DOMAIN_SUPPORT
    create_event = "delivery.environment_created"
    update_event = "delivery.environment_updated"

    def make(self) -> Any:
        return EnvironmentFactory(name=f"skais-uat-{Environment.objects.count()}")

    def detail_url(self, obj: Any) -> str:
        return reverse("delivery:environment_detail", args=[obj.pk])

    def create_data(self) -> dict[str, Any]:
        return {
            "system": "STAR",
            "kind": "test",
            "name": "star-test",
            "status": "unknown",
            "health_url": "http://127.0.0.1:9/health",
        }

    def bad_data(self) -> tuple[dict[str, Any], str]:
        return {
            "system": "STAR",
            "kind": "test",
            "name": "star-test",
            "status": "unknown",
            "health_url": "not a url",
        }, "health_url"

    def created(self, data: dict[str, Any]) -> Any:
        return Environment.objects.filter(name=data["name"])

    def edit_url(self, obj: Any) -> str:
        return reverse("delivery:environment_edit", args=[obj.pk])

    def edit_data(self, obj: Any) -> dict[str, Any]:
        return {
            "system": obj.system,
            "kind": obj.kind,
            "name": obj.name,
            "status": "maintenance",
            "notes": "patching",
        }


@pytest.mark.django_db
def test_run_now_from_the_board_keeps_a_check_and_shows_it(test_manager: Any, client_for: Any) -> None:
    sim = Simulator.start()
    try:
        sim.set("skais-prod", version="2026.10.0")
        env = EnvironmentFactory(
            kind="prod",
            name="skais-prod",
            health_url=sim.health_url("skais-prod"),
            version_url=sim.version_url("skais-prod"),
        )
        client = client_for(test_manager)
        with exactly_one_audit_event("delivery.readiness_checked"):
            response = client.post(reverse("delivery:environment_run", args=[env.pk]))
        assert response.status_code == 302
    finally:
        sim.stop()
    check = ReadinessCheck.objects.get(environment=env)
    board = client.get(reverse("delivery:environment_board")).content.decode()
    assert 'id="env-skais-prod" data-status="ready"' in board
    assert "Deployed 2026.10.0" in board
    assert client.get(reverse("delivery:readiness_detail", args=[check.pk])).status_code == 200
    csv = b"".join(
        client.get(reverse("delivery:environment_board") + "?export=csv").streaming_content
    ).decode()
    assert "skais-prod" in csv


@pytest.mark.django_db
def test_domain_support_may_run_checks_but_not_edit(domain_support: Any, client_for: Any) -> None:
    env = EnvironmentFactory(health_url="")
    client = client_for(domain_support)
    assert client.get(reverse("delivery:environment_edit", args=[env.pk])).status_code == 404
    assert client.post(reverse("delivery:environment_run", args=[env.pk])).status_code == 302
    assert env.readiness_checks.get().result == "failed"


@pytest.mark.django_db
def test_auditor_cannot_run_checks(auditor: Any, client_for: Any) -> None:
    env = EnvironmentFactory()
    with no_audit_event():
        assert client_for(auditor).post(reverse("delivery:environment_run", args=[env.pk])).status_code == 403


@pytest.mark.django_db
def test_board_queries_do_not_grow(test_manager: Any, client_for: Any) -> None:
    client = client_for(test_manager)
    n = iter(range(100))

    def more() -> None:
        for _ in range(3):
            env = EnvironmentFactory(name=f"e{next(n)}")
            ReadinessCheckFactory(environment=env)

    more()
    assert_queries_do_not_grow(more, lambda: client.get(reverse("delivery:environment_board")))


@pytest.mark.django_db
def test_api_runs_a_check_and_lists_environments(test_manager: Any, client_for: Any) -> None:
    env = EnvironmentFactory(health_url="")
    client = client_for(test_manager)
    response = client.post(
        f"/api/v1/delivery/environments/{env.pk}/readiness",
        {"reason": "api"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["result"] == "failed"
    listed = client.get("/api/v1/delivery/environments").json()
    assert listed[0]["latest_check"]["result"] == "failed"
    assert (
        client.get(f"/api/v1/delivery/environments/{env.pk}/readiness").json()[0]["environment"] == env.name
    )


@pytest.mark.django_db
def test_check_all_now_runs_as_a_job(
    test_manager: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    EnvironmentFactory(health_url="")
    client = client_for(test_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("delivery:environment_run_all"))
    assert response.status_code == 302
    assert "/jobs/" in response["Location"]
    assert ReadinessCheck.objects.count() == 1  # the test settings run tasks at once


@pytest.mark.django_db
def test_run_against_a_chosen_delivery_and_find_flags_in_search(test_manager: Any, client_for: Any) -> None:
    from tests.delivery.factories import FeatureFlagFactory
    from tugi.delivery.models import Delivery

    env = EnvironmentFactory(kind="uat", health_url="")
    delivery = Delivery.objects.create(system="SKAIS", version="2026.12.0")
    Delivery.objects.create(system="STAR", version="2026.12.0")
    client = client_for(test_manager)
    page = client.get(reverse("delivery:environment_detail", args=[env.pk])).content.decode()
    assert 'id="run-delivery"' in page and "STAR 2026.12.0" not in page
    client.post(reverse("delivery:environment_run", args=[env.pk]), {"delivery": delivery.pk})
    assert env.readiness_checks.get().delivery == delivery
    FeatureFlagFactory(key="new-indexation-2027")
    from tugi.core.registry import registry

    provider = next(p for p in registry.search_providers if p.key == "delivery-flags")
    assert [h.title for h in provider.search(test_manager, "indexation")] == ["SKAIS:new-indexation-2027"]
