"""Forms of payments: a run, the decisions on it, a bank account, a hold placed by hand and its
release, a parameter, a debtor account of the agency."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tugi.core.forms import ReasonMixin, TugiForm, UploadForm, date_input

from ..models import Benefit, FinanceParameterName, HoldReason


class RunCreateForm(TugiForm):
    benefit = forms.ChoiceField(label=_("Benefit"), choices=Benefit.choices, initial=Benefit.PENSION)
    month = forms.CharField(
        label=_("Month"), max_length=7, help_text=_("The month paid for, as YYYY-MM (e.g. 2026-11).")
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    compute = forms.BooleanField(label=_("Compute at once"), required=False, initial=True)


class RunReasonForm(TugiForm):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=1000)


class RunDiscardForm(TugiForm):
    reason = forms.CharField(label=_("Why the run is discarded"), max_length=1000)


class AccountForm(TugiForm):
    iban = forms.CharField(label=_("IBAN"), max_length=42)
    bic = forms.CharField(
        label=_("BIC"), max_length=11, required=False, help_text=_("Found from the IBAN when blank.")
    )
    holder_name = forms.CharField(label=_("Account holder"), max_length=140, required=False)
    town = forms.CharField(label=_("Town"), max_length=35, required=False)
    country = forms.CharField(
        label=_("Country"), max_length=2, required=False, help_text=_("Two letters, e.g. EE.")
    )
    given_on = forms.DateField(label=_("Given on"), widget=date_input())
    source = forms.CharField(
        label=_("Source"), max_length=100, required=False, help_text=_("E.g. application, e-service.")
    )


class AccountImportForm(UploadForm):
    pass


class HoldPlaceForm(TugiForm):
    reason = forms.ChoiceField(label=_("Reason"), choices=HoldReason.choices, initial=HoldReason.MANUAL)
    note = forms.CharField(
        label=_("Why the payments are held"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class HoldReleaseForm(TugiForm):
    note = forms.CharField(label=_("Why the hold is released"), max_length=1000)


class ParameterForm(TugiForm):
    name = forms.ChoiceField(label=_("Parameter"), choices=FinanceParameterName.choices)
    benefit = forms.ChoiceField(
        label=_("Benefit"), choices=[("", _("all benefits")), *Benefit.choices], required=False
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=date_input())
    value = forms.CharField(label=_("Value"), max_length=20)
    unit = forms.CharField(label=pgettext_lazy("measure", "Unit"), max_length=20, required=False)
    legal_title = forms.CharField(label=_("Legal reference"), max_length=300, required=False)
    legal_url = forms.URLField(label=_("Link"), max_length=500, required=False, assume_scheme="https")
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    verified = forms.BooleanField(label=_("Verified against the law"), required=False)


class DebtorAccountForm(ReasonMixin):
    code = forms.SlugField(
        label=_("Code"), max_length=40, help_text=_("A short name without spaces, e.g. ska-pension.")
    )
    name = forms.CharField(
        label=_("Debtor name"), max_length=140, help_text=_("Written into the bank files.")
    )
    iban = forms.CharField(label=_("IBAN"), max_length=42)
    bic = forms.CharField(
        label=_("BIC"), max_length=11, required=False, help_text=_("Found from the IBAN when blank.")
    )
    benefit = forms.ChoiceField(label=_("Benefit"), choices=Benefit.choices)
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        help_text=_("Runs of the benefit pay from its one active account."),
    )
