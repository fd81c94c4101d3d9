"""Filters of the finance problem register."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tugi.core.filters import TugiFilterSet

from ..models import FinanceProblem, ProblemModule, ProblemSeverity, ProblemStatus


def _partners(request: Any) -> Any:
    from tugi.work.selectors import partners

    return partners(user=getattr(request, "user", None))


class ProblemFilter(TugiFilterSet):
    q = filters.CharFilter(method="search", label=_("Search"))
    status = filters.ChoiceFilter(label=_("Status"), choices=ProblemStatus.choices)
    module = filters.ChoiceFilter(label=_("Module"), choices=ProblemModule.choices)
    severity = filters.ChoiceFilter(label=_("Severity"), choices=ProblemSeverity.choices)
    partner = filters.ModelChoiceFilter(label=_("Partner"), queryset=lambda request: _partners(request))

    class Meta:
        model = FinanceProblem
        fields: list[str] = []

    def search(self, qs: Any, name: str, value: Any) -> Any:
        return qs.filter(
            Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(partner_reference__icontains=value)
        )
