"""Tables of the journal."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from tugi.core.money import summed

from ..models import JournalEntry


class EntryTable(tables.Table):
    number = tables.TemplateColumn(
        '<a href="{% url \'finance:entry_detail\' record.pk %}" data-entry="{{ record.number }}">'
        "#{{ record.number }}</a>",
        verbose_name=_("No."),
    )
    kind = tables.Column(verbose_name=_("Kind"))
    posted_on = tables.DateColumn(format="d.m.Y", verbose_name=_("Posting date"))
    period = tables.DateColumn(format="Y-m", verbose_name=_("Period"))
    memo = tables.Column(verbose_name=_("Memo"))
    total = tables.Column(verbose_name=_("Amount"), attrs={"td": {"class": "text-end"}})
    source_type = tables.Column(verbose_name=_("Source"))
    created_by = tables.Column(verbose_name=_("Posted by"))

    def render_total(self, value: Any) -> str:
        return f"{summed(value):.2f}"

    def value_total(self, value: Any) -> str:
        return f"{summed(value):.2f}"

    class Meta:
        model = JournalEntry
        fields = ("number", "kind", "posted_on", "period", "memo", "total", "source_type", "created_by")
        order_by = ("-number",)
        attrs = {"class": "table table-sm table-hover", "id": "journal"}
