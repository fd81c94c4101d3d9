"""Forms of the tasks topic."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tugi.core.forms import ReasonMixin, TugiForm, date_input

from .requests import active_users


class _UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


class TaskForm(ReasonMixin):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    assignee = _UserChoice(label=_("Assignee"), queryset=active_users())
    due_on = forms.DateField(label=_("Due"), widget=date_input())


class TaskDoneForm(TugiForm):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
