"""Tables of deliveries."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ..models import Delivery


class DeliveryTable(tables.Table):
    version = tables.TemplateColumn(
        '<a href="{% url \'delivery:deliveries_detail\' record.pk %}" data-delivery="{{ record.pk }}">'
        "{{ record.system }} {{ record.version }}</a>",
        verbose_name=_("Delivery"),
        order_by=("system", "version"),
    )
    ordering_party = tables.Column(verbose_name=_("Ordering party"))
    ticket_count = tables.Column(verbose_name=_("Tickets"))
    uat = tables.Column(verbose_name=_("UAT"), empty_values=(), orderable=False)
    prod = tables.Column(verbose_name=_("Production"), empty_values=(), orderable=False)

    class Meta:
        model = Delivery
        fields = ("version", "kind", "status", "ordering_party", "ticket_count", "uat", "prod")
        row_attrs = {"data-status": lambda record: record.status}

    def _date(self, record: Delivery, stage: str) -> str:
        for d in record.dates.all():
            if d.stage == stage:
                day = d.actual_date or d.planned_date
                return day.strftime("%d.%m.%Y") + ("" if d.actual_date else " *")
        return "—"

    def render_uat(self, record: Delivery) -> str:
        return self._date(record, "uat")

    def render_prod(self, record: Delivery) -> str:
        return self._date(record, "prod")
