from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tugi.core.filters import TugiFilterSet

from ..models import ImprovementProposal


class ProposalFilter(TugiFilterSet):
    q = filters.CharFilter(method="search", label=_("Search"))

    class Meta:
        model = ImprovementProposal
        fields = ["status"]

    def search(self, qs: Any, name: str, value: Any) -> Any:
        return qs.filter(
            Q(title__icontains=value) | Q(problem__icontains=value) | Q(proposal__icontains=value)
        )
