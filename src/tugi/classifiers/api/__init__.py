"""The classifiers API under /api/v1/classifiers/ (for consuming systems and for Tugi's pages).

Each topic module in this package adds its own router to ``router``."""

from __future__ import annotations

import importlib

from ninja import Router

router = Router(tags=["classifiers"])

for _topic in ["consumers"]:
    router.add_router("", importlib.import_module(f"{__name__}.{_topic}").router)
