from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tugi.core.filters import TugiFilterSet

from ..models import Task


class TaskFilter(TugiFilterSet):
    q = filters.CharFilter(method="search", label=_("Search"))
    mine = filters.BooleanFilter(method="filter_mine", label=_("Given to me"))
    open = filters.BooleanFilter(method="filter_open", label=_("Not done"))
    overdue = filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))

    class Meta:
        model = Task
        fields: list[str] = []

    def search(self, qs: Any, name: str, value: Any) -> Any:
        return qs.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def filter_mine(self, qs: Any, name: str, value: Any) -> Any:
        if value is None:
            return qs
        user = getattr(self.request, "user", None)
        return qs.filter(assignee=user) if value else qs.exclude(assignee=user)

    def filter_open(self, qs: Any, name: str, value: Any) -> Any:
        if value is None:
            return qs
        return qs.filter(done_at__isnull=value)

    def filter_overdue(self, qs: Any, name: str, value: Any) -> Any:
        if value is None:
            return qs
        late = Q(done_at__isnull=True, due_on__lt=timezone.localdate())
        return qs.filter(late) if value else qs.exclude(late)
