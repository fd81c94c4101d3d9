"""The testing area's demo data (after the deliveries, 110, and the development requests, 120)."""

from __future__ import annotations

from typing import Any

from tugi.core.registry import DemoLoader, registry


def _demo(actor: Any, stdout: Any) -> None:
    from ..demo import load

    load(actor, stdout)


def register() -> None:
    registry.add(DemoLoader("testing", _demo, 130))
