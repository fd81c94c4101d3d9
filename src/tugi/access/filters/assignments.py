"""Filters of the assignments topic."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters as filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tugi.core.filters import TugiFilterSet

from ..models import Assignment, AssignmentStatus, ManagedSystem, OrgUnit, Profile
from .people import search_accounts


class AssignmentFilter(TugiFilterSet):
    q = filters.CharFilter(method="search", label=_("Account"))
    system = filters.ModelChoiceFilter(
        field_name="profile__system", queryset=ManagedSystem.objects.all(), label=_("System")
    )
    profile = filters.ModelChoiceFilter(queryset=Profile.objects.select_related("system"), label=_("Profile"))
    unit = filters.ModelChoiceFilter(
        field_name="account__org_unit", queryset=OrgUnit.objects.all(), label=_("Unit")
    )
    status = filters.ChoiceFilter(choices=AssignmentStatus.choices, label=_("Status"))
    valid_today = filters.BooleanFilter(method="filter_valid_today", label=_("Valid today"))
    expiring_within = filters.NumberFilter(
        method="filter_expiring", label=_("Ends within (days)"), min_value=0, max_value=3660
    )
    needs_review = filters.BooleanFilter(label=_("Needs review"))

    class Meta:
        model = Assignment
        fields: list[str] = []

    def search(self, qs: Any, name: str, value: Any) -> Any:
        return search_accounts(qs, value, prefix="account__")

    def filter_valid_today(self, qs: Any, name: str, value: Any) -> Any:
        if value is None:
            return qs
        valid = qs.as_of(timezone.localdate())
        return valid if value else qs.exclude(pk__in=valid.values("pk"))

    def filter_expiring(self, qs: Any, name: str, value: Any) -> Any:
        if value is None:
            return qs
        today = timezone.localdate()
        return qs.filter(
            status=AssignmentStatus.ACTIVE,
            valid_to__gte=today,
            valid_to__lte=today + dt.timedelta(days=int(value)),
        )
