"""Tables of the access reports (CSV export gives the same columns)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ..models import Assignment, SodViolation


class SensitiveHoldersTable(tables.Table):
    account = tables.Column(verbose_name=_("Account"))
    name = tables.Column(verbose_name=_("Name"))
    org_unit = tables.Column(verbose_name=_("Unit"))
    system = tables.Column(verbose_name=_("System"))
    right = tables.Column(verbose_name=_("Right"))
    right_name = tables.Column(verbose_name=_("Right name"))
    sensitivity = tables.Column(verbose_name=_("Sensitivity"))
    profile = tables.Column(verbose_name=_("Assigned profile"))
    path = tables.Column(verbose_name=_("Through"))
    valid_to = tables.DateColumn(format="d.m.Y", verbose_name=_("Valid to"))

    class Meta:
        row_attrs = {"data-row": lambda record: f"{record['account']}:{record['right']}"}


class UnusedProfilesTable(tables.Table):
    system = tables.Column(verbose_name=_("System"))
    code = tables.Column(verbose_name=_("Code"))
    name = tables.Column(verbose_name=_("Name"))
    owner = tables.Column(verbose_name=_("Owner"))
    included_in = tables.Column(verbose_name=_("Included in"))
    past_assignments = tables.Column(verbose_name=_("Ended assignments"))

    class Meta:
        row_attrs = {"data-profile": lambda record: record["code"]}


class ExpiringTable(tables.Table):
    account = tables.Column(accessor="account__username", verbose_name=_("Account"))
    name = tables.TemplateColumn(
        "{{ record.account.first_name }} {{ record.account.last_name }}",
        verbose_name=_("Name"),
        order_by=("account__last_name", "account__first_name"),
    )
    unit = tables.Column(accessor="account__org_unit__name", verbose_name=_("Unit"))
    manager = tables.Column(accessor="account__manager__username", verbose_name=_("Manager"))
    profile = tables.Column(accessor="profile", verbose_name=_("Profile"), order_by="profile__code")
    valid_from = tables.DateColumn(format="d.m.Y")
    valid_to = tables.DateColumn(format="d.m.Y")

    class Meta:
        model = Assignment
        fields = ("account", "name", "unit", "manager", "profile", "valid_from", "valid_to", "justification")
        row_attrs = {"data-assignment": lambda record: record.pk}


class ViolationsTable(tables.Table):
    policy = tables.Column(accessor="policy__name", verbose_name=_("Policy"))
    account = tables.Column(accessor="account__username", verbose_name=_("Account"))
    name = tables.TemplateColumn(
        "{{ record.account.first_name }} {{ record.account.last_name }}",
        verbose_name=_("Name"),
        order_by=("account__last_name", "account__first_name"),
    )
    unit = tables.Column(accessor="account__org_unit__name", verbose_name=_("Unit"))
    side_a = tables.TemplateColumn(
        "{{ record.details.side_a|join:', ' }}", verbose_name=_("Side A"), orderable=False
    )
    side_b = tables.TemplateColumn(
        "{{ record.details.side_b|join:', ' }}", verbose_name=_("Side B"), orderable=False
    )
    detected_at = tables.DateTimeColumn(format="d.m.Y H:i")

    class Meta:
        model = SodViolation
        fields = ("policy", "account", "name", "unit", "side_a", "side_b", "detected_at")
        row_attrs = {"data-violation": lambda record: record.pk}


class CampaignResultsTable(tables.Table):
    campaign = tables.TemplateColumn(
        "<a href=\"{% url 'access:campaign_detail' record.campaign_id %}\">{{ record.campaign }}</a>",
        verbose_name=_("Campaign"),
    )
    status = tables.Column(verbose_name=_("Status"))
    deadline = tables.DateColumn(format="d.m.Y", verbose_name=_("Deadline"))
    reviewer = tables.Column(verbose_name=_("Reviewer"))
    reviewer_name = tables.Column(verbose_name=_("Name"))
    items = tables.Column(verbose_name=_("Items"))
    confirmed = tables.Column(verbose_name=_("Confirmed"))
    revoked = tables.Column(verbose_name=_("Revoked"))
    not_reviewed = tables.Column(verbose_name=_("Not reviewed"))

    class Meta:
        row_attrs = {"data-row": lambda record: f"{record['campaign_id']}:{record['reviewer']}"}
