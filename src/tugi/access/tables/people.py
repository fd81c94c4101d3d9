"""Tables of the people topic."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ..models import Account, OrgUnit


class OrgUnitTable(tables.Table):
    name = tables.TemplateColumn(
        "<a href=\"{% url 'access:people_account_list' %}?org_unit={{ record.pk }}\">{{ record.name }}</a>",
        verbose_name=_("Name"),
    )
    edit = tables.TemplateColumn(
        "{% load i18n %}{% if perms.access.change_orgunit %}"
        '<a href="{% url \'access:people_unit_edit\' record.pk %}" id="unit-edit-{{ record.pk }}">'
        "{% translate 'Edit' %}</a>{% endif %}",
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        model = OrgUnit
        fields = ("code", "name", "kind", "edit")


class AccountTable(tables.Table):
    name = tables.TemplateColumn(
        '<a href="{% url \'access:people_account_detail\' record.pk %}" data-account="{{ record.username }}">'
        "{{ record.last_name }}, {{ record.first_name }}</a>",
        verbose_name=_("Name"),
        order_by=("last_name", "first_name"),
    )
    org_unit = tables.Column(verbose_name=_("Unit"), order_by=("org_unit__name",))
    manager = tables.Column(verbose_name=_("Manager"), order_by=("manager__last_name",))
    flagged = tables.BooleanColumn(verbose_name=_("Needs review"), orderable=False)

    class Meta:
        model = Account
        fields = ("name", "username", "org_unit", "position", "manager", "status", "left_on", "flagged")
