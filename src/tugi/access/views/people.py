"""Pages of the access area: people."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
