"""Filters of test runs."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tugi.core.filters import TugiFilterSet

from ..models import RunStatus, TestRun


class RunFilter(TugiFilterSet):
    q = filters.CharFilter(method="search", label=_("Search"))
    status = filters.ChoiceFilter(label=_("Status"), choices=RunStatus.choices)
    plan = filters.NumberFilter(field_name="plan_id", label=_("Plan"))
    delivery = filters.NumberFilter(field_name="plan__delivery_id", label=_("Delivery"))

    class Meta:
        model = TestRun
        fields: list[str] = []

    def search(self, qs: Any, name: str, value: Any) -> Any:
        return qs.filter(
            Q(name__icontains=value) | Q(version__icontains=value) | Q(environment_name__icontains=value)
        )
