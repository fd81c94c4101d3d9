"""Filters of the classifiers list and the consuming systems."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tugi.core.filters import TugiFilterSet

from ..models import Classifier, ClassifierStatus, ConsumingSystem


class ClassifierFilter(TugiFilterSet):
    q = filters.CharFilter(method="search", label=_("Search"))
    owner_system = filters.ChoiceFilter(label=_("Owning system"), method="by_system", choices=[])
    status = filters.ChoiceFilter(label=_("Status"), choices=ClassifierStatus.choices)
    owner = filters.ModelChoiceFilter(label=_("Owner"), queryset=None)
    overdue = filters.BooleanFilter(label=_("Review overdue"), method="by_overdue")

    class Meta:
        model = Classifier
        fields: list[str] = []

    def __init__(self, *args: Any, systems: Any, users: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.filters["owner_system"].extra["choices"] = [
            ("shared", _("shared")),
            *((s.pk, s.code) for s in systems),
        ]
        self.filters["owner"].queryset = users

    def search(self, qs: Any, name: str, value: Any) -> Any:
        return qs.filter(Q(code__icontains=value) | Q(name_et__icontains=value) | Q(name_en__icontains=value))

    def by_system(self, qs: Any, name: str, value: Any) -> Any:
        if value == "shared":
            return qs.filter(owner_system__isnull=True)
        return qs.filter(owner_system_id=value)

    def by_overdue(self, qs: Any, name: str, value: Any) -> Any:
        from ..selectors_classifiers import overdue_ids

        ids = overdue_ids(qs)
        return qs.filter(pk__in=ids) if value else qs.exclude(pk__in=ids)


class ConsumerFilter(TugiFilterSet):
    q = filters.CharFilter(method="search", label=_("Search"))

    class Meta:
        model = ConsumingSystem
        fields: list[str] = []

    def search(self, qs: Any, name: str, value: Any) -> Any:
        return qs.filter(Q(code__icontains=value) | Q(name__icontains=value))
