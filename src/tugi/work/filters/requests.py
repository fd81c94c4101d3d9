from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tugi.core.filters import TugiFilterSet

from ..models import DevelopmentRequest


class RequestFilter(TugiFilterSet):
    q = filters.CharFilter(method="search", label=_("Search"))

    class Meta:
        model = DevelopmentRequest
        fields = ["status", "system", "priority"]

    def search(self, qs: Any, name: str, value: Any) -> Any:
        q = Q(title__icontains=value) | Q(background__icontains=value) | Q(goal__icontains=value)
        if value.lstrip("#").isdigit():
            q |= Q(pk=int(value.lstrip("#")))
        return qs.filter(q)
