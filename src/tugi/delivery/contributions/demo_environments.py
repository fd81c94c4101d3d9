"""The demo data of environments, flags and clones (order 100, before deliveries at 110), and
the simulated service that answers the demo environments' health and version URLs while
``tugi demo`` serves."""

from __future__ import annotations

from typing import Any

from tugi.core.registry import DemoLoader, DemoService, registry


def _demo(actor: Any, stdout: Any) -> None:
    from ..demo_environments import load

    load(actor, stdout)


def _simulator(stdout: Any) -> Any:
    from ..demo_environments import start_simulator

    return start_simulator(stdout)


def register() -> None:
    registry.add(DemoLoader("delivery-environments", _demo, 100))
    registry.add(DemoService("delivery-simulator", _simulator, 100))
