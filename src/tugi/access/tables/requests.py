"""Tables of the requests topic."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ..models import AccessRequest


class RequestTable(tables.Table):
    id = tables.TemplateColumn(
        '<a href="{% url \'access:requests_detail\' record.pk %}" id="request-link-{{ record.pk }}">'
        "#{{ record.pk }}</a>",
        verbose_name=_("Request"),
    )
    account = tables.Column(verbose_name=_("Account"), order_by=("account__last_name",))
    profile = tables.Column(verbose_name=_("Profile"), order_by=("profile__system__code", "profile__code"))
    valid_from = tables.DateColumn(format="d.m.Y")
    valid_to = tables.DateColumn(format="d.m.Y")
    requester = tables.Column(verbose_name=_("Requester"))
    created_at = tables.DateTimeColumn(format="d.m.Y H:i", verbose_name=_("Requested"))
    sod = tables.TemplateColumn(
        '{% load i18n %}{% if record.sod_result %}<span class="badge text-bg-danger">'
        "{% translate 'conflict' %}</span>{% endif %}",
        verbose_name=_("Segregation of duties"),
        orderable=False,
    )

    class Meta:
        model = AccessRequest
        fields = (
            "id",
            "account",
            "profile",
            "valid_from",
            "valid_to",
            "status",
            "needs_security",
            "sod",
            "requester",
            "created_at",
        )
        row_attrs = {"data-request": lambda record: record.pk}
