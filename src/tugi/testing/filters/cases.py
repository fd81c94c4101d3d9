"""Filters of test cases."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tugi.core.filters import TugiFilterSet

from ..models import CasePriority, TestCase, TestSystem


class CaseFilter(TugiFilterSet):
    q = filters.CharFilter(method="search", label=_("Search"))
    system = filters.ChoiceFilter(label=_("System"), choices=TestSystem.choices)
    module = filters.CharFilter(field_name="module", lookup_expr="icontains", label=_("Module"))
    priority = filters.ChoiceFilter(label=_("Priority"), choices=CasePriority.choices)
    tag = filters.CharFilter(field_name="tags", lookup_expr="icontains", label=_("Tag"))
    automated = filters.BooleanFilter(label=_("Automated"))
    ticket = filters.CharFilter(
        field_name="tickets__key", lookup_expr="iexact", label=_("Ticket"), distinct=True
    )

    class Meta:
        model = TestCase
        fields: list[str] = []

    def search(self, qs: Any, name: str, value: Any) -> Any:
        return qs.filter(Q(key__icontains=value) | Q(title__icontains=value))
