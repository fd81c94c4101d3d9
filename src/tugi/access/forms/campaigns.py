"""Forms of recertification campaigns."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tugi.core.forms import ReasonMixin, TugiForm, date_input

from ..models import ManagedSystem, OrgUnit, ReviewDecision, ReviewerKind


class CampaignForm(ReasonMixin):
    name = forms.CharField(label=_("Name"), max_length=200)
    system = forms.ModelChoiceField(
        label=_("System"),
        queryset=ManagedSystem.objects.all(),
        required=False,
        empty_label=_("all systems"),
    )
    org_unit = forms.ModelChoiceField(
        label=_("Organisation unit"),
        queryset=OrgUnit.objects.all(),
        required=False,
        empty_label=_("all units"),
    )
    sensitive_only = forms.BooleanField(label=_("Only profiles with sensitive rights"), required=False)
    reviewer_kind = forms.ChoiceField(label=_("Reviewers"), choices=ReviewerKind.choices)
    deadline = forms.DateField(label=_("Deadline"), widget=date_input())


class DecisionForm(TugiForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(ReviewDecision.CONFIRMED, _("confirm")), (ReviewDecision.REVOKED, _("revoke"))],
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)
