"""Forms of the assignments topic: direct assignment, ending an assignment."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tugi.core.forms import ReasonMixin

from ..models import Account, EmploymentStatus, Profile, ProfileStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AssignmentForm(ReasonMixin):
    account = forms.ModelChoiceField(
        label=_("Account"), queryset=Account.objects.filter(status=EmploymentStatus.ACTIVE)
    )
    profile = forms.ModelChoiceField(
        label=_("Profile"),
        queryset=Profile.objects.filter(status=ProfileStatus.ACTIVE).select_related("system"),
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_to = forms.DateField(
        label=_("Valid to"), widget=DATE, required=False, help_text=_("Empty: until further notice.")
    )
    justification = forms.CharField(
        label=_("Justification"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class AssignmentEndForm(ReasonMixin):
    valid_to = forms.DateField(label=_("Last day of access"), widget=DATE)
