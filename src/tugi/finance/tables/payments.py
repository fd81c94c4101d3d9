"""Tables of payment runs, their lines, finance parameters and the agency's debtor accounts."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import DebtorAccount, FinanceParameter, PaymentLine, PaymentRun
from ..selectors_payments import hold_label


class RunTable(tables.Table):
    id = tables.TemplateColumn(
        '<a href="{% url \'finance:run_detail\' record.pk %}" data-run="{{ record.pk }}">'
        "#{{ record.pk }}</a>",
        verbose_name=_("No."),
    )
    month = tables.DateColumn(format="Y-m", verbose_name=_("Month"))
    payment_date = tables.DateColumn(format="d.m.Y", verbose_name=_("Payment date"))
    paid = tables.Column(verbose_name=_("Paid lines"), accessor="counts__paid", orderable=False, default="")
    held = tables.Column(verbose_name=_("Held lines"), accessor="counts__held", orderable=False, default="")
    net = tables.Column(verbose_name=_("Net"), accessor="totals__net", orderable=False, default="")
    created_by = tables.Column(verbose_name=_("Created by"), accessor="created_by__username")

    class Meta:
        model = PaymentRun
        fields = ("id", "benefit", "month", "payment_date", "status", "paid", "held", "net", "created_by")
        row_attrs = {"data-status": lambda record: record.status}


class LineTable(tables.Table):
    hold_reason = tables.Column(verbose_name=_("Held because"))

    class Meta:
        model = PaymentLine
        fields = (
            "end_to_end_id",
            "benefit_type",
            "creditor_name",
            "iban",
            "town",
            "gross",
            "deduction",
            "net",
            "status",
            "hold_reason",
            "bank_status",
        )
        row_attrs = {
            "data-line": lambda record: record.end_to_end_id,
            "data-status": lambda record: record.status,
        }

    def render_hold_reason(self, value: Any) -> str:
        return hold_label(value) if value else ""

    def value_hold_reason(self, value: Any) -> str:
        return value or ""


class ParameterTable(tables.Table):
    class Meta:
        model = FinanceParameter
        fields = ("name", "benefit", "valid_from", "value", "unit", "legal_title", "verified", "note")
        orderable = False


class DebtorTable(tables.Table):
    """The agency's debtor accounts; the code links to the edit form for those who may change."""

    def __init__(self, *args: Any, can_change: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.can_change = can_change

    class Meta:
        model = DebtorAccount
        fields = ("code", "name", "iban", "bic", "benefit", "is_active")
        orderable = False
        row_attrs = {
            "data-debtor": lambda record: record.pk,
            "data-active": lambda record: "yes" if record.is_active else "no",
        }

    def render_code(self, value: Any, record: DebtorAccount) -> str:
        if not self.can_change:
            return str(value)
        url = reverse("finance:debtor_edit", args=[record.pk])
        return format_html('<a href="{}" data-edit="{}">{}</a>', url, record.pk, value)
