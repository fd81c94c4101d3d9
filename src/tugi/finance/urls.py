"""URLs of the finance area: every topic module in ``views`` brings its own ``urlpatterns``."""

from __future__ import annotations

import importlib

app_name = "finance"

TOPICS: list[str] = [
    "payments",
    "bankfiles",
    "inbound",
    "overpayments",
    "ledger",
    "reports",
    "monitors",
    "problems",
]

urlpatterns = [p for t in TOPICS for p in importlib.import_module(f"tugi.finance.views.{t}").urlpatterns]
