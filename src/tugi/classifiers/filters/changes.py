"""Filters of change requests."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tugi.core.filters import TugiFilterSet

from ..models import ChangeRequest, ChangeRequestStatus


class ChangeRequestFilter(TugiFilterSet):
    q = filters.CharFilter(method="search", label=_("Search"))
    classifier = filters.CharFilter(
        field_name="classifier__code", lookup_expr="iexact", label=_("Classifier")
    )
    status = filters.ChoiceFilter(label=_("Status"), choices=ChangeRequestStatus.choices)
    planned_from = filters.DateFilter(
        field_name="planned_publication", lookup_expr="gte", label=_("Planned from")
    )
    planned_to = filters.DateFilter(
        field_name="planned_publication", lookup_expr="lte", label=_("Planned to")
    )

    class Meta:
        model = ChangeRequest
        fields: list[str] = []

    def search(self, qs: Any, name: str, value: Any) -> Any:
        return qs.filter(Q(title__icontains=value) | Q(justification__icontains=value))
