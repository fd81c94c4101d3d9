"""Forms of go / no-go decisions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tugi.core.forms import ReasonMixin

from ..models import Decision


class GoForm(ReasonMixin):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    accepted_risks = forms.CharField(
        label=_("Accepted risks"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for a Go over unmet checklist items: which risks are accepted and why."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For No-go and Defer: what must happen before a Go."),
    )
