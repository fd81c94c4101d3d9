"""What the access area adds to the shell; each topic module has a ``register()``."""

from __future__ import annotations

import importlib

TOPICS = [
    "catalogue",
    "profiles",
    "people",
    "assignments",
    "requests",
    "sod",
    "campaigns",
    "problems",
    "explain",
    "reports",
    "pending",
    "demo",
]


def register() -> None:
    for topic in TOPICS:
        module = importlib.import_module(f"{__name__}.{topic}")
        module.register()
