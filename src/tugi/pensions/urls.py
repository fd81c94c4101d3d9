"""URLs of the pensions area: every topic module in ``views`` brings its own ``urlpatterns``."""

from __future__ import annotations

import importlib

app_name = "pensions"

TOPICS: list[str] = ["taxfiles", "parameters", "calculator", "runs", "register", "explain"]

urlpatterns = [p for t in TOPICS for p in importlib.import_module(f"tugi.pensions.views.{t}").urlpatterns]
