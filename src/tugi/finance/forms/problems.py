"""Forms of the finance problem register."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tugi.core.forms import ReasonMixin, date_input
from tugi.work.selectors import partners

from ..models import Monitor, ProblemModule, ProblemSeverity


class ProblemForm(ReasonMixin):
    title = forms.CharField(label=_("Problem"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}))
    module = forms.ChoiceField(label=_("Module"), choices=ProblemModule.choices)
    severity = forms.ChoiceField(
        label=_("Severity"), choices=ProblemSeverity.choices, initial=ProblemSeverity.MEDIUM
    )
    reported_on = forms.DateField(label=_("Reported on"), widget=date_input())
    reported_by_name = forms.CharField(label=_("Reported by"), max_length=200, required=False)


class ProblemStepForm(ReasonMixin):
    """A status step without data of its own (start analysis, reopen, close)."""


class ProblemForwardForm(ReasonMixin):
    partner: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Partner"), queryset=partners(user=None)
    )
    partner_reference = forms.CharField(label=_("Partner's reference"), max_length=100)
    forwarded_on = forms.DateField(label=_("Forwarded on"), required=False, widget=date_input())

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["partner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = partners(user=user).filter(active=True)


class ProblemSolveForm(ReasonMixin):
    root_cause = forms.CharField(label=_("Root cause"), widget=forms.Textarea(attrs={"rows": 3}))
    resolution = forms.CharField(label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 3}))
    solved_on = forms.DateField(label=_("Solved on"), required=False, widget=date_input())
    monitor = forms.ModelChoiceField(
        label=_("Monitor that watches for a recurrence"), queryset=Monitor.objects.all(), required=False
    )
