"""The testing API under /api/v1/testing/. Each topic module in this package adds its router."""

from __future__ import annotations

import importlib

from ninja import Router

router = Router(tags=["testing"])

TOPICS: list[str] = ["cases", "runs", "defects", "junit", "reports", "testdata"]

for _topic in TOPICS:
    router.add_router("", importlib.import_module(f"{__name__}.{_topic}").router)
