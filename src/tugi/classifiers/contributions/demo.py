"""What the classifiers area's demo topic adds to the shell: the demo data loader."""

from __future__ import annotations

from typing import Any

from tugi.core.registry import DemoLoader, registry


def _demo(actor: Any, stdout: Any) -> None:
    from ..demo import load_demo

    load_demo(actor, stdout)


def register() -> None:
    registry.add(DemoLoader("classifiers", _demo, order=40))
