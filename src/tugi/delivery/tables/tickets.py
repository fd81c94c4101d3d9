"""Tables of tickets."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ..models import Ticket


class TicketTable(tables.Table):
    key = tables.TemplateColumn(
        '<a href="{% url \'delivery:tickets_detail\' record.pk %}" data-ticket="{{ record.key }}">'
        "{{ record.key }}</a>",
        verbose_name=_("Key"),
    )
    delivery = tables.Column(verbose_name=_("Delivery"), order_by=("delivery__system", "delivery__version"))
    tester = tables.Column(verbose_name=_("Tester"), accessor="tester__username")
    status_changed_at = tables.DateColumn(format="d.m.Y", verbose_name=_("Status since"))
    testing_due = tables.DateColumn(format="d.m.Y")

    class Meta:
        model = Ticket
        fields = (
            "key",
            "title",
            "system",
            "issue_type",
            "delivery",
            "status",
            "status_changed_at",
            "tester",
            "testing_due",
        )
        row_attrs = {"data-status": lambda record: record.status, "data-key": lambda record: record.key}
