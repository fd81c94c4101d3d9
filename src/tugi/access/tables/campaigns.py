"""Tables of recertification campaigns."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ..models import Campaign, CampaignItem


class CampaignTable(tables.Table):
    name = tables.TemplateColumn(
        '<a href="{% url \'access:campaign_detail\' record.pk %}" data-campaign="{{ record.pk }}">'
        "{{ record.name }}</a>",
        verbose_name=_("Name"),
    )
    scope = tables.TemplateColumn(
        "{% load i18n %}{{ record.system|default:'' }} {{ record.org_unit|default:'' }}"
        "{% if record.sensitive_only %} ({% translate 'sensitive rights only' %}){% endif %}",
        verbose_name=_("Scope"),
        orderable=False,
    )
    deadline = tables.DateColumn(format="d.m.Y")
    item_count = tables.Column(verbose_name=_("Items"))
    decided_count = tables.Column(verbose_name=_("Decided"))

    class Meta:
        model = Campaign
        fields = ("name", "scope", "reviewer_kind", "status", "deadline", "item_count", "decided_count")


class CampaignItemTable(tables.Table):
    account = tables.Column(
        accessor="assignment__account__username",
        verbose_name=_("Account"),
        order_by="assignment__account__username",
    )
    name = tables.TemplateColumn(
        "{{ record.assignment.account.first_name }} {{ record.assignment.account.last_name }}",
        verbose_name=_("Name"),
        order_by=("assignment__account__last_name", "assignment__account__first_name"),
    )
    unit = tables.Column(accessor="assignment__account__org_unit__name", verbose_name=_("Unit"))
    profile = tables.Column(
        accessor="assignment__profile", verbose_name=_("Profile"), order_by="assignment__profile__code"
    )
    reviewer = tables.Column(accessor="reviewer__username", verbose_name=_("Reviewer"))
    decided_at = tables.DateTimeColumn(format="d.m.Y H:i")

    class Meta:
        model = CampaignItem
        fields = ("account", "name", "unit", "profile", "reviewer", "decision", "comment", "decided_at")
        row_attrs = {"data-item": lambda record: record.pk, "data-decision": lambda record: record.decision}
