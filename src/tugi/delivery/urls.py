"""URLs of the delivery area: every topic module in ``views`` brings its own ``urlpatterns``."""

from __future__ import annotations

import importlib

app_name = "delivery"

TOPICS: list[str] = ["deliveries", "tickets", "review", "go", "environments", "clones", "flags"]

urlpatterns = [p for t in TOPICS for p in importlib.import_module(f"tugi.delivery.views.{t}").urlpatterns]
