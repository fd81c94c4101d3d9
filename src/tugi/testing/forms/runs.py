"""Forms of test plans, runs and executions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from tugi.core.context import SYSTEM_USERNAME
from tugi.core.forms import ReasonMixin, TugiForm, date_input
from tugi.delivery.selectors import deliveries_for_choice, delivery_model, environments_for_choice

from ..models import ExecutionStatus, RunStatus, TestCase, TestPlan


def testers() -> Any:
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(username=SYSTEM_USERNAME)
        .order_by("last_name", "first_name", "username")
    )


class CasesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.key} {obj.title}"


class PlanForm(ReasonMixin):
    name = forms.CharField(label=_("Name"), max_length=200)
    delivery = forms.ModelChoiceField(
        label=_("Delivery"), queryset=delivery_model().objects.none(), required=False
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    cases = CasesField(label=_("Cases"), queryset=TestCase.objects.none(), required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["delivery"].queryset = deliveries_for_choice(user)  # type: ignore[attr-defined]
        self.fields["cases"].queryset = TestCase.objects.filter(active=True).order_by("key")  # type: ignore[attr-defined]
        self.fields["cases"].widget.attrs["size"] = 12


class RunForm(ReasonMixin):
    name = forms.CharField(label=_("Name"), max_length=200)
    plan = forms.ModelChoiceField(
        label=_("Plan"),
        queryset=TestPlan.objects.none(),
        required=False,
        help_text=_("A new run copies the plan's cases."),
    )
    environment = forms.ModelChoiceField(
        label=_("Environment"), queryset=TestPlan.objects.none(), required=False
    )
    environment_name = forms.CharField(
        label=_("Other environment"), max_length=100, required=False, help_text=_("When not in the list.")
    )
    version = forms.CharField(label=_("Version"), max_length=60, required=False)
    planned_start = forms.DateField(label=_("Planned start"), required=False, widget=date_input())
    planned_end = forms.DateField(label=_("Planned end"), required=False, widget=date_input())
    status = forms.ChoiceField(label=_("Status"), choices=RunStatus.choices, initial=RunStatus.PLANNED)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = TestPlan.objects.order_by("-created_at")  # type: ignore[attr-defined]
        self.fields["environment"].queryset = environments_for_choice()  # type: ignore[attr-defined]
        if editing:
            self.fields["plan"].help_text = ""


class RunCasesForm(ReasonMixin):
    cases = CasesField(label=_("Cases"), queryset=TestCase.objects.none())
    assignee = forms.ModelChoiceField(label=_("Tester"), queryset=testers(), required=False)

    def __init__(self, *args: Any, choices: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = choices if choices is not None else TestCase.objects.order_by("key")  # type: ignore[attr-defined]
        self.fields["assignee"].queryset = testers()  # type: ignore[attr-defined]


class AssignForm(TugiForm):
    assignee = forms.ModelChoiceField(label=_("Tester"), queryset=testers(), required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = testers()  # type: ignore[attr-defined]


class ExecutionForm(TugiForm):
    status = forms.ChoiceField(label=_("Result"), choices=ExecutionStatus.choices)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    attachment = forms.FileField(label=_("Attachment"), required=False)
