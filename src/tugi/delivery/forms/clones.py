"""Forms of the clone schedule."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tugi.core.forms import ReasonMixin, date_input

from ..models import Environment, EnvironmentKind, System
from .environments import UserChoiceField, people


def _time_input() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ClonePlanForm(ReasonMixin):
    date = forms.DateField(label=_("Date"), widget=date_input())
    window_start = forms.TimeField(label=_("Window starts"), widget=_time_input())
    window_end = forms.TimeField(label=_("Window ends"), widget=_time_input())
    systems = forms.MultipleChoiceField(
        label=_("Systems"), choices=System.choices, widget=forms.CheckboxSelectMultiple
    )
    targets = forms.ModelMultipleChoiceField(
        label=_("Pre-production environments cloned"),
        queryset=Environment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    affected_partners: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("Affected partners (their contacts get the notices)"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    affected_parties = forms.CharField(
        label=_("Other affected parties"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    notice_emails = forms.CharField(
        label=_("Extra notice e-mails (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    notice_days = forms.IntegerField(label=_("Notice days ahead"), min_value=0, max_value=60, initial=5)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        from tugi.work import selectors as work

        self.fields["targets"].queryset = Environment.objects.filter(kind=EnvironmentKind.UAT).order_by(  # type: ignore[attr-defined]
            "system", "name"
        )
        self.fields["affected_partners"].queryset = work.partners(user=user).order_by("name")  # type: ignore[attr-defined]


class CloneCancelForm(ReasonMixin):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = True
        self.fields["reason"].label = _("Why is the clone cancelled?")


class CloneCompleteForm(ReasonMixin):
    owner = UserChoiceField(
        label=_("Owner of the follow-up tasks"),
        queryset=None,
        required=False,
        help_text=_("Empty: the owner of the environment."),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people()  # type: ignore[attr-defined]


class CloneTaskForm(ReasonMixin):
    title = forms.CharField(label=_("Title"), max_length=200)
    owner = UserChoiceField(label=_("Owner"), queryset=None, required=False)
    due_date = forms.DateField(label=_("Due date"), widget=date_input())
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people()  # type: ignore[attr-defined]
