"""Filters of the profile list."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tugi.core.filters import TugiFilterSet

from ..models import ManagedSystem, Profile, ProfileStatus


class ProfileFilter(TugiFilterSet):
    q = filters.CharFilter(method="search", label=_("Search"))
    system = filters.ModelChoiceFilter(queryset=ManagedSystem.objects.all(), label=_("System"))
    status = filters.ChoiceFilter(choices=ProfileStatus.choices, label=_("Status"))
    owner = filters.ModelChoiceFilter(
        queryset=get_user_model()
        .objects.filter(owned_profiles__isnull=False)
        .distinct()
        .order_by("username"),
        label=_("Owner"),
    )

    class Meta:
        model = Profile
        fields: list[str] = []

    def search(self, qs: Any, name: str, value: Any) -> Any:
        return qs.filter(Q(code__icontains=value) | Q(name__icontains=value) | Q(positions__icontains=value))
