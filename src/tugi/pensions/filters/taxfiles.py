"""Filters of the social tax file list."""

from __future__ import annotations

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from tugi.core.filters import TugiFilterSet

from ..models import TaxFile


class TaxFileFilter(TugiFilterSet):
    year = filters.NumberFilter(label=_("Year"))
    original_name = filters.CharFilter(lookup_expr="icontains", label=_("File name"))

    class Meta:
        model = TaxFile
        fields: list[str] = []
