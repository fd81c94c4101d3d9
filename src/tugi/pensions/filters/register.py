"""Filters of the pension list and the insured years list."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from tugi.core.filters import TugiFilterSet

from ..models import InsuredYear, Pension, PensionStatus, PensionType


class PensionFilter(TugiFilterSet):
    status = filters.ChoiceFilter(label=_("Status"), choices=PensionStatus.choices)
    pension_type = filters.ModelChoiceFilter(label=_("Pension type"), queryset=PensionType.objects.all())
    start_from = filters.DateFilter(field_name="start_date", lookup_expr="gte", label=_("Started from"))
    start_to = filters.DateFilter(field_name="start_date", lookup_expr="lte", label=_("Started until"))

    class Meta:
        model = Pension
        fields: list[str] = []


class InsuredYearFilter(TugiFilterSet):
    year = filters.NumberFilter(label=_("Year"))
    share_above = filters.NumberFilter(
        method="by_share", label=_("Share above"), help_text=_("insurance or joint share above this")
    )

    class Meta:
        model = InsuredYear
        fields: list[str] = []

    def by_share(self, qs: Any, name: str, value: Any) -> Any:
        from django.db.models import Q

        return qs.filter(Q(insurance_share__gt=value) | Q(joint_share__gt=value))
