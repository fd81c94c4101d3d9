from __future__ import annotations

from typing import Any

import django_filters as filters
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .audit import event_type_choices
from .models import AuditEvent, Person


class TugiFilterSet(filters.FilterSet):
    """A filter set whose form widgets carry Bootstrap's small form classes."""

    @property
    def form(self) -> Any:
        form = super().form
        if not getattr(form, "_tugi_styled", False):
            for field in form.fields.values():
                css = (
                    "form-select form-select-sm"
                    if hasattr(field.widget, "choices")
                    else "form-control form-control-sm"
                )
                if (
                    getattr(field.widget, "input_type", "") == "date"
                    or "date" in type(field).__name__.lower()
                ):
                    field.widget.input_type = "date"
                field.widget.attrs["class"] = css
            form._tugi_styled = True
        return form


class PersonFilter(TugiFilterSet):
    name = filters.CharFilter(method="filter_name", label=_("Name"))
    alive = filters.BooleanFilter(field_name="date_of_death", lookup_expr="isnull", label=_("Alive"))
    born_from = filters.DateFilter(field_name="birth_date", lookup_expr="gte", label=_("Born from"))
    born_to = filters.DateFilter(field_name="birth_date", lookup_expr="lte", label=_("Born to"))

    class Meta:
        model = Person
        fields = ["sex"]

    def filter_name(self, qs: Any, name: str, value: Any) -> Any:
        for word in value.split():
            qs = qs.filter(first_name__icontains=word) | qs.filter(last_name__icontains=word)
        return qs


class AuditFilter(TugiFilterSet):
    actor = filters.ModelChoiceFilter(
        queryset=get_user_model().objects.order_by("username"), label=_("Actor")
    )
    event_type = filters.ChoiceFilter(choices=event_type_choices, label=_("Event type"))
    object_type = filters.CharFilter(lookup_expr="iexact", label=_("Object type"))
    object_id = filters.CharFilter(label=_("Object id"))
    date_from = filters.DateFilter(field_name="occurred_at", lookup_expr="date__gte", label=_("From"))
    date_to = filters.DateFilter(field_name="occurred_at", lookup_expr="date__lte", label=_("To"))
    request_id = filters.CharFilter(label=_("Request id"))

    class Meta:
        model = AuditEvent
        fields: list[str] = []
