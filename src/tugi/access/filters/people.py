"""Filters of the people topic."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tugi.core.filters import TugiFilterSet

from ..models import Account, EmploymentStatus, OrgUnit, OrgUnitKind


def search_accounts(qs: Any, value: str, prefix: str = "") -> Any:
    """Every word must match the user name, first or last name (of ``prefix`` + the account)."""
    for word in value.split():
        qs = qs.filter(
            Q(**{f"{prefix}username__icontains": word})
            | Q(**{f"{prefix}first_name__icontains": word})
            | Q(**{f"{prefix}last_name__icontains": word})
        )
    return qs


class OrgUnitFilter(TugiFilterSet):
    q = filters.CharFilter(method="search", label=_("Search"))

    class Meta:
        model = OrgUnit
        fields = ["kind"]

    def search(self, qs: Any, name: str, value: Any) -> Any:
        return qs.filter(Q(code__icontains=value) | Q(name__icontains=value))


class AccountFilter(TugiFilterSet):
    q = filters.CharFilter(method="search", label=_("Name or user name"))
    org_unit = filters.ModelChoiceFilter(queryset=OrgUnit.objects.all(), label=_("Unit"))
    kind = filters.ChoiceFilter(field_name="org_unit__kind", choices=OrgUnitKind.choices, label=_("Kind"))
    status = filters.ChoiceFilter(choices=EmploymentStatus.choices, label=_("Employment"))
    position = filters.CharFilter(lookup_expr="icontains", label=_("Job position"))
    needs_review = filters.BooleanFilter(field_name="flagged", label=_("Needs review"))

    class Meta:
        model = Account
        fields: list[str] = []

    def search(self, qs: Any, name: str, value: Any) -> Any:
        return search_accounts(qs, value)
