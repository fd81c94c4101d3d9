from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tugi.core.filters import TugiFilterSet

from ..models import Guide


class GuideFilter(TugiFilterSet):
    q = filters.CharFilter(method="search", label=_("Search"))
    overdue = filters.BooleanFilter(method="filter_overdue", label=_("Review overdue"))

    class Meta:
        model = Guide
        fields = ["area", "kind", "owner"]

    def search(self, qs: Any, name: str, value: Any) -> Any:
        return qs.filter(Q(title__icontains=value) | Q(body__icontains=value))

    def filter_overdue(self, qs: Any, name: str, value: Any) -> Any:
        if value is None:
            return qs
        ids = [g.pk for g in qs if g.is_review_overdue()]
        return qs.filter(pk__in=ids) if value else qs.exclude(pk__in=ids)
