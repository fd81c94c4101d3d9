"""Forms of test reports and trainings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from tugi.core.forms import ReasonMixin, date_input
from tugi.delivery import selectors as delivery_selectors

from ..models import Recommendation


class ReportCreateForm(ReasonMixin):
    delivery: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Delivery"), queryset=delivery_selectors.delivery_model().objects.none()
    )
    due_date = forms.DateField(label=_("Due date"), widget=date_input())
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=get_user_model().objects.none(), required=False)

    def __init__(self, *args: Any, deliveries: Any, users: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["delivery"].queryset = deliveries  # type: ignore[attr-defined]
        self.fields["owner"].queryset = users  # type: ignore[attr-defined]


class ReportEditForm(ReasonMixin):
    due_date = forms.DateField(label=_("Due date"), widget=date_input())
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=get_user_model().objects.none())
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    risks = forms.CharField(label=_("Risks"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    recommendation = forms.ChoiceField(
        label=_("Recommendation"), required=False, choices=[("", "—"), *Recommendation.choices]
    )

    def __init__(self, *args: Any, users: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users  # type: ignore[attr-defined]


class FinaliseForm(ReasonMixin):
    pass


class TrainingForm(ReasonMixin):
    topic = forms.CharField(label=_("Topic"), max_length=200)
    held_on = forms.DateField(label=_("Date"), widget=date_input())
    trainer = forms.CharField(label=_("Trainer"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class TrainingCreateForm(TrainingForm):
    participants = forms.ModelMultipleChoiceField(
        label=_("Participants"), queryset=get_user_model().objects.none(), required=False
    )

    def __init__(self, *args: Any, users: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = users  # type: ignore[attr-defined]


class ParticipantsForm(ReasonMixin):
    participants = forms.ModelMultipleChoiceField(
        label=_("Participants"), queryset=get_user_model().objects.none(), required=False
    )
    attended = forms.ModelMultipleChoiceField(
        label=_("Attended"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, users: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = users  # type: ignore[attr-defined]
        self.fields["attended"].queryset = users  # type: ignore[attr-defined]


class MaterialForm(ReasonMixin):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    url = forms.URLField(label=_("Link"), max_length=500, required=False, assume_scheme="https")
    file = forms.FileField(label=_("File"), required=False)
