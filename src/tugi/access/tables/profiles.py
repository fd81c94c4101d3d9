"""Tables of profiles."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ..models import Profile


class ProfileTable(tables.Table):
    code = tables.TemplateColumn(
        "<a href=\"{% url 'access:profiles_detail' record.pk %}\" "
        'data-profile="{{ record.code }}">{{ record.code }}</a>',
        verbose_name=_("Code"),
    )
    system = tables.Column(accessor="system__code", verbose_name=_("System"))
    owner = tables.Column(accessor="owner__username", verbose_name=_("Owner"))
    version_in_force = tables.Column(verbose_name=_("Version in force"))
    holders = tables.Column(verbose_name=_("Assignments valid today"))

    class Meta:
        model = Profile
        fields = ("code", "name", "system", "status", "owner", "positions", "version_in_force", "holders")
        row_attrs = {"data-status": lambda record: record.status}
