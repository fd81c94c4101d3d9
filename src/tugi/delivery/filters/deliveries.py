"""Filters of deliveries."""

from __future__ import annotations

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from tugi.core.filters import TugiFilterSet

from ..models import Delivery, DeliveryKind, DeliveryStatus, System


class DeliveryFilter(TugiFilterSet):
    system = filters.ChoiceFilter(label=_("System"), choices=System.choices)
    kind = filters.ChoiceFilter(label=_("Kind"), choices=DeliveryKind.choices)
    status = filters.ChoiceFilter(label=_("Status"), choices=DeliveryStatus.choices)
    version = filters.CharFilter(lookup_expr="icontains", label=_("Version"))

    class Meta:
        model = Delivery
        fields: list[str] = []
