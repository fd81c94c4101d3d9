"""Forms of the assignments topic: direct assignment, ending an assignment."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tugi.core.forms import ReasonMixin, TugiForm, date_input

from ..models import Account, EmploymentStatus, Profile, ProfileStatus

DATE = date_input()


class AccountProfilePeriodFields(TugiForm):
    """An account, an active profile, a period and a justification: a request or an assignment."""

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


class AssignmentForm(AccountProfilePeriodFields, ReasonMixin):
    pass


class AssignmentEndForm(ReasonMixin):
    valid_to = forms.DateField(label=_("Last day of access"), widget=DATE)
