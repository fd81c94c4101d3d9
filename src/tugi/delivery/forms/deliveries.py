"""Forms of deliveries: the delivery, its status, its schedule per environment, sign-offs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tugi.core.forms import ReasonMixin, date_input

from ..models import DeliveryKind, DeliveryStage, DeliveryStatus, SignoffKind, System


class DeliveryForm(ReasonMixin):
    system = forms.ChoiceField(label=_("System"), choices=System.choices)
    version = forms.CharField(label=_("Version"), max_length=60, help_text=_("e.g. 2026.12 or 2026.11.1"))
    kind = forms.ChoiceField(label=_("Kind"), choices=DeliveryKind.choices)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    ordering_party: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Ordering party"), queryset=None, required=False
    )
    rollback_plan = forms.CharField(
        label=_("Rollback plan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How to return to the previous version, or a link to the plan."),
    )

    def __init__(self, *args: Any, partners: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["ordering_party"].queryset = partners  # type: ignore[attr-defined]


class DeliveryEditForm(DeliveryForm):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["system"].disabled = True


class StatusForm(ReasonMixin):
    status = forms.ChoiceField(label=_("New status"), choices=DeliveryStatus.choices)


class ScheduleForm(ReasonMixin):
    stage = forms.ChoiceField(label=_("Environment"), choices=DeliveryStage.choices)
    planned_date = forms.DateField(label=_("Planned date"), widget=date_input())
    actual_date = forms.DateField(label=_("Actual date"), required=False, widget=date_input())


class SignoffForm(ReasonMixin):
    kind = forms.ChoiceField(label=_("What is signed off"), choices=SignoffKind.choices)
    signed_by = forms.CharField(
        label=_("Signed by"), max_length=200, help_text=_("Who confirmed it (name, organisation).")
    )
    evidence_url = forms.URLField(
        label=_("Evidence link"), required=False, max_length=500, assume_scheme="https"
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
