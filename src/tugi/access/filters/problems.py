"""Filters of access problems."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tugi.core.filters import TugiFilterSet

from ..models import AccessProblem, ProblemStatus


class ProblemFilter(TugiFilterSet):
    q = filters.CharFilter(method="search", label=_("Search"))
    status = filters.ChoiceFilter(choices=ProblemStatus.choices, label=_("Status"))
    open = filters.BooleanFilter(method="filter_open", label=pgettext_lazy("problems not resolved", "Open"))
    kind = filters.ChoiceFilter(field_name="group_key", choices=[], label=_("Kind"))

    class Meta:
        model = AccessProblem
        fields = ["status", "system"]

    def __init__(self, *args: Any, kinds: list[str] = (), **kwargs: Any):  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.filters["kind"].extra["choices"] = [(k, k) for k in kinds]

    def search(self, qs: Any, name: str, value: Any) -> Any:
        return qs.filter(
            Q(symptom__icontains=value)
            | Q(account__username__icontains=value)
            | Q(right__code__icontains=value)
            | Q(partner_reference__icontains=value)
        )

    def filter_open(self, qs: Any, name: str, value: Any) -> Any:
        if value is None:
            return qs
        closed = Q(status=ProblemStatus.RESOLVED)
        return qs.exclude(closed) if value else qs.filter(closed)
