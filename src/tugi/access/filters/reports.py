"""Filters of the access reports."""

from __future__ import annotations

from typing import Any

import django_filters as filters
from django import forms
from django.utils.translation import gettext_lazy as _

from tugi.core.filters import TugiFilterSet
from tugi.core.forms import TugiForm

from ..models import Assignment, ManagedSystem, OrgUnit, Sensitivity, SodViolation


class SensitiveHoldersForm(TugiForm):
    """Filter of the sensitive rights report (its rows are computed, not a query set)."""

    system = forms.ModelChoiceField(
        label=_("System"), queryset=ManagedSystem.objects.all(), required=False, empty_label="---------"
    )
    sensitivity = forms.ChoiceField(
        label=_("Sensitivity"),
        required=False,
        choices=[("", "---------"), *[(v, lbl) for v, lbl in Sensitivity.choices if v != Sensitivity.NONE]],
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"


class CampaignResultsForm(TugiForm):
    campaign: Any = forms.ModelChoiceField(
        label=_("Campaign"),
        queryset=None,
        required=False,
        empty_label="---------",
    )

    def __init__(self, *args: Any, campaigns: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]
        self.fields["campaign"].widget.attrs["class"] = "form-select form-select-sm"


class ExpiringFilter(TugiFilterSet):
    system = filters.ModelChoiceFilter(
        field_name="profile__system", queryset=ManagedSystem.objects.all(), label=_("System")
    )
    org_unit = filters.ModelChoiceFilter(
        field_name="account__org_unit", queryset=OrgUnit.objects.all(), label=_("Unit")
    )

    class Meta:
        model = Assignment
        fields: list[str] = []


class ViolationFilter(TugiFilterSet):
    org_unit = filters.ModelChoiceFilter(
        field_name="account__org_unit", queryset=OrgUnit.objects.all(), label=_("Unit")
    )

    class Meta:
        model = SodViolation
        fields = ["policy"]
