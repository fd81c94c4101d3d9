"""Profiles in the browser: create a draft profile with a right, activate it, propose a change as a
colleague, approve it as the profile owner, then compare version 1 with version 2."""

from __future__ import annotations

from typing import Any

import pytest

from tests.access.factories import RightFactory, SystemFactory
from tugi.access.models import Profile, ProfileStatus, VersionStatus
from tugi.core.models import AuditEvent
from tugi.core.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


def _create_draft(page: Any, nav: Any, system: Any, owner: Any, right: Any) -> Profile:
    nav("/access/profiles/")
    page.click("#profile-add")
    page.wait_for_url("**/access/profiles/new/")
    page.select_option("#id_system", str(system.pk))
    page.fill("#id_code", "PENS_CLERK")
    page.fill("#id_name", "Pensionide spetsialist")
    page.select_option("#id_owner", str(owner.pk))
    page.fill("#id_purpose", "Pension specialists' daily work")
    page.fill("#id_positions", "pensionispetsialist, peaspetsialist")
    page.click("#form-submit")
    page.wait_for_url("**/access/profiles/*/content/")
    profile = Profile.objects.get(code="PENS_CLERK")
    page.select_option("#id_rights", [str(right.pk)])
    page.click("#form-submit")
    page.wait_for_url(f"**/access/profiles/{profile.pk}/")
    assert page.locator("#profile-status").get_attribute("data-status") == "draft"
    assert page.locator(f"#profile-content tr[data-right='{right.code}']").count() == 1
    return profile


def _activate_and_propose(page: Any, profile: Profile, right: Any, added: Any) -> None:
    page.fill("#status-reason", "ready for use")
    with page.expect_navigation():
        page.click("#profile-activate")
    assert page.locator("#profile-status").get_attribute("data-status") == "active"
    page.click("#profile-propose")
    page.wait_for_url(f"**/access/profiles/{profile.pk}/propose/")
    page.select_option("#id_rights", [str(right.pk), str(added.pk)])
    page.fill("#id_note", "Specialists also need to see payments")
    page.click("#form-submit")
    page.wait_for_url(f"**/access/profiles/{profile.pk}/")
    proposal = page.locator("#proposal")
    assert proposal.get_attribute("data-number") == "2"
    assert proposal.locator(f"#proposal-only-b [data-right='{added.code}']").count() == 1
    assert page.locator("#proposal-refusal").is_visible()  # the proposer cannot decide it
    assert page.locator("#proposal-approve").count() == 0


def _owner_approves(page: Any, login: Any, profile: Profile) -> None:
    page.click("#user-menu")
    page.click("#logout")
    login("owner")
    page.goto("/")
    widget = page.locator("[data-widget='profile-proposals']")
    widget.locator("a").first.click()
    page.wait_for_url(f"**/access/profiles/{profile.pk}/**")
    page.fill("#decision-reason", "agreed with the department")
    with page.expect_navigation():
        page.click("#proposal-approve")
    assert page.locator("#proposal").count() == 0
    assert page.locator("#profile-versions tr[data-number='2']").get_attribute("data-status") == "approved"
    assert page.locator("#profile-versions tr[data-number='1']").get_attribute("data-status") == "approved"


def _compare_versions(page: Any, nav: Any, profile: Profile, right: Any, added: Any) -> None:
    nav("/access/profiles/compare/")
    page.select_option("#id_a", f"{profile.pk}:v1")
    page.select_option("#id_b", f"{profile.pk}:v2")
    page.click("#compare-submit")
    page.wait_for_url("**/access/profiles/compare/?*")
    assert (
        page.locator(f"#compare-only-b [data-right='{added.code}']").get_attribute("data-path")
        == "PENS_CLERK"
    )
    assert page.locator(f"#compare-both [data-right='{right.code}']").count() == 1
    assert page.locator("#compare-only-a [data-right]").count() == 0


def test_profile_draft_activate_propose_approve_and_compare(
    page: Any, login: Any, nav: Any, domain_support: Any, make_user: Any
) -> None:
    owner = make_user(Role.DOMAIN_SUPPORT, username="owner", first_name="Olev", last_name="Omanik")
    system = SystemFactory()
    right = RightFactory(system=system, code="PENS_VIEW", name_et="Pensionide vaatamine")
    added = RightFactory(system=system, code="PAY_VIEW", name_et="Maksete vaatamine")

    login("ds")
    profile = _create_draft(page, nav, system, owner, right)
    _activate_and_propose(page, profile, right, added)
    _owner_approves(page, login, profile)
    _compare_versions(page, nav, profile, right, added)

    profile.refresh_from_db()
    assert profile.status == ProfileStatus.ACTIVE
    v1, v2 = profile.versions.get(number=1), profile.versions.get(number=2)
    assert v2.status == VersionStatus.APPROVED and v2.decided_by == owner
    assert v1.in_force_to == v2.in_force_from
    events = list(AuditEvent.objects.filter(event_type__startswith="access.profile").order_by("pk"))
    assert [(e.event_type, e.actor_label) for e in events] == [
        ("access.profile_created", "ds"),
        ("access.profile_content_edited", "ds"),
        ("access.profile_status_changed", "ds"),
        ("access.profile_change_proposed", "ds"),
        ("access.profile_change_approved", "owner"),
    ]
