"""Forms of the requests topic: a new access request, a decision."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tugi.core.forms import TugiForm

from ..models import Account, EmploymentStatus, Profile, ProfileStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RequestForm(TugiForm):
    account = forms.ModelChoiceField(
        label=_("Account"), queryset=Account.objects.filter(status=EmploymentStatus.ACTIVE)
    )
    profile = forms.ModelChoiceField(
        label=_("Profile"),
        queryset=Profile.objects.filter(status=ProfileStatus.ACTIVE).select_related("system"),
    )
    valid_from = forms.DateField(label=_("Needed from"), widget=DATE)
    valid_to = forms.DateField(
        label=_("Needed until"), widget=DATE, required=False, help_text=_("Empty: until further notice.")
    )
    justification = forms.CharField(
        label=_("Justification"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class DecisionForm(TugiForm):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approved", _("approve")), ("rejected", _("reject"))]
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you reject."),
    )
