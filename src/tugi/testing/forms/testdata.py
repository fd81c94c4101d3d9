"""Forms of test data: scenarios, generating a batch, pseudonymising an extract."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tugi.core.forms import ReasonMixin

SPEC_HELP = _(
    "YAML or JSON, e.g. count: 3, sex: F, age: [66, 80], died: last_month, "
    "pension: {status: in_payment}, pillar_ii: true, insured_years: {from: 2015, to: 2024, income: average}."
)


class ScenarioForm(ReasonMixin):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    spec_text = forms.CharField(
        label=_("Specification"),
        help_text=SPEC_HELP,
        widget=forms.Textarea(attrs={"rows": 10, "class": "font-monospace"}),
    )


class GenerateForm(ReasonMixin):
    count = forms.IntegerField(label=_("Persons"), min_value=1, max_value=200, required=False)
    environment = forms.CharField(label=_("For environment"), max_length=100, required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class PseudonymiseForm(ReasonMixin):
    csv_files = MultipleFileField(label=_("CSV files of one extract (UTF-8)"))
    key = forms.CharField(
        label=_("Key"),
        min_length=16,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_(
            "At least 16 characters. Used for this run only: never stored or written with the output."
        ),
    )
    kinds = forms.CharField(
        label=_("Columns (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "font-monospace"}),
        help_text=_(
            "One line per file: payments.csv: saaja=personal_code, konto=iban. Kinds: personal_code, "
            "first_name, last_name, iban, keep. Without a line, columns are recognised by their names."
        ),
    )

    def clean_csv_files(self) -> Any:
        files = self.cleaned_data["csv_files"]
        if sum(f.size for f in files) > 200 * 1024 * 1024:
            raise forms.ValidationError(_("The files are larger than 200 MB together."))
        return files
