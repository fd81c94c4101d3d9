"""Tables of the assignments topic."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ..models import Assignment


class AssignmentTable(tables.Table):
    account = tables.TemplateColumn(
        "<a href=\"{% url 'access:people_account_detail' record.account_id %}\">{{ record.account }}</a>",
        verbose_name=_("Account"),
        order_by=("account__last_name", "account__first_name"),
    )
    unit = tables.Column(verbose_name=_("Unit"), accessor="account__org_unit__name")
    profile = tables.Column(verbose_name=_("Profile"), order_by=("profile__system__code", "profile__code"))
    valid_from = tables.DateColumn(format="d.m.Y")
    valid_to = tables.DateColumn(format="d.m.Y")
    requested_by = tables.Column(verbose_name=_("Requested by"))
    approved_by = tables.Column(verbose_name=_("Approved by"))
    # an include inside the page's context: a template_name would run the context processors per row
    actions = tables.TemplateColumn(
        template_code='{% include "access/assignments_actions_cell.html" %}',
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        model = Assignment
        fields = (
            "account",
            "unit",
            "profile",
            "valid_from",
            "valid_to",
            "status",
            "needs_review",
            "justification",
            "requested_by",
            "approved_by",
            "actions",
        )
        row_attrs = {"data-assignment": lambda record: record.pk}
