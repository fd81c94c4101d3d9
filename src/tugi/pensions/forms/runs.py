"""Forms of calculation runs: create, the decisions (approve, apply, discard), the results search."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tugi.core.forms import ReasonMixin, TugiForm, date_input
from tugi.core.identity import clean_personal_code

from ..models import RunKind


class RunCreateForm(TugiForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=RunKind.choices)
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        help_text=_("Year shares and recalculation: the year of the social tax (1999 to next year)."),
    )
    effective_date = forms.DateField(
        label=_("Effective from"),
        required=False,
        widget=date_input(),
        help_text=_("Indexation: the date it takes effect (1 April)."),
    )
    index = forms.DecimalField(
        label=_("Pension index"),
        required=False,
        max_digits=8,
        decimal_places=4,
        help_text=_("Indexation: e.g. 1.0450."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    compute = forms.BooleanField(label=_("Compute at once"), required=False, initial=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind in (RunKind.YEAR_SHARES, RunKind.RECALCULATION):
            year = data.get("year")
            last = timezone.localdate().year + 1
            if year is None:
                self.add_error("year", _("Enter the year."))
            elif not 1999 <= year <= last:
                self.add_error("year", _("The year must be between 1999 and %(last)d.") % {"last": last})
        elif kind == RunKind.INDEXATION:
            if data.get("effective_date") is None and "effective_date" not in self.errors:
                self.add_error("effective_date", _("Enter the date the indexation takes effect."))
            index = data.get("index")
            if index is None and "index" not in self.errors:
                self.add_error("index", _("Enter the pension index."))
            elif index is not None and index <= 0:
                self.add_error("index", _("The index must be greater than zero."))
        return data


class RunDecisionForm(ReasonMixin):
    """Approve / apply / mark payments informed: an optional reason kept in the audit log."""


class RunDiscardForm(TugiForm):
    reason = forms.CharField(
        label=_("Reason for discarding"),
        max_length=500,
        widget=forms.TextInput(attrs={"placeholder": _("why (kept in the audit log)")}),
    )


class ResultSearchForm(TugiForm):
    """Find one person's result by personal code (sent by POST, never in the address)."""

    personal_code = forms.CharField(label=_("Personal code"), max_length=20)

    def clean_personal_code(self) -> str:
        from django.core.exceptions import ValidationError

        try:
            return clean_personal_code(self.cleaned_data["personal_code"])
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["personal_code"]) from None
