"""What the pensions area's demo topic adds to the shell: the demo data loader."""

from __future__ import annotations

from typing import Any

from tugi.core.registry import DemoLoader, registry


def _demo(actor: Any, stdout: Any) -> None:
    from ..demo import load_demo

    load_demo(actor, stdout)


def register() -> None:
    # After the persons (10) and the classifiers (40), before the runbook guide (85).
    registry.add(DemoLoader("pensions", _demo, order=60))
