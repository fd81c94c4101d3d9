"""Filters of monitors."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tugi.core.filters import TugiFilterSet

from ..models import Monitor, MonitorKind, MonitorOutcome


class MonitorFilter(TugiFilterSet):
    q = filters.CharFilter(method="search", label=_("Search"))
    kind = filters.ChoiceFilter(label=_("Kind"), choices=MonitorKind.choices)
    last_outcome = filters.ChoiceFilter(label=_("Outcome"), choices=MonitorOutcome.choices)
    is_active = filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Monitor
        fields: list[str] = []

    def search(self, qs: Any, name: str, value: Any) -> Any:
        return qs.filter(
            Q(name__icontains=value) | Q(code__icontains=value) | Q(description__icontains=value)
        )
