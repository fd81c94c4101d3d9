"""The work area's API under /api/v1/work/: each topic module in this package adds its own router
to ``router``."""

from __future__ import annotations

import importlib

from ninja import Router

router = Router(tags=["work"])

TOPICS = ["partners", "guides", "requests"]

for _topic in TOPICS:
    router.add_router("", importlib.import_module(f"{__name__}.{_topic}").router)
