"""The finance area's demo data, after the pensions (60) and their runbook (85): accounts and payment
runs with bank files, then the bank's answers with returns, overpayments in every state, monitors and
problems. Each topic's ``demo_<topic>.load`` is idempotent."""

from __future__ import annotations

import importlib
from typing import Any

from tugi.core.registry import DemoLoader, registry

STEPS: list[tuple[str, int]] = [
    ("demo_payments", 200),
    ("demo_bank", 210),
    ("demo_overpayments", 220),
    ("demo_monitors", 230),
]


def _loader(module: str) -> Any:
    def load(actor: Any, stdout: Any) -> None:
        importlib.import_module(f"tugi.finance.{module}").load(actor, stdout)

    return load


def register() -> None:
    for module, order in STEPS:
        registry.add(DemoLoader(f"finance-{module.removeprefix('demo_')}", _loader(module), order))
