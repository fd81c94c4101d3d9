"""Forms of the sub-ledger: reverse an entry, close a month, pick a period."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Why is the entry reversed?"), widget=forms.Textarea(attrs={"rows": 3}))


class PeriodCloseForm(forms.Form):
    period = forms.RegexField(
        label=_("Month (YYYY-MM)"),
        regex=r"^\d{4}-\d{2}$",
        error_messages={"invalid": _("Give the month as YYYY-MM.")},
    )


class ReportPeriodForm(forms.Form):
    start = forms.CharField(label=_("From month (YYYY-MM)"), required=False)
    end = forms.CharField(label=_("To month (YYYY-MM)"), required=False)
