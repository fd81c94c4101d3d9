"""The explain engine: effective rights through nested profiles, at past dates, and SoD checks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.access.factories import (
    AccountFactory,
    AssignmentFactory,
    ProfileFactory,
    RightFactory,
    SodPolicyFactory,
    new_version,
)
from tugi.access.explain import effective_rights, explain, profile_rights
from tugi.access.models import SodException
from tugi.access.sod import blocking, conflicts_if_added, conflicts_of

pytestmark = pytest.mark.django_db


def test_a_right_reached_through_two_levels_of_inclusion_is_explained_with_its_path() -> None:
    view, approve = RightFactory(code="PENS_VIEW"), RightFactory(code="PAY_APPROVE")
    base = ProfileFactory(code="BASE", content__rights=[view])
    middle = ProfileFactory(code="MIDDLE", content__includes=[base])
    top = ProfileFactory(code="TOP", content__includes=[middle], content__rights=[approve])
    assignment = AssignmentFactory(profile=top)
    result = explain(assignment.account, view)
    assert result["granted"] is True
    [path] = result["paths"]
    assert [s.get("code") for s in path[1:]] == ["TOP", "MIDDLE", "BASE", "PENS_VIEW"]
    assert path[0] == {
        "kind": "assignment",
        "id": assignment.pk,
        "valid_from": assignment.valid_from.isoformat(),
        "valid_to": None,
    }
    assert set(effective_rights(assignment.account).rights) == {view.pk, approve.pk}


def test_not_granted_lists_the_profiles_that_would_grant_it() -> None:
    right = RightFactory(code="OVERPAY_DECIDE")
    holder = ProfileFactory(code="OVERPAY", content__rights=[right])
    wrapper = ProfileFactory(code="FINANCE_ALL", content__includes=[holder])
    ProfileFactory(code="DRAFT_ONE", status="draft", content__rights=[right])
    account = AccountFactory()
    result = explain(account, right)
    assert result["granted"] is False and result["paths"] == []
    assert [w["profile"] for w in result["would_grant"]] == ["FINANCE_ALL", "OVERPAY"]
    assert all(w["sod_conflicts"] == [] for w in result["would_grant"])
    assert holder and wrapper


def test_an_expired_assignment_no_longer_grants() -> None:
    right = RightFactory()
    today = dt.date.today()
    assignment = AssignmentFactory(
        profile=ProfileFactory(content__rights=[right]),
        valid_from=today - dt.timedelta(days=60),
        valid_to=today - dt.timedelta(days=1),
    )
    assert explain(assignment.account, right)["granted"] is False
    assert explain(assignment.account, right, today - dt.timedelta(days=2))["granted"] is True


def test_explain_at_a_past_date_uses_the_profile_version_of_that_date() -> None:
    old_right, new_right = RightFactory(code="OLD"), RightFactory(code="NEW")
    profile = ProfileFactory(
        content__rights=[old_right], content__since=timezone.now() - dt.timedelta(days=100)
    )
    new_version(profile, rights=[new_right], at=timezone.now() - dt.timedelta(days=10))
    assignment = AssignmentFactory(profile=profile, valid_from=dt.date.today() - dt.timedelta(days=200))
    past = dt.date.today() - dt.timedelta(days=20)
    assert explain(assignment.account, old_right, past)["granted"] is True
    assert explain(assignment.account, new_right, past)["granted"] is False
    assert explain(assignment.account, old_right)["granted"] is False
    assert explain(assignment.account, new_right)["granted"] is True


def test_profile_rights_of_a_proposed_version_use_its_own_content() -> None:
    a, b = RightFactory(), RightFactory()
    inner = ProfileFactory(content__rights=[b])
    profile = ProfileFactory(content__rights=[a])
    proposed = new_version(profile, rights=[], includes=[inner], at=timezone.now() + dt.timedelta(days=1))
    assert set(profile_rights(profile)) == {a.pk}
    assert profile_rights(profile, version=proposed) == {b.pk: [profile.pk, inner.pk]}


def test_sod_conflict_if_a_profile_is_added_and_an_exception_lifts_the_block(admin_user) -> None:  # type: ignore[no-untyped-def]
    create, approve = RightFactory(code="PAYRUN_CREATE"), RightFactory(code="PAYRUN_APPROVE")
    creator = ProfileFactory(content__rights=[create])
    approver = ProfileFactory(content__rights=[approve])
    policy = SodPolicyFactory(sides__rights_a=[create], sides__rights_b=[approve])
    account = AssignmentFactory(profile=creator).account
    conflicts = conflicts_if_added(account, approver, dt.date.today())
    assert [c["policy"] for c in conflicts] == [policy.code]
    assert conflicts[0]["side_a"] == ["SKAIS:PAYRUN_CREATE"] and conflicts[0]["side_b"] == [
        "SKAIS:PAYRUN_APPROVE"
    ]
    assert blocking(conflicts) == conflicts
    assert conflicts_of(account, dt.date.today()) == []
    SodException.objects.create(
        policy=policy,
        account=account,
        justification="small team",
        valid_from=dt.date.today(),
        valid_to=dt.date.today() + dt.timedelta(days=30),
        approved_by=admin_user,
    )
    assert blocking(conflicts_if_added(account, approver, dt.date.today())) == []


def test_explain_survives_a_cycle_in_stored_content() -> None:
    right = RightFactory()
    a = ProfileFactory(content__rights=[right])
    b = ProfileFactory(content__includes=[a])
    a.versions.get().includes.add(b)  # services refuse cycles; the engine must still terminate
    account = AssignmentFactory(profile=b).account
    assert explain(account, right)["granted"] is True
