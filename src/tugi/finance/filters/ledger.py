"""Filters of the journal: period, kind, account, source; search by entry number."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tugi.core.filters import TugiFilterSet

from ..models import EntryKind, JournalEntry, JournalLine
from ..selectors_ledger import parse_period


class EntryFilter(TugiFilterSet):
    q = filters.CharFilter(method="search", label=_("Number"))
    period = filters.CharFilter(method="by_period", label=_("Period (YYYY-MM)"))
    kind = filters.ChoiceFilter(label=_("Kind"), choices=EntryKind.choices)
    account = filters.CharFilter(method="by_account", label=pgettext_lazy("ledger", "Account"))
    source = filters.CharFilter(method="by_source", label=_("Source"))

    class Meta:
        model = JournalEntry
        fields: list[str] = []

    def search(self, qs: Any, name: str, value: Any) -> Any:
        value = str(value).strip().lstrip("#")
        return qs.filter(number=int(value)) if value.isdigit() else qs.none()

    def by_period(self, qs: Any, name: str, value: Any) -> Any:
        try:
            return qs.filter(period=parse_period(value))
        except ValidationError:
            return qs.none()

    def by_account(self, qs: Any, name: str, value: Any) -> Any:
        ids = JournalLine.objects.filter(account=str(value).strip()).values("entry_id")
        return qs.filter(pk__in=ids)

    def by_source(self, qs: Any, name: str, value: Any) -> Any:
        return qs.filter(source_type__icontains=str(value).strip())
