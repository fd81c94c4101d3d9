"""Filters of test reports and trainings."""

from __future__ import annotations

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from tugi.core.filters import TugiFilterSet

from ..models import Recommendation, ReportStatus, TestReport, Training


class ReportFilter(TugiFilterSet):
    status = filters.ChoiceFilter(label=_("Status"), choices=ReportStatus.choices)
    recommendation = filters.ChoiceFilter(label=_("Recommendation"), choices=Recommendation.choices)
    due_from = filters.DateFilter(field_name="due_date", lookup_expr="gte", label=_("Due from"))
    due_to = filters.DateFilter(field_name="due_date", lookup_expr="lte", label=_("Due to"))

    class Meta:
        model = TestReport
        fields: list[str] = []


class TrainingFilter(TugiFilterSet):
    topic = filters.CharFilter(lookup_expr="icontains", label=_("Topic"))
    held_from = filters.DateFilter(field_name="held_on", lookup_expr="gte", label=_("From"))
    held_to = filters.DateFilter(field_name="held_on", lookup_expr="lte", label=_("To"))

    class Meta:
        model = Training
        fields: list[str] = []
