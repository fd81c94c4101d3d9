"""Tables of access problems."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..models import AccessProblem


class ProblemTable(tables.Table):
    created_at = tables.TemplateColumn(
        "<a href=\"{% url 'access:problem_detail' record.pk %}\">"
        "{{ record.created_at|date:'d.m.Y H:i' }}</a>",
        verbose_name=_("Reported"),
    )
    account = tables.Column(accessor="account__username", verbose_name=_("Account"))
    right = tables.Column(accessor="right__code", verbose_name=_("Right"))
    symptom = tables.TemplateColumn("{{ record.symptom|truncatechars:80 }}", verbose_name=_("Symptom"))
    partner = tables.Column(accessor="partner", verbose_name=_("Partner"))
    reported_by = tables.Column(accessor="reported_by__username", verbose_name=_("Reported by"))

    class Meta:
        model = AccessProblem
        fields = (
            "created_at",
            "system",
            "account",
            "right",
            "symptom",
            "group_key",
            "status",
            "partner",
            "partner_reference",
            "reported_by",
        )
        row_attrs = {"data-problem": lambda record: record.pk}


class RecurringTable(tables.Table):
    group_key = tables.TemplateColumn(
        "<a href=\"{% url 'access:problem_list' %}?kind={{ record.group_key|urlencode }}\">"
        "{{ record.group_key }}</a>",
        verbose_name=_("Kind"),
    )
    system = tables.Column(accessor="system__code", verbose_name=_("System"))
    right = tables.Column(accessor="right__code", verbose_name=_("Right"))
    right_name = tables.Column(accessor="right__name_et", verbose_name=_("Right name"))
    total = tables.Column(verbose_name=_("Reported"))
    open = tables.Column(verbose_name=pgettext_lazy("problems not resolved", "Open"))
    resolved = tables.Column(verbose_name=_("Resolved"))
    first_reported = tables.DateTimeColumn(format="d.m.Y", verbose_name=_("First"))
    last_reported = tables.DateTimeColumn(format="d.m.Y", verbose_name=_("Last"))

    class Meta:
        row_attrs = {"data-kind": lambda record: record["group_key"]}
