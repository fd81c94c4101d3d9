"""The access services every topic builds on: joiner, mover, leaver, assign, end, SoD violations."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.access.factories import (
    AccountFactory,
    AssignmentFactory,
    OrgUnitFactory,
    ProfileFactory,
    RightFactory,
    SodPolicyFactory,
)
from tests.helpers import exactly_one_audit_event, no_audit_event
from tugi.access.explain import explain
from tugi.access.models import AssignmentStatus, EmploymentStatus, SodViolation
from tugi.access.services import assignments, people, sod

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def test_a_leavers_assignments_all_end_on_the_leaving_date(domain_support: Any) -> None:
    right = RightFactory()
    account = AccountFactory()
    a1 = AssignmentFactory(account=account, profile=ProfileFactory(content__rights=[right]))
    a2 = AssignmentFactory(account=account, valid_to=TODAY + dt.timedelta(days=90))
    left_on = TODAY + dt.timedelta(days=3)
    people.account_leave(account=account, left_on=left_on, actor=domain_support, reason="HR")
    account.refresh_from_db()
    assert account.status == EmploymentStatus.LEAVER and account.left_on == left_on
    for a in (a1, a2):
        a.refresh_from_db()
        assert a.valid_to == left_on and a.status == AssignmentStatus.ENDED
    assert explain(account, right, left_on)["granted"] is True
    assert explain(account, right, left_on + dt.timedelta(days=1))["granted"] is False


def test_a_mover_has_assignments_flagged_for_review(domain_support: Any) -> None:
    assignment = AssignmentFactory()
    with exactly_one_audit_event("access.account_moved") as events:
        people.account_update(account=assignment.account, org_unit=OrgUnitFactory(), actor=domain_support)
    assert events[0].after["assignments_flagged"] == [assignment.pk]
    assignment.refresh_from_db()
    assert assignment.needs_review is True


def test_assignment_needs_an_active_profile_and_a_justification(domain_support: Any) -> None:
    account, draft = AccountFactory(), ProfileFactory(status="draft")
    with no_audit_event(), pytest.raises(ValidationError) as err:
        assignments.assignment_create(
            account=account,
            profile=draft,
            valid_from=TODAY,
            valid_to=None,
            justification="x",
            requested_by=domain_support,
            approved_by=domain_support,
            actor=domain_support,
        )
    assert "profile" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        assignments.assignment_create(
            account=account,
            profile=ProfileFactory(),
            valid_from=TODAY,
            valid_to=None,
            justification=" ",
            requested_by=domain_support,
            approved_by=domain_support,
            actor=domain_support,
        )
    assert "justification" in err.value.message_dict


def test_auditor_cannot_assign(auditor: Any) -> None:
    with no_audit_event(), pytest.raises(PermissionDenied):
        assignments.assignment_create(
            account=AccountFactory(),
            profile=ProfileFactory(),
            valid_from=TODAY,
            valid_to=None,
            justification="x",
            requested_by=auditor,
            approved_by=auditor,
            actor=auditor,
        )


def test_violations_are_opened_once_and_resolved_when_gone(domain_support: Any) -> None:
    create, approve = RightFactory(), RightFactory()
    policy = SodPolicyFactory(sides__rights_a=[create], sides__rights_b=[approve])
    account = AccountFactory()
    AssignmentFactory(account=account, profile=ProfileFactory(content__rights=[create]))
    second = AssignmentFactory(account=account, profile=ProfileFactory(content__rights=[approve]))
    [violation] = sod.violations_record(account_ids=[account.pk], actor=domain_support)
    assert violation.policy == policy
    sod.violations_record(account_ids=[account.pk], actor=domain_support)
    assert SodViolation.objects.count() == 1
    assignments.assignment_end(assignment=second, on=TODAY - dt.timedelta(days=1), actor=domain_support)
    assert sod.violations_record(account_ids=[account.pk], actor=domain_support) == []
    violation.refresh_from_db()
    assert violation.resolved_at is not None


def test_a_leavers_assignment_that_was_to_start_later_is_cancelled_and_never_grants(
    domain_support: Any,
) -> None:
    right = RightFactory()
    account = AccountFactory()
    future = AssignmentFactory(
        account=account,
        profile=ProfileFactory(content__rights=[right]),
        valid_from=TODAY + dt.timedelta(days=10),
    )
    people.account_leave(account=account, left_on=TODAY + dt.timedelta(days=2), actor=domain_support)
    future.refresh_from_db()
    assert future.status == AssignmentStatus.CANCELLED
    assert explain(account, right, TODAY + dt.timedelta(days=10))["granted"] is False
