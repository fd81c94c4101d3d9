"""Tables of the segregation of duties topic."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ..models import SodException, SodPolicy, SodViolation


class PolicyTable(tables.Table):
    name = tables.TemplateColumn(
        "<a href=\"{% url 'access:sod_policy_detail' record.pk %}\">{{ record.name }}</a>",
        verbose_name=_("Name"),
    )

    class Meta:
        model = SodPolicy
        fields = ("code", "name", "active", "updated_at")


class ViolationTable(tables.Table):
    policy = tables.TemplateColumn(
        "<a href=\"{% url 'access:sod_policy_detail' record.policy_id %}\">{{ record.policy }}</a>",
        verbose_name=_("Policy"),
        order_by=("policy__name",),
    )
    account = tables.TemplateColumn(
        "<a href=\"{% url 'access:people_account_detail' record.account_id %}\">{{ record.account }}</a>",
        verbose_name=_("Account"),
        order_by=("account__last_name",),
    )
    unit = tables.Column(verbose_name=_("Unit"), accessor="account__org_unit__name")
    detected_at = tables.DateTimeColumn(format="d.m.Y H:i")
    resolved_at = tables.DateTimeColumn(format="d.m.Y H:i")
    sides = tables.TemplateColumn(
        "{{ record.details.side_a|join:', ' }} ↔ {{ record.details.side_b|join:', ' }}",
        verbose_name=_("Meeting rights and profiles"),
        orderable=False,
    )
    action = tables.TemplateColumn(
        "{% load i18n %}{% if not record.resolved_at and may_grant %}"
        '<a class="btn btn-outline-primary btn-sm" id="violation-exception-{{ record.pk }}" '
        "href=\"{% url 'access:sod_exception_create' %}?violation={{ record.pk }}\">"
        "{% translate 'Grant an exception' %}</a>{% endif %}",
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        model = SodViolation
        fields = ("policy", "account", "unit", "sides", "detected_at", "resolved_at", "action")
        row_attrs = {"data-violation": lambda record: record.pk}


class ExceptionTable(tables.Table):
    policy = tables.Column(verbose_name=_("Policy"), order_by=("policy__name",))
    account = tables.TemplateColumn(
        "<a href=\"{% url 'access:people_account_detail' record.account_id %}\">{{ record.account }}</a>",
        verbose_name=_("Account"),
        order_by=("account__last_name",),
    )
    valid_from = tables.DateColumn(format="d.m.Y")
    valid_to = tables.DateColumn(format="d.m.Y")
    approved_by = tables.Column(verbose_name=_("Granted by"))

    class Meta:
        model = SodException
        fields = ("policy", "account", "justification", "valid_from", "valid_to", "approved_by")
