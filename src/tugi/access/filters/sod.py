"""Filters of the segregation of duties topic."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tugi.core.filters import TugiFilterSet

from ..models import OrgUnit, SodException, SodPolicy, SodViolation


class PolicyFilter(TugiFilterSet):
    q = filters.CharFilter(method="search", label=_("Search"))

    class Meta:
        model = SodPolicy
        fields = ["active"]

    def search(self, qs: Any, name: str, value: Any) -> Any:
        return qs.filter(Q(code__icontains=value) | Q(name__icontains=value))


class ViolationFilter(TugiFilterSet):
    state = filters.ChoiceFilter(
        method="filter_state",
        choices=[("open", _("open")), ("resolved", _("resolved"))],
        label=_("State"),
    )
    policy = filters.ModelChoiceFilter(queryset=SodPolicy.objects.all(), label=_("Policy"))
    unit = filters.ModelChoiceFilter(
        field_name="account__org_unit", queryset=OrgUnit.objects.all(), label=_("Unit")
    )
    q = filters.CharFilter(method="search", label=_("Account"))

    class Meta:
        model = SodViolation
        fields: list[str] = []

    def filter_state(self, qs: Any, name: str, value: Any) -> Any:
        if value == "open":
            return qs.filter(resolved_at__isnull=True)
        if value == "resolved":
            return qs.filter(resolved_at__isnull=False)
        return qs

    def search(self, qs: Any, name: str, value: Any) -> Any:
        for word in value.split():
            qs = qs.filter(
                Q(account__username__icontains=word)
                | Q(account__first_name__icontains=word)
                | Q(account__last_name__icontains=word)
            )
        return qs


class ExceptionFilter(TugiFilterSet):
    policy = filters.ModelChoiceFilter(queryset=SodPolicy.objects.all(), label=_("Policy"))
    valid_today = filters.BooleanFilter(method="filter_valid_today", label=_("Valid today"))

    class Meta:
        model = SodException
        fields: list[str] = []

    def filter_valid_today(self, qs: Any, name: str, value: Any) -> Any:
        if value is None:
            return qs
        valid = qs.as_of(timezone.localdate())
        return valid if value else qs.exclude(pk__in=valid.values("pk"))
