"""Filters of the clone schedule."""

from __future__ import annotations

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from tugi.core.filters import TugiFilterSet

from ..models import ClonePlan, CloneStatus


class ClonePlanFilter(TugiFilterSet):
    status = filters.ChoiceFilter(choices=CloneStatus.choices, label=_("Status"))
    date_from = filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From"))
    date_to = filters.DateFilter(field_name="date", lookup_expr="lte", label=_("To"))

    class Meta:
        model = ClonePlan
        fields: list[str] = []
