"""Filters of recertification campaigns and their items."""

from __future__ import annotations

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from tugi.core.filters import TugiFilterSet

from ..models import Campaign, CampaignItem, ReviewDecision


class CampaignFilter(TugiFilterSet):
    name = filters.CharFilter(lookup_expr="icontains", label=_("Name"))

    class Meta:
        model = Campaign
        fields = ["status", "system", "reviewer_kind"]


class CampaignItemFilter(TugiFilterSet):
    decision = filters.ChoiceFilter(choices=ReviewDecision.choices, label=_("Decision"))
    account = filters.CharFilter(
        field_name="assignment__account__username", lookup_expr="icontains", label=_("Account")
    )

    class Meta:
        model = CampaignItem
        fields = ["decision", "reviewer"]
