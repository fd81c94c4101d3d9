"""Filters of tickets."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tugi.core.filters import TugiFilterSet

from ..models import System, Ticket, TicketStatus


class TicketFilter(TugiFilterSet):
    q = filters.CharFilter(method="search", label=_("Search"))
    system = filters.ChoiceFilter(label=_("System"), choices=System.choices)
    status = filters.ChoiceFilter(label=_("Status"), choices=TicketStatus.choices)
    delivery = filters.NumberFilter(field_name="delivery_id", label=_("Delivery"))
    tester = filters.CharFilter(field_name="tester__username", label=_("Tester"))

    class Meta:
        model = Ticket
        fields: list[str] = []

    def search(self, qs: Any, name: str, value: Any) -> Any:
        return qs.filter(Q(key__icontains=value) | Q(title__icontains=value))
