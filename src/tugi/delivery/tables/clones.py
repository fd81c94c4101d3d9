"""Table of the clone schedule."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ..models import ClonePlan


class ClonePlanTable(tables.Table):
    date = tables.TemplateColumn(
        '<a href="{% url \'delivery:clone_detail\' record.pk %}">{{ record.date|date:"d.m.Y" }}</a>',
        verbose_name=_("Date"),
        order_by=("date", "window_start"),
    )
    window = tables.TemplateColumn(
        '{{ record.window_start|time:"H:i" }}–{{ record.window_end|time:"H:i" }}',
        verbose_name=_("Window"),
        orderable=False,
    )
    systems = tables.TemplateColumn(
        "{{ record.systems|join:', ' }}", verbose_name=_("Systems"), orderable=False
    )
    targets = tables.TemplateColumn(
        "{% for t in record.targets.all %}{{ t.name }}{% if not forloop.last %}, {% endif %}{% endfor %}",
        verbose_name=_("Environments"),
        orderable=False,
    )
    notice_sent_at = tables.DateTimeColumn(format="d.m.Y H:i", verbose_name=_("Notice sent"))

    class Meta:
        model = ClonePlan
        fields = ("date", "window", "systems", "targets", "status", "notice_days", "notice_sent_at")
        order_by = ("-date",)
        row_attrs = {"data-clone": lambda record: record.pk, "data-status": lambda record: record.status}
