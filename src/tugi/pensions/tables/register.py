"""Tables of the register topic (personal codes masked, in the page and in the CSV export)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_tables2 as tables
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import InsuredYear, Pension


def masked(code: str) -> str:
    return f"{code[:7]}****" if code else ""


def cents(value: Any) -> Decimal:
    """An amount to the cent (SQLite hands an annotated amount back as a float-made Decimal)."""
    return Decimal(value).quantize(Decimal("0.01"))


def run_link(run_id: int | None) -> Any:
    """A link to a calculation run's page (plain text when the runs pages are not installed)."""
    if not run_id:
        return "—"
    try:
        return format_html('<a href="{}">#{}</a>', reverse("pensions:run_detail", args=[run_id]), run_id)
    except NoReverseMatch:
        return f"#{run_id}"


class PensionTable(tables.Table):
    id = tables.TemplateColumn(
        "<a href=\"{% url 'pensions:pension_detail' record.pk %}\" "
        'data-pension="{{ record.pk }}">#{{ record.pk }}</a>',
        verbose_name=_("Pension"),
    )
    person = tables.Column(verbose_name=_("Person"), order_by=("person__last_name", "person__first_name"))
    code = tables.Column(verbose_name=_("Personal code"), accessor="person__personal_code", orderable=False)
    pension_type = tables.Column(verbose_name=_("Type"))
    start_date = tables.DateColumn(verbose_name=_("Start date"), format="d.m.Y")
    status = tables.Column(verbose_name=_("Status"))
    amount_now = tables.Column(verbose_name=_("Amount today"), attrs={"td": {"class": "text-end"}})
    ended_on = tables.DateColumn(verbose_name=_("Ended on"), format="d.m.Y")

    class Meta:
        model = Pension
        fields = ("id", "person", "code", "pension_type", "start_date", "status", "amount_now", "ended_on")
        row_attrs = {"data-status": lambda record: record.status}

    def render_code(self, value: str) -> str:
        return masked(value)

    def value_code(self, value: str) -> str:
        return masked(value)

    def render_amount_now(self, value: Any) -> str:
        return str(cents(value))

    def value_amount_now(self, value: Any) -> str:
        return str(cents(value)) if value is not None else ""


class InsuredYearTable(tables.Table):
    person_code = tables.Column(verbose_name=_("Personal code"))
    year = tables.Column(verbose_name=_("Year"))
    pension_part = tables.Column(verbose_name=_("Pension part"), attrs={"td": {"class": "text-end"}})
    insured_base = tables.Column(verbose_name=_("Insured base"), attrs={"td": {"class": "text-end"}})
    service_fraction = tables.Column(verbose_name=_("Service fraction"), attrs={"td": {"class": "text-end"}})
    funded_factor = tables.Column(verbose_name=_("Funded factor"), attrs={"td": {"class": "text-end"}})
    insurance_share = tables.Column(verbose_name=_("Insurance share"), attrs={"td": {"class": "text-end"}})
    joint_share = tables.Column(verbose_name=_("Joint share"), attrs={"td": {"class": "text-end"}})
    run = tables.Column(verbose_name=_("Run"), accessor="run_id")
    explain = tables.Column(verbose_name="", empty_values=(), orderable=False, exclude_from_export=True)

    class Meta:
        model = InsuredYear
        fields = (
            "person_code",
            "year",
            "pension_part",
            "insured_base",
            "service_fraction",
            "funded_factor",
            "insurance_share",
            "joint_share",
            "run",
        )

    def render_person_code(self, value: str) -> str:
        return masked(value)

    def value_person_code(self, value: str) -> str:
        return masked(value)

    def render_run(self, value: int | None) -> Any:
        return run_link(value)

    def value_run(self, value: int | None) -> Any:
        return value or ""

    def render_explain(self, record: InsuredYear) -> Any:
        uid = getattr(record, "person_uid", None)
        if not uid:
            return ""
        return format_html(
            '<a href="{}" data-explain="{}">{}</a>',
            reverse("pensions:explain_year", args=[uid, record.year]),
            record.year,
            _("Explain"),
        )
