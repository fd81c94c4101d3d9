"""What the finance area adds to the shell; each topic module has a ``register()``."""

from __future__ import annotations

import importlib

TOPICS: list[str] = ["payments", "bank", "overpayments", "ledger", "monitors", "problems", "demo"]


def register() -> None:
    for topic in TOPICS:
        importlib.import_module(f"{__name__}.{topic}").register()
