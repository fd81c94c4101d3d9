"""Tables of the rights catalogue."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ..models import ManagedSystem, Right


class SystemTable(tables.Table):
    code = tables.TemplateColumn(
        "<a href=\"{% url 'access:catalogue_system_detail' record.code %}\" "
        'data-system="{{ record.code }}">{{ record.code }}</a>',
        verbose_name=_("Code"),
    )
    rights_active = tables.Column(verbose_name=_("Active rights"))
    rights_vanished = tables.Column(verbose_name=_("Vanished rights"))
    profile_count = tables.Column(verbose_name=_("Profiles"))

    class Meta:
        model = ManagedSystem
        fields = ("code", "name", "rights_active", "rights_vanished", "profile_count")


class RightTable(tables.Table):
    code = tables.TemplateColumn(
        "<a href=\"{% url 'access:catalogue_right_detail' record.pk %}\" "
        'data-right="{{ record.code }}">{{ record.code }}</a>',
        verbose_name=_("Code"),
    )
    vanished_on = tables.DateColumn(format="d.m.Y")

    class Meta:
        model = Right
        fields = ("code", "name_et", "name_en", "module", "sensitivity", "status", "vanished_on")
        row_attrs = {"data-status": lambda record: record.status}
