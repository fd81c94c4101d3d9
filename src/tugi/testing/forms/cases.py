"""Forms of test cases."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tugi.core.forms import ReasonMixin
from tugi.delivery.selectors import ticket_model

from ..models import CasePriority, TestSystem


class CaseForm(ReasonMixin):
    key = forms.CharField(
        label=_("Key"), max_length=40, required=False, help_text=_("e.g. TC-123; empty: the next free number")
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    system = forms.ChoiceField(label=_("System"), choices=TestSystem.choices)
    module = forms.CharField(label=_("Module"), max_length=100, required=False)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=CasePriority.choices, initial=CasePriority.MEDIUM
    )
    tags = forms.CharField(
        label=_("Tags"), max_length=300, required=False, help_text=_("Separated by commas.")
    )
    automated = forms.BooleanField(label=_("Automated"), required=False)
    automated_name = forms.CharField(
        label=_("Automated test name"),
        max_length=300,
        required=False,
        help_text=_("As the JUnit report names it, e.g. tests.test_x::test_y or class.name"),
    )
    preconditions = forms.CharField(
        label=_("Preconditions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    steps = forms.CharField(
        label=_("Steps"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One step a line: action => expected result"),
    )
    test_data = forms.CharField(
        label=_("Test data needs"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    tickets = forms.ModelMultipleChoiceField(
        label=_("Tickets"), queryset=ticket_model().objects.none(), required=False
    )
    ignore_duplicates = forms.BooleanField(
        label=_("Save even if similar cases exist"), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["tickets"].queryset = ticket_model().objects.order_by("key")  # type: ignore[attr-defined]


class CaseImportForm(ReasonMixin):
    file = forms.FileField(label=_("File (CSV separated by semicolons, or XLSX)"))
    fmt = forms.ChoiceField(
        label=_("Format"), choices=[("csv", "CSV"), ("xlsx", "XLSX")], required=False, initial="csv"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            if upload.size > 50 * 1024 * 1024:
                self.add_error("file", _("The file is larger than 50 MB."))
            if not data.get("fmt"):
                data["fmt"] = "xlsx" if upload.name.lower().endswith(".xlsx") else "csv"
        return data
