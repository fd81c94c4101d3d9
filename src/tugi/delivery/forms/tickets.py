"""Forms of tickets: edit, import, UAT check override, routing to testing, links."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tugi.core.forms import ReasonMixin, TugiForm, UploadForm, date_input

from ..models import DefectSeverity, LinkKind, System, TicketStatus


class TicketForm(ReasonMixin):
    key = forms.CharField(label=_("Key"), max_length=40, help_text=_("e.g. SKAIS-1234"))
    title = forms.CharField(label=_("Title"), max_length=300)
    system = forms.ChoiceField(label=_("System"), choices=System.choices)
    issue_type = forms.CharField(label=_("Type"), max_length=40, initial="Story")
    status = forms.ChoiceField(label=_("Status"), choices=TicketStatus.choices)
    delivery: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Delivery"), queryset=None, required=False
    )
    tester: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Tester"), queryset=None, required=False
    )
    testing_due = forms.DateField(label=_("Testing due"), required=False, widget=date_input())
    business_description = forms.CharField(
        label=_("Business description for testing"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "What the change does for the user and what to test: steps, a list, or Given / When / Then."
        ),
    )
    flags = forms.CharField(
        label=_("Feature flags"),
        required=False,
        help_text=_(
            "The flags the ticket needs and their expected state, e.g. new-calculation=on, old-form=off"
        ),
    )
    roles = forms.CharField(
        label=_("Required roles"),
        required=False,
        help_text=_("Profile codes of the system, comma-separated."),
    )

    def __init__(self, *args: Any, deliveries: Any, testers: Any, editing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["delivery"].queryset = deliveries  # type: ignore[attr-defined]
        self.fields["tester"].queryset = testers  # type: ignore[attr-defined]
        if editing:
            del self.fields["key"]
            self.fields["system"].disabled = True
            del self.fields["status"]


class TicketImportForm(UploadForm):
    file = forms.FileField(label=_("Jira export: CSV (comma or semicolon) or JSON"))
    fmt = forms.ChoiceField(
        label=_("Format"),
        choices=[("auto", _("recognise")), ("csv", "CSV"), ("json", "JSON")],
        initial="auto",
    )


class TicketStatusForm(ReasonMixin):
    status = forms.ChoiceField(
        label=_("New status"), choices=[c for c in TicketStatus.choices if c[0] != TicketStatus.IN_TESTING]
    )


class OverrideForm(TugiForm):
    reason = forms.CharField(
        label=_("Why may the ticket be tested anyway?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept with the check and in the audit log."),
    )


class RouteForm(ReasonMixin):
    tester: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Tester"), queryset=None)
    testing_due = forms.DateField(label=_("Testing due"), required=False, widget=date_input())

    def __init__(self, *args: Any, testers: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["tester"].queryset = testers  # type: ignore[attr-defined]


class LinkForm(ReasonMixin):
    kind = forms.ChoiceField(label=_("Kind"), choices=LinkKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    url = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")
    severity = forms.ChoiceField(
        label=_("Severity (defects)"), required=False, choices=[("", "—"), *DefectSeverity.choices]
    )
    is_open = forms.BooleanField(label=_("Open (defects: not fixed yet)"), required=False, initial=True)
    passed = forms.TypedChoiceField(
        label=_("Passed (test runs)"),
        required=False,
        choices=[("", "—"), ("true", _("yes")), ("false", _("no"))],
        coerce=lambda value: value == "true",
        empty_value=None,
    )


class DefectSignOffForm(TugiForm):
    note = forms.CharField(label=_("Why may it go to production?"), widget=forms.Textarea(attrs={"rows": 2}))
