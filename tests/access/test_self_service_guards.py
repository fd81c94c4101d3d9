"""Nobody acts on their own access, history is not rewritten, and SoD holds over a whole period."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from tests.access.factories import (
    AccountFactory,
    AssignmentFactory,
    ProfileFactory,
    RightFactory,
    SodPolicyFactory,
)
from tests.helpers import no_audit_event
from tugi.access.models import AssignmentStatus, Campaign, ReviewerKind
from tugi.access.services import assignments, campaigns, people
from tugi.core.roles import Role

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def test_domain_support_cannot_assign_a_profile_to_their_own_account(domain_support: Any) -> None:
    own = AccountFactory(user=domain_support)
    with no_audit_event(), pytest.raises(ValidationError) as err:
        assignments.assignment_give(
            account=own,
            profile=ProfileFactory(),
            valid_from=TODAY,
            valid_to=None,
            justification="mine",
            actor=domain_support,
        )
    assert "account" in err.value.message_dict


def test_a_direct_assignment_cannot_start_in_the_past(domain_support: Any) -> None:
    with no_audit_event(), pytest.raises(ValidationError) as err:
        assignments.assignment_give(
            account=AccountFactory(),
            profile=ProfileFactory(),
            valid_from=TODAY - dt.timedelta(days=1),
            valid_to=None,
            justification="x",
            actor=domain_support,
        )
    assert "valid_from" in err.value.message_dict


def test_sod_is_checked_over_the_whole_period_not_only_its_first_day(domain_support: Any) -> None:
    change_account, approve = RightFactory(), RightFactory()
    SodPolicyFactory(sides__rights_a=[change_account], sides__rights_b=[approve])
    account = AccountFactory()
    AssignmentFactory(
        account=account,
        profile=ProfileFactory(content__rights=[change_account]),
        valid_from=TODAY + dt.timedelta(days=30),
    )
    with no_audit_event(), pytest.raises(ValidationError) as err:
        assignments.assignment_give(
            account=account,
            profile=ProfileFactory(content__rights=[approve]),
            valid_from=TODAY,
            valid_to=None,
            justification="x",
            actor=domain_support,
        )
    assert "profile" in err.value.message_dict
    # a period that ends before the other assignment starts does not conflict
    assignments.assignment_give(
        account=account,
        profile=ProfileFactory(content__rights=[approve]),
        valid_from=TODAY,
        valid_to=TODAY + dt.timedelta(days=29),
        justification="x",
        actor=domain_support,
    )


def test_a_cancelled_assignment_cannot_be_ended_back_to_life(domain_support: Any) -> None:
    account = AccountFactory()
    future = AssignmentFactory(account=account, valid_from=TODAY + dt.timedelta(days=10))
    people.account_leave(account=account, left_on=TODAY + dt.timedelta(days=1), actor=domain_support)
    future.refresh_from_db()
    assert future.status == AssignmentStatus.CANCELLED
    with no_audit_event(), pytest.raises(ValidationError):
        assignments.assignment_end(assignment=future, on=TODAY + dt.timedelta(days=20), actor=domain_support)


def test_the_campaign_creator_never_reviews_their_own_assignments(make_user: Any) -> None:
    creator = make_user(Role.DOMAIN_SUPPORT, username="looja")
    admin = make_user(Role.ADMIN, username="haldur")
    own = AssignmentFactory(account=AccountFactory(user=creator), profile=ProfileFactory(owner=creator))
    campaign = Campaign.objects.create(
        name="Kevad",
        reviewer_kind=ReviewerKind.OWNER,
        deadline=TODAY + dt.timedelta(days=14),
        created_by=creator,
    )
    campaigns.campaign_open(campaign=campaign, actor=creator)
    item = campaign.items.get(assignment=own)
    assert item.reviewer == admin
