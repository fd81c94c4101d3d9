"""Filters of the calculation run list."""

from __future__ import annotations

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from tugi.core.filters import TugiFilterSet

from ..models import CalculationRun, RunKind, RunStatus


class RunFilter(TugiFilterSet):
    kind = filters.ChoiceFilter(label=_("Kind"), choices=RunKind.choices)
    status = filters.ChoiceFilter(label=_("Status"), choices=RunStatus.choices)
    year = filters.NumberFilter(label=_("Year"))

    class Meta:
        model = CalculationRun
        fields: list[str] = []
