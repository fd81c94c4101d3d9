"""Tables of the finance problem register."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ..models import FinanceProblem


class ProblemTable(tables.Table):
    id = tables.Column(verbose_name=_("No."))
    title = tables.TemplateColumn(
        '<a href="{% url \'finance:problem_detail\' record.pk %}" data-problem="{{ record.pk }}">'
        "{{ record.title }}</a>",
        verbose_name=_("Problem"),
    )
    module = tables.Column(verbose_name=_("Module"))
    severity = tables.Column(verbose_name=_("Severity"))
    status = tables.Column(verbose_name=_("Status"))
    reported_on = tables.DateColumn(format="d.m.Y", verbose_name=_("Reported on"))
    partner = tables.Column(verbose_name=_("Partner"))
    partner_reference = tables.Column(verbose_name=_("Partner's reference"))
    monitor = tables.Column(verbose_name=_("Monitor"))

    class Meta:
        model = FinanceProblem
        fields = (
            "id",
            "title",
            "module",
            "severity",
            "status",
            "reported_on",
            "partner",
            "partner_reference",
            "monitor",
        )
        attrs = {"class": "table table-sm table-hover", "id": "problems"}
