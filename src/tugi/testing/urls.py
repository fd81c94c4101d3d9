"""URLs of the testing area: every topic module in ``views`` brings its own ``urlpatterns``."""

from __future__ import annotations

import importlib

app_name = "testing"

TOPICS: list[str] = ["cases", "runs", "defects", "junit", "reports", "trainings", "testdata"]

urlpatterns = [p for t in TOPICS for p in importlib.import_module(f"tugi.testing.views.{t}").urlpatterns]
