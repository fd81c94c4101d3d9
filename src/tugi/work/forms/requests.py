"""Forms of the requests topic: the request template, moving it on, analytic input, sign-off and
the link to a delivery."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from tugi.access import selectors as access_selectors
from tugi.classifiers import selectors as classifier_selectors
from tugi.core.context import SYSTEM_USERNAME
from tugi.core.forms import ReasonMixin, TugiForm, date_input
from tugi.delivery import selectors as delivery_selectors

from ..models import Priority, RequestStatus, Section, TargetSystem


class _AttributeField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        text = f"{obj.entity.system.code} · {obj.entity.name}.{obj.name}"
        return f"{text} ({obj.classifier.code})" if obj.classifier_id else text


class _EntityField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.system.code} · {obj.name}"


class _ClassifierField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} — {obj.name_et}"


class _RightField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.system.code}:{obj.code} — {obj.name_et}"


class _UserField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


def active_users() -> Any:
    return (
        get_user_model().objects.filter(is_active=True).exclude(username=SYSTEM_USERNAME).order_by("username")
    )


def _text(label: Any, rows: int = 4, required: bool = False, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        strip=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class RequestForm(ReasonMixin):
    title = forms.CharField(label=_("Title"), max_length=200)
    background = _text(_("Background and problem"), 5, True)
    goal = _text(_("Goal"), 3, True)
    system = forms.ChoiceField(label=_("System"), choices=TargetSystem.choices)
    modules = forms.CharField(label=_("Modules"), max_length=300, required=False)
    entities = _EntityField(
        label=_("Entities"),
        queryset=classifier_selectors.entities_for_choice(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    attributes = _AttributeField(
        label=_("Attributes (from the data dictionary)"),
        queryset=classifier_selectors.attributes_for_choice(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    classifiers = _ClassifierField(
        label=_("Classifiers"),
        queryset=classifier_selectors.classifiers_for_choice(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("The classifiers of the chosen attributes count as affected too."),
    )
    data_notes = _text(_("Notes on the data"), 3)
    rights = _RightField(
        label=_("Affected rights (from the access catalogue)"),
        queryset=access_selectors.rights_for_choice(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    rights_notes = _text(_("Notes on the rights"), 3)
    business_rules = _text(_("Business rules"), 5)
    acceptance_criteria = _text(_("Acceptance criteria"), 5, help_text=_("Needed before the review."))
    test_scenarios = _text(_("Test scenarios"), 5)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    desired_date = forms.DateField(label=_("Desired date"), required=False, widget=date_input())
    legal_basis = _text(_("Legal basis"), 2)
    reviewers = _UserField(
        label=_("Reviewers"),
        queryset=active_users(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Each reviewer signs off in the review; all sign-offs are needed for submission."),
    )


class RequestMoveForm(ReasonMixin):
    to = forms.ChoiceField(label=_("New state"), choices=RequestStatus.choices)
    estimate_days = forms.DecimalField(
        label=_("Estimate (person-days)"), required=False, max_digits=7, decimal_places=1, min_value=0
    )
    estimate_note = forms.CharField(
        label=_("Estimate note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CommentForm(TugiForm):
    section = forms.ChoiceField(label=_("Section"), choices=Section.choices)
    text = forms.CharField(label=_("Analytic input"), widget=forms.Textarea(attrs={"rows": 3}))


class SignOffForm(TugiForm):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class _DeliveryField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.get_status_display()})"


class DeliveryLinkForm(ReasonMixin):
    delivery = _DeliveryField(label=_("Delivery"), queryset=delivery_selectors.deliveries_for_choice(None))

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["delivery"].queryset = delivery_selectors.deliveries_for_choice(user)  # type: ignore[attr-defined]


class ExportForm(TugiForm):
    format = forms.ChoiceField(choices=[("md", "Markdown"), ("pdf", "PDF"), ("docx", "DOCX")])
