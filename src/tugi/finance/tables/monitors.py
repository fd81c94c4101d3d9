"""Tables of monitors."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ..models import Monitor


class MonitorTable(tables.Table):
    name = tables.TemplateColumn(
        '<a href="{% url \'finance:monitor_detail\' record.pk %}" data-monitor="{{ record.code }}">'
        "{{ record.name }}</a>",
        verbose_name=_("Name"),
    )
    kind = tables.Column(verbose_name=_("Kind"))
    last_run_at = tables.DateTimeColumn(format="d.m.Y H:i", verbose_name=_("Last run"))
    last_outcome = tables.TemplateColumn(
        "{% load i18n %}{% if record.last_outcome == 'found' %}<span class=\"badge text-bg-warning\">"
        "{% translate 'rows found' %}</span>{% elif record.last_outcome == 'error' %}"
        "<span class=\"badge text-bg-danger\">{% translate 'error' %}</span>{% elif record.last_outcome %}"
        "<span class=\"badge text-bg-success\">{% translate 'nothing found' %}</span>{% else %}—{% endif %}",
        verbose_name=_("Outcome"),
    )
    last_count = tables.Column(verbose_name=_("Rows found"))
    is_active = tables.BooleanColumn(verbose_name=_("Active"))

    class Meta:
        model = Monitor
        fields = ("code", "name", "kind", "last_run_at", "last_outcome", "last_count", "is_active")
        attrs = {"class": "table table-sm table-hover", "id": "monitors"}
