"""Filters of bank files and bank events."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tugi.core.filters import TugiFilterSet

from ..models import BankEvent, BankEventKind, BankFile, InboundFile, InboundKind


class BankFileFilter(TugiFilterSet):
    run = filters.NumberFilter(field_name="run_id", label=pgettext_lazy("payment run", "Run"))
    q = filters.CharFilter(field_name="message_id", lookup_expr="icontains", label=_("MsgId"))

    class Meta:
        model = BankFile
        fields: list[str] = []


class InboundFileFilter(TugiFilterSet):
    kind = filters.ChoiceFilter(label=_("Kind"), choices=InboundKind.choices)
    q = filters.CharFilter(method="search", label=_("Search"))

    class Meta:
        model = InboundFile
        fields: list[str] = []

    def search(self, qs: Any, name: str, value: Any) -> Any:
        return qs.filter(Q(message_id__icontains=value) | Q(original_name__icontains=value))


class BankEventFilter(TugiFilterSet):
    matched = filters.BooleanFilter(label=_("Matched"))
    kind = filters.ChoiceFilter(label=_("Kind"), choices=BankEventKind.choices)
    reason_code = filters.CharFilter(label=_("Reason code"), lookup_expr="iexact")
    booked_from = filters.DateFilter(field_name="booked_on", lookup_expr="gte", label=_("Booked from"))
    booked_to = filters.DateFilter(field_name="booked_on", lookup_expr="lte", label=_("Booked to"))
    q = filters.CharFilter(method="search", label=_("Search"))

    class Meta:
        model = BankEvent
        fields: list[str] = []

    def search(self, qs: Any, name: str, value: Any) -> Any:
        return qs.filter(
            Q(end_to_end_id__icontains=value)
            | Q(payment_info_id__icontains=value)
            | Q(reference__icontains=value)
            | Q(counterparty__icontains=value)
        )
