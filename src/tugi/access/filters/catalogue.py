"""Filters of the rights catalogue."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tugi.core.filters import TugiFilterSet

from ..models import ManagedSystem, Right, RightStatus, Sensitivity


class SystemFilter(TugiFilterSet):
    q = filters.CharFilter(method="search", label=_("Search"))

    class Meta:
        model = ManagedSystem
        fields: list[str] = []

    def search(self, qs: Any, name: str, value: Any) -> Any:
        return qs.filter(Q(code__icontains=value) | Q(name__icontains=value))


class RightFilter(TugiFilterSet):
    """Rights of one system: ``modules`` are that system's modules."""

    q = filters.CharFilter(method="search", label=_("Search"))
    module = filters.ChoiceFilter(label=_("Module"), choices=[])
    sensitivity = filters.ChoiceFilter(label=_("Sensitivity"), choices=Sensitivity.choices)
    status = filters.ChoiceFilter(label=_("Status"), choices=RightStatus.choices)

    class Meta:
        model = Right
        fields: list[str] = []

    def __init__(self, *args: Any, modules: list[str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.filters["module"].extra["choices"] = [(m, m) for m in modules or []]

    def search(self, qs: Any, name: str, value: Any) -> Any:
        return qs.filter(Q(code__icontains=value) | Q(name_et__icontains=value) | Q(name_en__icontains=value))
