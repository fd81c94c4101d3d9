"""Tables of test reports and trainings."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ..models import TestReport, Training


class ReportTable(tables.Table):
    delivery = tables.TemplateColumn(
        '<a href="{% url \'testing:report_detail\' record.pk %}" data-report="{{ record.pk }}">'
        "{{ record.delivery }}</a>",
        verbose_name=_("Delivery"),
        order_by=("delivery__system", "delivery__version"),
    )
    due_date = tables.DateColumn(format="d.m.Y", verbose_name=_("Due date"))
    owner = tables.Column(verbose_name=_("Owner"), accessor="owner__username")
    finalised_at = tables.DateTimeColumn(format="d.m.Y H:i", verbose_name=_("Finalised"))

    class Meta:
        model = TestReport
        fields = ("delivery", "due_date", "status", "recommendation", "owner", "finalised_at")
        row_attrs = {"data-status": lambda record: record.status}


class TrainingTable(tables.Table):
    topic = tables.TemplateColumn(
        '<a href="{% url \'testing:training_detail\' record.pk %}" data-training="{{ record.pk }}">'
        "{{ record.topic }}</a>",
        verbose_name=_("Topic"),
    )
    held_on = tables.DateColumn(format="d.m.Y", verbose_name=_("Date"))
    participant_count = tables.Column(verbose_name=_("Participants"))
    attended_count = tables.Column(verbose_name=_("Attended"))

    class Meta:
        model = Training
        fields = ("topic", "held_on", "trainer", "participant_count", "attended_count")
