from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tugi.core.filters import TugiFilterSet
from tugi.core.models import Topic

from ..models import Contact, Partner


class PartnerFilter(TugiFilterSet):
    q = filters.CharFilter(method="search", label=_("Search"))

    class Meta:
        model = Partner
        fields = ["kind", "active"]

    def search(self, qs: Any, name: str, value: Any) -> Any:
        return qs.filter(Q(name__icontains=value) | Q(short_name__icontains=value) | Q(registry_code=value))


class ContactFilter(TugiFilterSet):
    q = filters.CharFilter(method="search", label=_("Search"))
    topic = filters.ModelChoiceFilter(
        field_name="subscriptions__topic",
        to_field_name="code",
        queryset=Topic.objects.all(),
        label=_("Topic"),
    )

    class Meta:
        model = Contact
        fields = ["partner", "active"]

    def search(self, qs: Any, name: str, value: Any) -> Any:
        return qs.filter(Q(name__icontains=value) | Q(role__icontains=value) | Q(email__icontains=value))
