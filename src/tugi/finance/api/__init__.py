"""The finance API under /api/v1/finance/. Each topic module in this package adds its router."""

from __future__ import annotations

import importlib

from ninja import Router

router = Router(tags=["finance"])

TOPICS: list[str] = ["payments", "bank", "overpayments", "ledger", "reports", "monitors", "problems"]

for _topic in TOPICS:
    router.add_router("", importlib.import_module(f"{__name__}.{_topic}").router)
