"""Tables of calculation runs and of a run's staged results (codes masked)."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ..models import CalculationRun, RunPensionResult, RunPersonResult


class RunTable(tables.Table):
    id = tables.TemplateColumn(
        '<a href="{% url \'pensions:run_detail\' record.pk %}" data-run="{{ record.pk }}">'
        "#{{ record.pk }}</a>",
        verbose_name=_("No."),
    )
    created_by = tables.Column(verbose_name=_("Created by"), accessor="created_by__username")
    computed_at = tables.DateTimeColumn(format="d.m.Y H:i", verbose_name=_("Computed"))
    created_at = tables.DateTimeColumn(format="d.m.Y H:i", verbose_name=_("Created"))

    class Meta:
        model = CalculationRun
        fields = (
            "id",
            "kind",
            "year",
            "effective_date",
            "index",
            "status",
            "created_by",
            "created_at",
            "computed_at",
        )
        row_attrs = {"data-status": lambda record: record.status, "data-kind": lambda record: record.kind}


def _masked(value: Any) -> str:
    return f"{(value or '')[:7]}****"


class PersonResultTable(tables.Table):
    person_code = tables.Column(verbose_name=_("Personal code"))

    class Meta:
        model = RunPersonResult
        fields = (
            "person_code",
            "pension_part",
            "insured_base",
            "service_fraction",
            "funded_factor",
            "insurance_share",
            "joint_share",
        )
        orderable = False

    def render_person_code(self, value: Any) -> str:
        return _masked(value)


class PensionResultTable(tables.Table):
    pension = tables.Column(verbose_name=_("Pension"), accessor="pension_id")
    person_code = tables.Column(verbose_name=_("Personal code"), accessor="pension__person__personal_code")

    class Meta:
        model = RunPensionResult
        fields = (
            "pension",
            "person_code",
            "old_amount",
            "new_amount",
            "service_years",
            "insurance_shares",
            "joint_shares",
            "adjustment_factor",
            "added_share",
        )
        orderable = False

    def render_person_code(self, value: Any) -> str:
        return _masked(value)
