"""Forms of the register topic: suspend, resume, end, correct an amount, grant a pension, find a
person by personal code (POSTed, never in a URL) and import a pensioner register."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tugi.core.forms import ReasonMixin, TugiForm, UploadForm, date_input
from tugi.core.identity import clean_personal_code


class RequiredReasonMixin(ReasonMixin):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = True


class PensionSuspendForm(RequiredReasonMixin):
    pass


class PensionResumeForm(RequiredReasonMixin):
    pass


class PensionEndForm(RequiredReasonMixin):
    ended_on = forms.DateField(label=_("Ended on"), widget=date_input())


class _FiguresForm(TugiForm):
    service_years = forms.DecimalField(
        label=_("Service years before 1999"), max_digits=6, decimal_places=2, min_value=0
    )
    insurance_shares = forms.DecimalField(
        label=_("Insurance shares 1999–2020"), max_digits=9, decimal_places=3, min_value=0
    )
    joint_shares = forms.DecimalField(
        label=_("Joint shares from 2021"), max_digits=9, decimal_places=3, min_value=0
    )
    adjustment_factor = forms.DecimalField(
        label=_("Adjustment factor"),
        max_digits=8,
        decimal_places=6,
        help_text=_("1 unless the pension was taken early or deferred (RPKS § 11¹)."),
    )


class AmountCorrectForm(_FiguresForm, RequiredReasonMixin):
    valid_from = forms.DateField(label=_("Correct from"), widget=date_input())
    note = forms.CharField(label=_("Note on the amount row"), max_length=300, required=False)


class PensionGrantForm(_FiguresForm, ReasonMixin):
    pension_type: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Pension type"), queryset=None)
    start_date = forms.DateField(label=_("Start date"), widget=date_input())

    def __init__(self, *args: Any, types: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["pension_type"].queryset = types  # type: ignore[attr-defined]
        self.order_fields(
            [
                "pension_type",
                "start_date",
                "service_years",
                "insurance_shares",
                "joint_shares",
                "adjustment_factor",
            ]
        )


class FindPersonForm(TugiForm):
    personal_code = forms.CharField(label=_("Personal code"), max_length=20)

    def clean_personal_code(self) -> str:
        try:
            return clean_personal_code(self.cleaned_data["personal_code"])
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["personal_code"]) from None


class PensionersImportForm(UploadForm):
    pass
