"""Forms of the segregation of duties topic: policies and exceptions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tugi.core.forms import ReasonMixin, date_input

from ..models import Account, Profile, Right, SodPolicy

DATE = date_input()


def _rights() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=Right.objects.select_related("system"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )


def _profiles() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=Profile.objects.select_related("system"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )


class PolicyForm(ReasonMixin):
    code = forms.SlugField(label=_("Code"), max_length=60)
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    rights_a = _rights()
    profiles_a = _profiles()
    rights_b = _rights()
    profiles_b = _profiles()
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["rights_a"].label = _("Rights on side A")
        self.fields["profiles_a"].label = _("Profiles on side A")
        self.fields["rights_b"].label = _("Rights on side B")
        self.fields["profiles_b"].label = _("Profiles on side B")


class ExceptionForm(ReasonMixin):
    policy = forms.ModelChoiceField(label=_("Policy"), queryset=SodPolicy.objects.all())
    account = forms.ModelChoiceField(label=_("Account"), queryset=Account.objects.all())
    justification = forms.CharField(
        label=_("Justification"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    valid_to = forms.DateField(label=_("Valid until"), widget=DATE, help_text=_("At most a year ahead."))
