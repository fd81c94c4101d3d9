"""Profiles: lifecycle, content rules (systems, vanished rights, cycles, depth), proposed changes
approved by the owner, versions kept, retirement, SoD check on a change, compare."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from tests.access.factories import (
    AccountFactory,
    AssignmentFactory,
    ProfileFactory,
    RightFactory,
    SodPolicyFactory,
    SystemFactory,
)
from tests.factories import UserFactory
from tests.helpers import exactly_one_audit_event, no_audit_event
from tugi.access import explain, selectors_profiles
from tugi.access.models import Profile, ProfileStatus, ProfileVersion, SodViolation, VersionStatus
from tugi.access.services import profiles

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


def _create(actor: Any, code: str = "PENS_BASIC", **kwargs: Any) -> Profile:
    values: dict[str, Any] = {
        "system": SystemFactory(),
        "code": code,
        "name": "Pensionide põhiõigused",
        "owner": actor,
        "purpose": "Pension specialists' daily work",
        "positions": "pensionispetsialist, peaspetsialist",
    }
    values.update(kwargs)
    return profiles.profile_create(actor=actor, **values)


def _active(actor: Any, rights: list[Any], includes: list[Any] = (), **kwargs: Any) -> Profile:  # type: ignore[assignment]
    profile = _create(actor, **kwargs)
    profiles.profile_draft_content_set(profile=profile, rights=rights, includes=list(includes), actor=actor)
    return profiles.profile_activate(profile=profile, actor=actor)


def _refusal(call: Any, field: str | None = None) -> str:
    with no_audit_event(), pytest.raises(ValidationError) as err:
        call()
    if field is not None:
        assert field in err.value.message_dict, err.value
        return " ".join(err.value.message_dict[field])
    return " ".join(err.value.messages)


# --- create, edit, draft content, activate -------------------------------------------------------


def test_create_makes_a_draft_with_an_empty_draft_version_1(domain_support: Any) -> None:
    with exactly_one_audit_event("access.profile_created") as events:
        profile = _create(domain_support, positions=["pensionispetsialist ", " peaspetsialist"])
    assert profile.status == ProfileStatus.DRAFT
    assert profile.positions == "pensionispetsialist, peaspetsialist"
    [version] = profile.versions.all()
    assert (version.number, version.status, version.rights.count()) == (1, VersionStatus.DRAFT, 0)
    assert version.in_force_from is None
    assert events[0].after["code"] == "PENS_BASIC" and events[0].after["status"] == "draft"


def test_create_refuses_a_bad_or_taken_code(domain_support: Any) -> None:
    _create(domain_support)
    assert "already" in _refusal(lambda: _create(domain_support, code="pens_basic"), "code")
    _refusal(lambda: _create(domain_support, code="has space"), "code")
    _refusal(lambda: _create(domain_support, code=""), "code")
    assert Profile.objects.count() == 1


def test_update_changes_details_with_before_and_after(domain_support: Any) -> None:
    profile = _create(domain_support)
    new_owner = UserFactory(username="owner2")
    with exactly_one_audit_event("access.profile_updated") as events:
        profiles.profile_update(profile=profile, name="Uus nimi", owner=new_owner, actor=domain_support)
    assert events[0].before["name"] == "Pensionide põhiõigused" and events[0].after["name"] == "Uus nimi"
    assert events[0].before["owner"] == domain_support.pk and events[0].after["owner"] == new_owner.pk
    _refusal(lambda: profiles.profile_update(profile=profile, name="", actor=domain_support), "name")


def test_draft_content_is_set_with_one_event_and_only_while_draft(domain_support: Any) -> None:
    view, pay = RightFactory(code="PENS_VIEW"), RightFactory(code="PAY_VIEW")
    profile = _create(domain_support)
    with exactly_one_audit_event("access.profile_content_edited") as events:
        profiles.profile_draft_content_set(profile=profile, rights=[view, pay], actor=domain_support)
    assert events[0].before["rights"] == [] and events[0].after["rights"] == ["PAY_VIEW", "PENS_VIEW"]
    with no_audit_event():
        profiles.profile_draft_content_set(profile=profile, rights=[pay, view], actor=domain_support)
    profiles.profile_activate(profile=profile, actor=domain_support)
    assert "draft" in _refusal(
        lambda: profiles.profile_draft_content_set(profile=profile, rights=[view], actor=domain_support)
    )


def test_activate_puts_version_1_in_force_from_now(domain_support: Any) -> None:
    right = RightFactory()
    profile = _create(domain_support)
    assert "rights" in _refusal(
        lambda: profiles.profile_activate(profile=profile, actor=domain_support), "rights"
    )
    profiles.profile_draft_content_set(profile=profile, rights=[right], actor=domain_support)
    before = timezone.now()
    with exactly_one_audit_event("access.profile_status_changed") as events:
        profiles.profile_activate(profile=profile, actor=domain_support, reason="ready")
    profile.refresh_from_db()
    version = profile.versions.get()
    assert profile.status == ProfileStatus.ACTIVE
    assert version.status == VersionStatus.APPROVED and version.in_force_from >= before
    assert version.decided_by == domain_support
    assert events[0].before["status"] == "draft" and events[0].after["status"] == "active"
    assert explain.profile_rights(profile) == {right.pk: [profile.pk]}
    _refusal(lambda: profiles.profile_activate(profile=profile, actor=domain_support))


# --- content rules --------------------------------------------------------------------------------


def test_content_of_another_system_is_refused_naming_the_field(domain_support: Any) -> None:
    star = SystemFactory(code="STAR")
    profile = _create(domain_support)
    foreign_right = RightFactory(system=star, code="CASE_VIEW")
    foreign_profile = ProfileFactory(system=star, code="STAR_BASIC")
    message = _refusal(
        lambda: profiles.profile_draft_content_set(
            profile=profile, rights=[foreign_right], actor=domain_support
        ),
        "rights",
    )
    assert "STAR:CASE_VIEW" in message
    message = _refusal(
        lambda: profiles.profile_draft_content_set(
            profile=profile, rights=[], includes=[foreign_profile], actor=domain_support
        ),
        "includes",
    )
    assert "STAR:STAR_BASIC" in message


def test_vanished_rights_and_ended_profiles_are_refused(domain_support: Any) -> None:
    profile = _create(domain_support)
    gone = RightFactory(code="OLD_RIGHT", status="vanished", vanished_on=TODAY)
    assert "OLD_RIGHT" in _refusal(
        lambda: profiles.profile_draft_content_set(profile=profile, rights=[gone], actor=domain_support),
        "rights",
    )
    deprecated = ProfileFactory(code="OLD_PROFILE", status=ProfileStatus.DEPRECATED)
    assert "OLD_PROFILE" in _refusal(
        lambda: profiles.profile_draft_content_set(
            profile=profile, rights=[], includes=[deprecated], actor=domain_support
        ),
        "includes",
    )


def test_a_profile_cannot_include_itself(domain_support: Any) -> None:
    profile = _create(domain_support)
    assert "itself" in _refusal(
        lambda: profiles.profile_draft_content_set(
            profile=profile, rights=[], includes=[profile], actor=domain_support
        ),
        "includes",
    )


def test_a_cycle_is_refused_with_its_path(domain_support: Any) -> None:
    right = RightFactory()
    c = ProfileFactory(code="C", content__rights=[right])
    b = ProfileFactory(code="B", content__includes=[c])
    a = ProfileFactory(code="A", content__includes=[b], owner=domain_support)
    message = _refusal(
        lambda: profiles.profile_change_propose(
            profile=c, rights=[right], includes=[a], note="loop", actor=domain_support
        ),
        "includes",
    )
    assert "C → A → B → C" in message
    assert "B → A → B" in _refusal(
        lambda: profiles.profile_change_propose(
            profile=b, rights=[], includes=[c, a], note="x", actor=domain_support
        ),
        "includes",
    )
    assert not ProfileVersion.objects.filter(status=VersionStatus.PROPOSED).exists()


def test_a_cycle_through_draft_profiles_is_refused(domain_support: Any) -> None:
    x = _create(domain_support, code="X")
    y = _create(domain_support, code="Y", system=x.system)
    profiles.profile_draft_content_set(profile=x, rights=[], includes=[y], actor=domain_support)
    assert "Y → X → Y" in _refusal(
        lambda: profiles.profile_draft_content_set(profile=y, rights=[], includes=[x], actor=domain_support),
        "includes",
    )


def test_nesting_deeper_than_the_explain_engine_follows_is_refused(domain_support: Any) -> None:
    right = RightFactory()
    chain = [ProfileFactory(code="L20", content__rights=[right])]
    for level in range(19, -1, -1):  # L0 includes L1 … includes L20: 20 levels of inclusion
        chain.insert(0, ProfileFactory(code=f"L{level}", content__includes=[chain[0]]))
    assert explain.MAX_DEPTH == 20
    top = _create(domain_support, code="TOP")
    message = _refusal(
        lambda: profiles.profile_draft_content_set(
            profile=top, rights=[], includes=[chain[0]], actor=domain_support
        ),
        "includes",
    )
    assert "21" in message and "20" in message
    profiles.profile_draft_content_set(profile=top, rights=[], includes=[chain[1]], actor=domain_support)
    # below the deepest profile: L20 including anything would make the chain too deep as well
    extra = ProfileFactory(code="EXTRA", content__rights=[right])
    _refusal(
        lambda: profiles.profile_change_propose(
            profile=chain[-1], rights=[right], includes=[extra], note="deeper", actor=domain_support
        ),
        "includes",
    )


# --- proposed changes -----------------------------------------------------------------------------


def test_a_change_is_proposed_as_a_new_version_one_at_a_time(domain_support: Any, make_user: Any) -> None:
    old, new = RightFactory(code="OLD"), RightFactory(code="NEW")
    profile = _active(domain_support, [old])
    with exactly_one_audit_event("access.profile_change_proposed") as events:
        version = profiles.profile_change_propose(
            profile=profile, rights=[old, new], includes=[], note="adds NEW", actor=domain_support
        )
    assert (version.number, version.status, version.note) == (2, VersionStatus.PROPOSED, "adds NEW")
    assert events[0].before["rights"] == ["OLD"] and events[0].after["rights"] == ["NEW", "OLD"]
    assert explain.profile_rights(profile) == {old.pk: [profile.pk]}  # not in force yet
    assert "already proposed" in _refusal(
        lambda: profiles.profile_change_propose(profile=profile, rights=[new], note="x", actor=domain_support)
    )


def test_a_proposal_needs_a_note_and_a_difference_and_an_active_profile(domain_support: Any) -> None:
    right = RightFactory()
    profile = _active(domain_support, [right])
    _refusal(
        lambda: profiles.profile_change_propose(profile=profile, rights=[], note=" ", actor=domain_support),
        "note",
    )
    assert "same" in _refusal(
        lambda: profiles.profile_change_propose(
            profile=profile, rights=[right], note="x", actor=domain_support
        )
    )
    draft = _create(domain_support, code="DRAFT")
    _refusal(
        lambda: profiles.profile_change_propose(profile=draft, rights=[right], note="x", actor=domain_support)
    )


def test_the_owner_approves_and_the_new_version_is_in_force_from_now(
    domain_support: Any, make_user: Any
) -> None:
    from tugi.core.roles import Role

    owner = make_user(Role.DOMAIN_SUPPORT, username="owner")
    old, new = RightFactory(code="OLD"), RightFactory(code="NEW")
    profile = _active(owner, [old])
    version = profiles.profile_change_propose(
        profile=profile, rights=[new], note="swap", actor=domain_support
    )
    account = AssignmentFactory(profile=profile).account
    with exactly_one_audit_event("access.profile_change_approved") as events:
        profiles.profile_change_approve(version=version, actor=owner, reason="agreed")
    version.refresh_from_db()
    first = profile.versions.get(number=1)
    assert version.status == VersionStatus.APPROVED and version.decided_by == owner
    assert first.in_force_to == version.in_force_from is not None
    assert events[0].before["status"] == "proposed" and events[0].before["in_force"]["rights"] == ["OLD"]
    assert events[0].after["in_force"]["rights"] == ["NEW"] and events[0].after["replaced"]["number"] == 1
    assert explain.explain(account, new)["granted"] is True
    assert explain.explain(account, old)["granted"] is False
    assert [v.number for v in profile.versions.all()] == [2, 1]  # every version is kept


def test_only_the_owner_approves_never_the_proposer(
    domain_support: Any, make_user: Any, admin_user: Any
) -> None:
    from tugi.core.roles import Role

    owner = make_user(Role.DOMAIN_SUPPORT, username="owner")
    colleague = make_user(Role.DOMAIN_SUPPORT, username="colleague")
    right, other = RightFactory(), RightFactory()
    profile = _active(owner, [right])
    version = profiles.profile_change_propose(
        profile=profile, rights=[right, other], note="x", actor=colleague
    )
    for user in (colleague, domain_support, admin_user):
        with no_audit_event(), pytest.raises(PermissionDenied):
            profiles.profile_change_approve(version=version, actor=user)
        with no_audit_event(), pytest.raises(PermissionDenied):
            profiles.profile_change_reject(version=version, actor=user)
    version.refresh_from_db()
    assert version.status == VersionStatus.PROPOSED
    assert list(selectors_profiles.proposals_waiting_for(user=owner)) == [version]
    assert not selectors_profiles.proposals_waiting_for(user=admin_user).exists()
    assert not selectors_profiles.proposals_waiting_for(user=colleague).exists()


def test_when_the_owner_proposed_an_administrator_approves(
    make_user: Any, admin_user: Any, domain_support: Any
) -> None:
    from tugi.core.roles import Role

    owner = make_user(Role.DOMAIN_SUPPORT, username="owner")
    right, other = RightFactory(), RightFactory()
    profile = _active(owner, [right])
    version = profiles.profile_change_propose(profile=profile, rights=[other], note="mine", actor=owner)
    for user in (owner, domain_support):
        with no_audit_event(), pytest.raises(PermissionDenied):
            profiles.profile_change_approve(version=version, actor=user)
    assert not selectors_profiles.proposals_waiting_for(user=owner).exists()
    assert list(selectors_profiles.proposals_waiting_for(user=admin_user)) == [version]
    with exactly_one_audit_event("access.profile_change_approved"):
        profiles.profile_change_approve(version=version, actor=admin_user)


def test_a_rejected_proposal_is_kept_and_a_new_one_may_follow(domain_support: Any, make_user: Any) -> None:
    from tugi.core.roles import Role

    owner = make_user(Role.DOMAIN_SUPPORT, username="owner")
    right, other = RightFactory(), RightFactory()
    profile = _active(owner, [right])
    version = profiles.profile_change_propose(profile=profile, rights=[other], note="x", actor=domain_support)
    with exactly_one_audit_event("access.profile_change_rejected") as events:
        profiles.profile_change_reject(version=version, actor=owner, reason="not needed")
    assert events[0].before == {"status": "proposed"} and events[0].after["status"] == "rejected"
    _refusal(lambda: profiles.profile_change_approve(version=version, actor=owner))
    again = profiles.profile_change_propose(
        profile=profile, rights=[right, other], note="y", actor=domain_support
    )
    assert again.number == 3
    assert [(v.number, v.status) for v in profile.versions.all()] == [
        (3, "proposed"),
        (2, "rejected"),
        (1, "approved"),
    ]


def test_an_approved_change_is_checked_for_segregation_of_duties(domain_support: Any, make_user: Any) -> None:
    from tugi.core.roles import Role

    owner = make_user(Role.DOMAIN_SUPPORT, username="owner")
    create, approve = RightFactory(code="PAY_CREATE"), RightFactory(code="PAY_APPROVE")
    SodPolicyFactory(code="pay-4-eyes", sides__rights_a=[create], sides__rights_b=[approve])
    inner = _active(owner, [create], code="INNER")
    wrapper = ProfileFactory(code="WRAPPER", content__includes=[inner], content__rights=[])
    holder = AssignmentFactory(profile=wrapper).account  # holds INNER only through inclusion
    AccountFactory()  # holds nothing
    version = profiles.profile_change_propose(
        profile=inner, rights=[create, approve], note="x", actor=domain_support
    )
    profiles.profile_change_approve(version=version, actor=owner)
    [violation] = SodViolation.objects.all()
    assert violation.account == holder and violation.policy.code == "pay-4-eyes"


def test_approval_rechecks_the_content(domain_support: Any, make_user: Any) -> None:
    from tugi.core.roles import Role

    owner = make_user(Role.DOMAIN_SUPPORT, username="owner")
    right, later_gone = RightFactory(), RightFactory(code="GOING")
    profile = _active(owner, [right])
    version = profiles.profile_change_propose(
        profile=profile, rights=[right, later_gone], note="x", actor=domain_support
    )
    later_gone.status = "vanished"
    later_gone.save()
    assert "GOING" in _refusal(
        lambda: profiles.profile_change_approve(version=version, actor=owner), "rights"
    )


# --- deprecate and retire -------------------------------------------------------------------------


def test_retire_is_refused_while_assignments_are_valid_today_or_later(domain_support: Any) -> None:
    profile = _active(domain_support, [RightFactory()])
    _refusal(lambda: profiles.profile_retire(profile=profile, actor=domain_support))  # not deprecated yet
    with exactly_one_audit_event("access.profile_status_changed"):
        profiles.profile_deprecate(profile=profile, actor=domain_support)
    AssignmentFactory(profile=profile)
    AssignmentFactory(profile=profile, valid_from=TODAY + dt.timedelta(days=10))
    AssignmentFactory(profile=profile, valid_to=TODAY - dt.timedelta(days=1))  # ended: does not count
    assert "2 assignments" in _refusal(lambda: profiles.profile_retire(profile=profile, actor=domain_support))
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.DEPRECATED
    for assignment in profile.assignments.filter(valid_to__isnull=True):
        assignment.valid_to = TODAY - dt.timedelta(days=1)
        assignment.save()
    with exactly_one_audit_event("access.profile_status_changed") as events:
        profiles.profile_retire(profile=profile, actor=domain_support)
    assert events[0].before == {"status": "deprecated"} and events[0].after == {"status": "retired"}


def test_retire_is_refused_while_a_profile_includes_it(domain_support: Any) -> None:
    inner = _active(domain_support, [RightFactory()], code="INNER")
    ProfileFactory(code="OUTER", system=inner.system, content__includes=[inner])
    profiles.profile_deprecate(profile=inner, actor=domain_support)
    assert "OUTER" in _refusal(lambda: profiles.profile_retire(profile=inner, actor=domain_support))


# --- permissions ----------------------------------------------------------------------------------


def test_auditor_and_test_manager_cannot_change_profiles(
    auditor: Any, test_manager: Any, domain_support: Any
) -> None:
    right = RightFactory()
    profile = _active(domain_support, [right])
    draft = _create(domain_support, code="DRAFT")
    other = RightFactory()
    version = profiles.profile_change_propose(profile=profile, rights=[other], note="x", actor=domain_support)
    calls = [
        lambda u: _create(u, code="NEW"),
        lambda u: profiles.profile_update(profile=profile, name="x", actor=u),
        lambda u: profiles.profile_draft_content_set(profile=draft, rights=[right], actor=u),
        lambda u: profiles.profile_activate(profile=draft, actor=u),
        lambda u: profiles.profile_change_approve(version=version, actor=u),
        lambda u: profiles.profile_change_reject(version=version, actor=u),
        lambda u: profiles.profile_deprecate(profile=profile, actor=u),
    ]
    for user in (auditor, test_manager):
        for call in calls:
            with no_audit_event(), pytest.raises(PermissionDenied):
                call(user)
    with no_audit_event(), pytest.raises(PermissionDenied):
        profiles.profile_change_propose(profile=draft, rights=[right], note="x", actor=test_manager)


# --- compare --------------------------------------------------------------------------------------


def test_compare_two_profiles_with_paths_through_included_profiles() -> None:
    view, pay, report, admin = (RightFactory(code=c) for c in ("VIEW", "PAY", "REPORT", "ADMIN"))
    base = ProfileFactory(code="BASE", content__rights=[view])
    middle = ProfileFactory(code="MIDDLE", content__includes=[base], content__rights=[report])
    a = ProfileFactory(code="A", content__includes=[middle], content__rights=[pay])
    b = ProfileFactory(code="B", content__includes=[base], content__rights=[admin, report])
    result = selectors_profiles.compare(a, b)
    assert [(r.right.code, r.path_a) for r in result.only_a] == [("PAY", ["A"])]
    assert [(r.right.code, r.path_b) for r in result.only_b] == [("ADMIN", ["B"])]
    assert [(r.right.code, r.path_a, r.path_b) for r in result.both] == [
        ("REPORT", ["A", "MIDDLE"], ["B"]),
        ("VIEW", ["A", "MIDDLE", "BASE"], ["B", "BASE"]),
    ]
    assert not result.identical


def test_compare_two_versions_of_one_profile(domain_support: Any, make_user: Any) -> None:
    from tugi.core.roles import Role

    owner = make_user(Role.DOMAIN_SUPPORT, username="owner")
    view, pay = RightFactory(code="VIEW"), RightFactory(code="PAY")
    base = ProfileFactory(code="BASE", content__rights=[view])
    profile = _active(owner, [pay], code="MAIN")
    v2 = profiles.profile_change_propose(
        profile=profile, rights=[], includes=[base], note="x", actor=domain_support
    )
    v1 = profile.versions.get(number=1)
    result = selectors_profiles.compare(v1, v2)
    assert [(r.right.code, r.path_a) for r in result.only_a] == [("PAY", ["MAIN"])]
    assert [(r.right.code, r.path_b) for r in result.only_b] == [("VIEW", ["MAIN", "BASE"])]
    assert result.both == []
    # the profile itself is compared as in force: version 1 until the proposal is approved
    assert selectors_profiles.compare(profile, v1).identical
    profiles.profile_change_approve(version=v2, actor=owner)
    assert selectors_profiles.compare(profile, v2).identical


def test_parse_ref_reads_profiles_and_versions_and_refuses_nonsense(domain_support: Any) -> None:
    from django.http import Http404

    profile = ProfileFactory()
    assert selectors_profiles.parse_ref(user=domain_support, text=str(profile.pk)) == profile
    version = selectors_profiles.parse_ref(user=domain_support, text=f"{profile.pk}:v1")
    assert isinstance(version, ProfileVersion) and version.number == 1
    with pytest.raises(ValidationError):
        selectors_profiles.parse_ref(user=domain_support, text="abc")
    with pytest.raises(Http404):
        selectors_profiles.parse_ref(user=domain_support, text=f"{profile.pk}:v9")
    with pytest.raises(Http404):
        selectors_profiles.parse_ref(user=UserFactory(), text=str(profile.pk))
