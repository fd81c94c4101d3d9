"""Forms of the parameters screen."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tugi.core.forms import ReasonMixin, date_input

from ..models import ParameterName


class ParameterProposeForm(ReasonMixin):
    name = forms.ChoiceField(label=_("Parameter"), choices=ParameterName.choices)
    valid_from = forms.DateField(
        label=_("Valid from"),
        widget=date_input(),
        help_text=_(
            "Base amount, year value and index: usually 1 April. "
            "Average social tax and minimum wage: 1 January of their year."
        ),
    )
    value = forms.CharField(
        label=_("Value"), max_length=40, help_text=_("Full precision with a decimal point, e.g. 255.7562.")
    )
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False)
    legal_title = forms.CharField(
        label=_("Legal reference"), max_length=300, required=False, help_text=_("e.g. RT I 22.03.2022, 16")
    )
    legal_url = forms.URLField(
        label=_("Link to the legal reference"), max_length=500, required=False, assume_scheme="https"
    )
    checked_on = forms.DateField(label=_("Last checked on"), widget=date_input(), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ParameterWithdrawForm(ReasonMixin):
    pass


class ParametersOnForm(forms.Form):
    on = forms.DateField(label=_("In force on"), required=False, widget=date_input())
