"""Tables of overpayments."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ..models import Overpayment


class OverpaymentTable(tables.Table):
    id = tables.TemplateColumn(
        "<a href=\"{% url 'finance:overpayment_detail' record.pk %}\">{{ record.pk }}</a>",
        verbose_name=_("No."),
    )
    person = tables.Column(accessor="person__masked_code", verbose_name=_("Person"))
    source = tables.Column(verbose_name=_("Detected from"))
    period_from = tables.DateColumn(format="d.m.Y", verbose_name=_("From"))
    period_to = tables.DateColumn(format="d.m.Y", verbose_name=_("To"))
    amount = tables.Column(verbose_name=_("Amount"))
    decided_amount = tables.Column(verbose_name=_("To recover"))
    status = tables.Column(verbose_name=_("Status"))
    recovery_method = tables.Column(verbose_name=_("Method"))
    due_date = tables.DateColumn(format="d.m.Y", verbose_name=_("Due"))
    limitation_date = tables.DateColumn(format="d.m.Y", verbose_name=_("Limitation"))

    class Meta:
        model = Overpayment
        fields = (
            "id",
            "person",
            "source",
            "period_from",
            "period_to",
            "amount",
            "decided_amount",
            "status",
            "recovery_method",
            "due_date",
            "limitation_date",
        )
        attrs = {"class": "table table-sm table-hover", "id": "overpayments"}
