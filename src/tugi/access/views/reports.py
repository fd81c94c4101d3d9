"""Pages of the access area: reports."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
