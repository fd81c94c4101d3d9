"""The demo data of environments, flags and clones, the simulated service, and the hourly job."""

from __future__ import annotations

import socket
from io import StringIO
from types import SimpleNamespace
from typing import Any

import pytest

from tugi.core.registry import registry
from tugi.delivery.demo_environments import load, start_simulator
from tugi.delivery.models import ClonePlan, Environment, FeatureFlag, ReadinessCheck

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_demo_loads_once_and_the_simulator_answers(system: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("TUGI_SIMULATOR_PORT", str(_free_port()))
    out = StringIO()
    load(system, out)
    load(system, out)  # safe to run twice
    assert Environment.objects.count() == 8
    assert FeatureFlag.objects.filter(system="SKAIS").count() == 6
    assert ClonePlan.objects.filter(status="planned").count() == 1
    assert "registry" and any(s.key == "delivery-simulator" for s in registry.demo_services)

    stop = start_simulator(out)
    try:
        run = registry.job_handlers["delivery-readiness"].run
        progress = SimpleNamespace(update=lambda **kw: None)
        result = run(SimpleNamespace(actor=system), progress)
    finally:
        stop()
    assert result["checks"]["STAR star-dev"] == "failed"
    assert result["checks"]["SKAIS skais-prod"] in {"passed", "warning"}
    assert Environment.objects.get(name="star-dev").status == "down"
    assert Environment.objects.get(name="star-uat").status == "degraded"  # cloned 41 days ago
    assert ReadinessCheck.objects.count() == 8
