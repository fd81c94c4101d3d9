"""Filters of the data dictionary."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tugi.core.filters import TugiFilterSet

from ..models import Attribute


class AttributeFilter(TugiFilterSet):
    q = filters.CharFilter(method="search", label=_("Search"))
    system = filters.CharFilter(field_name="entity__system__code", lookup_expr="iexact", label=_("System"))
    entity = filters.CharFilter(field_name="entity__name", lookup_expr="icontains", label=_("Entity"))
    classifier = filters.CharFilter(
        field_name="classifier__code", lookup_expr="iexact", label=_("Classifier")
    )
    coded = filters.BooleanFilter(
        field_name="classifier", lookup_expr="isnull", exclude=True, label=_("Takes values from a classifier")
    )

    class Meta:
        model = Attribute
        fields: list[str] = []

    def search(self, qs: Any, name: str, value: Any) -> Any:
        return qs.filter(
            Q(name__icontains=value) | Q(description__icontains=value) | Q(entity__name__icontains=value)
        )
