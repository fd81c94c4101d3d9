"""Filters of payment runs and of a run's lines."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tugi.core.filters import TugiFilterSet

from ..models import Benefit, LineStatus, PaymentLine, PaymentRun, RunStatus


class RunFilter(TugiFilterSet):
    benefit = filters.ChoiceFilter(label=_("Benefit"), choices=Benefit.choices)
    status = filters.ChoiceFilter(label=_("Status"), choices=RunStatus.choices)
    month = filters.CharFilter(label=_("Month (YYYY-MM)"), method="by_month")

    class Meta:
        model = PaymentRun
        fields: list[str] = []

    def by_month(self, qs: QuerySet[PaymentRun], name: str, value: Any) -> QuerySet[PaymentRun]:
        text = (value or "").strip()
        parts = text.split("-")
        if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit():
            return qs.filter(month__year=int(parts[0]), month__month=int(parts[1]))
        if len(parts) == 1 and parts[0].isdigit():
            return qs.filter(month__year=int(parts[0]))
        return qs.none() if text else qs


class LineFilter(TugiFilterSet):
    status = filters.ChoiceFilter(label=_("Status"), choices=LineStatus.choices)
    benefit_type = filters.CharFilter(label=_("Benefit type"))
    hold_reason = filters.CharFilter(label=_("Held because"), lookup_expr="startswith")
    end_to_end_id = filters.CharFilter(label=_("EndToEndId"), lookup_expr="iexact")

    class Meta:
        model = PaymentLine
        fields: list[str] = []
