"""URLs of the work area: every topic module in ``views`` brings its own ``urlpatterns``."""

import importlib

app_name = "work"

TOPICS = ["partners", "guides", "requests", "proposals", "tasks", "summary"]

urlpatterns = [
    pattern for topic in TOPICS for pattern in importlib.import_module(f"tugi.work.views.{topic}").urlpatterns
]
