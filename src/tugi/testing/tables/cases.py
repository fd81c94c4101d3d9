"""Tables of test cases."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ..models import TestCase


class CaseTable(tables.Table):
    key = tables.TemplateColumn(
        '<a href="{% url \'testing:case_detail\' record.pk %}" data-case="{{ record.key }}">'
        "{{ record.key }}</a>",
        verbose_name=_("Key"),
    )
    version = tables.Column(
        verbose_name=_("Version"), accessor="current_version__number", orderable=False, default="—"
    )

    class Meta:
        model = TestCase
        fields = ("key", "title", "system", "module", "priority", "tags", "automated", "version")
        row_attrs = {"data-key": lambda record: record.key}
