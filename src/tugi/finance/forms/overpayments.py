"""Forms of overpayments: the manual finding and one per lifecycle step (and a repayment)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from tugi.core.forms import TugiForm, date_input

from ..models import OverpaymentCause, RecoveryMethod


class ManualFindingForm(TugiForm):
    personal_code = forms.CharField(label=_("Personal code"), max_length=11)
    period_from = forms.DateField(label=_("Overpaid from"), widget=date_input())
    period_to = forms.DateField(label=_("Overpaid to"), widget=date_input())
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2)
    description = forms.CharField(label=_("How it was found"), widget=forms.Textarea(attrs={"rows": 3}))


class HearingForm(TugiForm):
    on = forms.DateField(label=_("Hearing started on"), widget=date_input(), required=False)
    note = forms.CharField(label=_("What the person was asked"), widget=forms.Textarea(attrs={"rows": 2}))


class DecideForm(TugiForm):
    cause = forms.ChoiceField(label=_("Cause"), choices=OverpaymentCause.choices)
    decided_amount = forms.DecimalField(
        label=_("Amount to recover (0 = no claim)"), max_digits=14, decimal_places=2
    )
    decision_reasons = forms.CharField(
        label=_("Reasons and the discretion exercised"), widget=forms.Textarea(attrs={"rows": 4})
    )


class NotifyForm(TugiForm):
    due_date = forms.DateField(label=_("Due date (default 30 days)"), widget=date_input(), required=False)


class ArrangeForm(TugiForm):
    method = forms.ChoiceField(label=_("Recovery method"), choices=RecoveryMethod.choices)
    monthly_amount = forms.DecimalField(
        label=_("Monthly amount"), required=False, max_digits=14, decimal_places=2
    )
    start_month = forms.DateField(label=_("From month"), widget=date_input(), required=False)
    due_date = forms.DateField(label=_("Due date"), widget=date_input(), required=False)
    note = forms.CharField(label=_("Note"), required=False)


class ReasonForm(TugiForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class RepaymentForm(TugiForm):
    """A repayment confirmed outside the bank statements (e.g. at a cash desk)."""

    amount = forms.DecimalField(label=_("Amount repaid"), max_digits=14, decimal_places=2)
    on = forms.DateField(label=_("Repaid on"), widget=date_input(), required=False, initial=dt.date.today)
    note = forms.CharField(
        label=_("Where the repayment was confirmed"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
