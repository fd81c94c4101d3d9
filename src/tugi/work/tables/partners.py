from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ..models import Contact, Partner


class PartnerTable(tables.Table):
    name = tables.TemplateColumn(
        "<a href=\"{% url 'work:partner_detail' record.pk %}\">{{ record.name }}</a>"
    )
    contacts = tables.Column(verbose_name=_("Contacts"), accessor="contact_count", orderable=True)

    class Meta:
        model = Partner
        fields = ("name", "short_name", "kind", "registry_code", "email", "phone", "active")


class ContactTable(tables.Table):
    partner = tables.TemplateColumn(
        "<a href=\"{% url 'work:partner_detail' record.partner_id %}\">{{ record.partner }}</a>"
    )

    class Meta:
        model = Contact
        fields = ("name", "partner", "role", "email", "phone", "active")
