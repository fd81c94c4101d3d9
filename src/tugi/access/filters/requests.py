"""Filters of the requests topic."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from tugi.core.filters import TugiFilterSet

from ..models import AccessRequest, ManagedSystem, Profile, RequestStatus
from .people import search_accounts


class RequestFilter(TugiFilterSet):
    q = filters.CharFilter(method="search", label=_("Account"))
    status = filters.ChoiceFilter(choices=RequestStatus.choices, label=_("Status"))
    system = filters.ModelChoiceFilter(
        field_name="profile__system", queryset=ManagedSystem.objects.all(), label=_("System")
    )
    profile = filters.ModelChoiceFilter(queryset=Profile.objects.select_related("system"), label=_("Profile"))
    requester = filters.ModelChoiceFilter(
        queryset=get_user_model().objects.order_by("username"), label=_("Requester")
    )
    needs_security = filters.BooleanFilter(label=_("Security stage"))
    sod_conflict = filters.BooleanFilter(method="filter_sod", label=_("Segregation of duties conflict"))

    class Meta:
        model = AccessRequest
        fields: list[str] = []

    def search(self, qs: Any, name: str, value: Any) -> Any:
        return search_accounts(qs, value, prefix="account__")

    def filter_sod(self, qs: Any, name: str, value: Any) -> Any:
        if value is None:
            return qs
        return qs.exclude(sod_result=[]) if value else qs.filter(sod_result=[])
