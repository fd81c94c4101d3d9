"""The work area's demo data loaders: partners, contacts and guides early (other areas refer to the
partners); development requests, proposals and tasks last (they refer to the data dictionary, the
access catalogue and the deliveries)."""

from __future__ import annotations

from typing import Any

from tugi.core.registry import DemoLoader, registry


def _demo(actor: Any, stdout: Any) -> None:
    from ..demo import load_demo

    load_demo(actor, stdout)


def _demo_requests(actor: Any, stdout: Any) -> None:
    from ..demo_requests import load_demo_requests

    load_demo_requests(actor, stdout)


def register() -> None:
    registry.add(DemoLoader("work", _demo, order=20))
    registry.add(DemoLoader("work-requests", _demo_requests, order=120))
