"""Forms of defects and JUnit imports."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from tugi.core.forms import ReasonMixin, TugiForm

from ..models import DefectPriority, DefectSeverity, DefectStatus


class DefectForm(ReasonMixin):
    title = forms.CharField(label=_("Title"), max_length=200)
    severity = forms.ChoiceField(label=_("Severity"), choices=DefectSeverity.choices, initial="medium")
    priority = forms.ChoiceField(label=_("Priority"), choices=DefectPriority.choices, initial="medium")
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=get_user_model().objects.none(), required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    steps = forms.CharField(
        label=_("Reproduction steps"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    expected_result = forms.CharField(
        label=_("Expected result"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    actual_result = forms.CharField(
        label=_("Actual result"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    logs = forms.CharField(label=_("Logs"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    attachment_url = forms.URLField(
        label=_("Attachment link"), required=False, max_length=500, assume_scheme="https"
    )
    environment = forms.CharField(label=_("Found in environment"), required=False, max_length=100)
    found_in_version = forms.CharField(label=_("Found in version"), required=False, max_length=100)
    fixed_in_version = forms.CharField(label=_("Fixed in version"), required=False, max_length=100)
    tickets = forms.CharField(
        label=_("Affected tickets"), required=False, help_text=_("Ticket keys separated by spaces or commas.")
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = get_user_model().objects.filter(is_active=True).order_by("username")  # type: ignore[attr-defined]

    def clean_tickets(self) -> list[Any]:
        from tugi.delivery.selectors import tickets_by_keys

        text = self.cleaned_data.get("tickets", "")
        keys = [k.strip().upper() for k in text.replace(",", " ").split() if k.strip()]
        found = tickets_by_keys(keys)
        missing = sorted(set(keys) - {t.key for t in found})
        if missing:
            raise forms.ValidationError(_("Unknown ticket: %(keys)s") % {"keys": ", ".join(missing)})
        return found


class DefectStatusForm(ReasonMixin):
    status = forms.ChoiceField(label=_("New status"), choices=DefectStatus.choices)
    fixed_in_version = forms.CharField(label=_("Fixed in version"), required=False, max_length=100)


class JUnitUploadForm(ReasonMixin):
    file = forms.FileField(label=_("JUnit XML report"))


class JUnitMapForm(ReasonMixin):
    name = forms.CharField(label=_("Test name"), max_length=500)
    case_key = forms.CharField(label=_("Test case key"), max_length=40, help_text=_("e.g. TC-12"))


__all__ = ["DefectForm", "DefectStatusForm", "JUnitMapForm", "JUnitUploadForm", "TugiForm"]
