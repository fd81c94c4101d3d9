"""Readiness checks against local HTTP servers on the loopback address."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from tests.delivery.factories import EnvironmentFactory, FeatureFlagFactory, FlagStateFactory
from tests.helpers import exactly_one_audit_event
from tugi.delivery.models import Delivery, DeliveryDate, Ticket, TicketFlag
from tugi.delivery.services.readiness import readiness_run
from tugi.delivery.simulator import Simulator

pytestmark = pytest.mark.django_db


@pytest.fixture
def sim() -> Iterator[Simulator]:
    simulator = Simulator.start()
    yield simulator
    simulator.stop()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(sim: Simulator, name: str, **kwargs: Any) -> Any:
    return EnvironmentFactory(
        name=name, health_url=sim.health_url(name), version_url=sim.version_url(name), **kwargs
    )


def _delivery(system: str, version: str, stage: str, days_ago: int = 1) -> Delivery:
    delivery = Delivery.objects.create(system=system, version=version, status="in_uat")
    DeliveryDate.objects.create(
        delivery=delivery, stage=stage, planned_date=timezone.localdate() - dt.timedelta(days=days_ago)
    )
    return delivery


def test_readiness_check_reports_a_down_environment(test_manager: Any) -> None:
    port = _closed_port()
    env = EnvironmentFactory(
        name="skais-test",
        kind="test",
        health_url=f"http://127.0.0.1:{port}/health",
        version_url=f"http://127.0.0.1:{port}/version",
    )
    with exactly_one_audit_event("delivery.readiness_checked"):
        check = readiness_run(environment=env, actor=test_manager, timeout=1)
    assert check.result == "failed"
    health = next(i for i in check.items if i["check"] == "health")
    assert health["ok"] is False
    assert "no answer" in health["detail"]
    env.refresh_from_db()
    assert env.status == "down"


def test_an_unhealthy_answer_is_down_too(sim: Simulator, test_manager: Any) -> None:
    sim.set("star-dev", healthy=False)
    env = _env(sim, "star-dev", system="STAR", kind="dev")
    check = readiness_run(environment=env, actor=test_manager, timeout=2)
    assert check.items[0] == {"check": "health", "ok": False, "detail": "HTTP 503"}
    assert env.status == "down"


def test_a_ready_uat_runs_the_expected_version_and_is_recently_cloned(
    sim: Simulator, test_manager: Any
) -> None:
    _delivery("SKAIS", "2026.12.0", "uat")
    sim.set("skais-uat", version="2026.12.0")
    env = _env(sim, "skais-uat", kind="uat", last_clone_date=timezone.localdate() - dt.timedelta(days=3))
    check = readiness_run(environment=env, actor=test_manager, timeout=2)
    assert check.result == "passed", check.items
    assert check.version_found == "2026.12.0"
    assert check.delivery is not None and check.delivery.version == "2026.12.0"
    assert env.status == "ready"


def test_wrong_version_old_clone_wrong_flag_make_it_unready(sim: Simulator, test_manager: Any) -> None:
    delivery = _delivery("SKAIS", "2026.12.0", "uat")
    ticket = Ticket.objects.create(key="SKAIS-1", title="Indexation", system="SKAIS", delivery=delivery)
    TicketFlag.objects.create(ticket=ticket, flag_key="new-indexation", expected_enabled=True)
    sim.set("skais-uat", version="2026.11.3")
    env = _env(sim, "skais-uat", kind="uat", last_clone_date=timezone.localdate() - dt.timedelta(days=45))
    FlagStateFactory(flag=FeatureFlagFactory(key="new-indexation"), environment=env, enabled=False)

    check = readiness_run(environment=env, actor=test_manager, timeout=2)

    items = {i["check"]: i for i in check.items}
    assert check.result == "failed"
    assert items["health"]["ok"] is True
    assert items["version"] == {
        "check": "version",
        "ok": False,
        "detail": "Deployed 2026.11.3, expected 2026.12.0.",
    }
    assert items["clone"]["ok"] is False and "45 days" in items["clone"]["detail"]
    assert items["flags"]["ok"] is False and "new-indexation" in items["flags"]["detail"]
    assert env.status == "degraded"


def test_history_is_kept(sim: Simulator, test_manager: Any) -> None:
    sim.set("skais-prod", version="1")
    env = _env(sim, "skais-prod", kind="prod")
    readiness_run(environment=env, actor=test_manager, timeout=2)
    sim.set("skais-prod", healthy=False)
    readiness_run(environment=env, actor=test_manager, timeout=2)
    results = list(env.readiness_checks.values_list("result", flat=True))
    assert results == ["failed", "warning"]


def test_uat_needs_test_accounts_holding_the_required_profiles(sim: Simulator, test_manager: Any) -> None:
    from tests.access.factories import AccountFactory, AssignmentFactory, ProfileFactory

    delivery = _delivery("SKAIS", "2026.12.0", "uat")
    other = Delivery.objects.create(system="SKAIS", version="2026.11.1", status="in_uat")
    profile = ProfileFactory(code="PENSION_CALC")
    ticket = Ticket.objects.create(key="SKAIS-2", title="Calc", system="SKAIS", delivery=other)
    ticket.required_profiles.add(profile)
    sim.set("skais-uat", version="2026.12.0")
    env = _env(sim, "skais-uat", kind="uat", last_clone_date=timezone.localdate())

    items = {i["check"]: i for i in readiness_run(environment=env, actor=test_manager, timeout=2).items}
    # the other delivery in UAT counts too, although the version check compares with the latest
    assert items["test_accounts"] == {
        "check": "test_accounts",
        "ok": False,
        "detail": "No UAT test account holds: SKAIS:PENSION_CALC",
    }
    AssignmentFactory(account=AccountFactory(username="uat-tester1"), profile=profile)
    check = readiness_run(environment=env, actor=test_manager, timeout=2)
    assert check.result == "passed", check.items
    # an explicitly named delivery is checked alone
    assert "test_accounts" not in {
        i["check"]
        for i in readiness_run(environment=env, delivery=delivery, actor=test_manager, timeout=2).items
    }
