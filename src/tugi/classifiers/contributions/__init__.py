"""What the classifiers area adds to the shell; each topic module has a ``register()``."""

from __future__ import annotations

import importlib

TOPICS = ["classifiers", "changes", "dictionary", "interop", "pending", "demo"]


def register() -> None:
    for topic in TOPICS:
        importlib.import_module(f"{__name__}.{topic}").register()
