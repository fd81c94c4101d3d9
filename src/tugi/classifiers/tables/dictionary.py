"""Tables of the data dictionary."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ..models import Attribute


class AttributeTable(tables.Table):
    system = tables.Column(verbose_name=_("System"), accessor="entity__system__code")
    entity = tables.Column(verbose_name=_("Entity"), accessor="entity__name")
    entity_description = tables.Column(
        verbose_name=_("Entity description"), accessor="entity__description", orderable=False
    )
    name = tables.Column(verbose_name=_("Attribute"))
    classifier = tables.Column(verbose_name=_("Classifier"), accessor="classifier__code")

    class Meta:
        model = Attribute
        fields = ("system", "entity", "entity_description", "name", "data_type", "description", "classifier")
        order_by = ("system", "entity", "name")
        row_attrs = {
            "data-attribute": lambda record: f"{record.entity.system.code}.{record.entity.name}.{record.name}"
        }
