"""The access area's API under /api/v1/access/: each topic module adds to ``router``."""

from __future__ import annotations

import importlib

from ninja import Router

router = Router(tags=["access"])

for _topic in ["catalogue", "profiles", "people", "requests", "explain"]:
    router.add_router("", importlib.import_module(f"{__name__}.{_topic}").router)
