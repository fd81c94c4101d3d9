"""Tables of imported social tax files."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ..models import TaxFile


class TaxFileTable(tables.Table):
    year = tables.Column(verbose_name=_("Year"))
    original_name = tables.LinkColumn(
        "pensions:taxfile_detail", args=[tables.A("pk")], verbose_name=_("File")
    )
    months = tables.Column(verbose_name=_("Months"), orderable=False)
    rows = tables.Column(verbose_name=_("Rows"))
    persons = tables.Column(verbose_name=_("Persons"))
    payers = tables.Column(verbose_name=_("Payers"))
    submitted_from = tables.DateTimeColumn(verbose_name=_("Submitted from"), format="d.m.Y H:i")
    submitted_to = tables.DateTimeColumn(verbose_name=_("Submitted to"), format="d.m.Y H:i")
    total_tax = tables.Column(verbose_name=_("Social tax total"), attrs={"td": {"class": "text-end"}})
    imported_by = tables.Column(verbose_name=_("Imported by"), accessor="imported_by__username")
    created_at = tables.DateTimeColumn(verbose_name=_("Imported at"), format="d.m.Y H:i")

    class Meta:
        model = TaxFile
        fields = (
            "year",
            "original_name",
            "months",
            "rows",
            "persons",
            "payers",
            "submitted_from",
            "submitted_to",
            "total_tax",
            "imported_by",
            "created_at",
        )
        order_by = ("-year", "-created_at")
        row_attrs = {"data-sha256": lambda record: record.sha256}

    def render_months(self, value: Any) -> str:
        return months_text(value)

    def value_months(self, value: Any) -> str:
        return months_text(value)


def months_text(months: Any) -> str:
    """1, 2, 3, 5 → "1–3, 5"."""
    values = sorted(int(m) for m in months or [])
    parts: list[str] = []
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[j + 1] == values[j] + 1:
            j += 1
        parts.append(str(values[i]) if i == j else f"{values[i]}–{values[j]}")
        i = j + 1
    return ", ".join(parts)
