"""Forms of the proposals topic."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tugi.core.forms import ReasonMixin, TugiForm

from ..models import Area, Guide, TargetSystem
from .requests import active_users


class _UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


class ProposalForm(ReasonMixin):
    title = forms.CharField(label=_("Title"), max_length=200)
    problem = forms.CharField(label=_("Problem"), widget=forms.Textarea(attrs={"rows": 4}))
    proposal = forms.CharField(label=_("Proposal"), widget=forms.Textarea(attrs={"rows": 4}))
    expected_benefit = forms.CharField(label=_("Expected benefit"), widget=forms.Textarea(attrs={"rows": 3}))
    decider = _UserChoice(
        label=_("Decides"),
        queryset=active_users(),
        help_text=_("Who decides on the proposal (usually the manager)."),
    )


class DecisionForm(TugiForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accepted", _("accept")), ("rejected", _("reject")), ("postponed", _("postpone"))],
    )
    reason = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}))


class ToRequestForm(TugiForm):
    system = forms.ChoiceField(label=_("System"), choices=TargetSystem.choices)


class GuideLinkForm(TugiForm):
    guide = forms.ModelChoiceField(label=_("Guide"), queryset=Guide.objects.order_by("title"))
    note = forms.CharField(label=_("What to change"), widget=forms.Textarea(attrs={"rows": 3}))


class GuideDraftForm(TugiForm):
    slug = forms.SlugField(label=_("URL name of the new guide"), max_length=100)
    area = forms.ChoiceField(label=_("Area"), choices=Area.choices)
