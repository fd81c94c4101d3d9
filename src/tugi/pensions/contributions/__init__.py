"""What the pensions area adds to the shell; each topic module has a ``register()``."""

from __future__ import annotations

import importlib

TOPICS: list[str] = ["taxfiles", "parameters", "runs", "register", "demo", "pending"]


def register() -> None:
    for topic in TOPICS:
        importlib.import_module(f"{__name__}.{topic}").register()
