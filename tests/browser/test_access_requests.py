"""The access request journey in the browser (the issue's main journey): a domain support
specialist requests a profile for an account, the account holder's manager approves, the profile
owner approves; the request shows approved, the account's page shows the assignment, explain shows
the right granted through it, and the profile compares side by side with another."""

from __future__ import annotations

from typing import Any

import pytest

from tests.access.factories import AccountFactory, OrgUnitFactory, ProfileFactory, RightFactory
from tugi.access.models import AccessRequest, RequestStatus
from tugi.core.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


def _logout(page: Any) -> None:
    page.click("#user-menu")
    page.click("#logout")


def test_request_approved_in_two_stages_by_two_other_users(
    page: Any, login: Any, nav: Any, make_user: Any
) -> None:
    requester = make_user(Role.DOMAIN_SUPPORT, username="kadri", first_name="Kadri", last_name="Taotleja")
    manager_user = make_user(Role.TEST_MANAGER, username="peeter", first_name="Peeter", last_name="Juht")
    owner = make_user(Role.DOMAIN_SUPPORT, username="anne", first_name="Anne", last_name="Omanik")
    unit = OrgUnitFactory(code="perehuvitised", name="Perehüvitiste osakond")
    manager = AccountFactory(username="peeter.juht", org_unit=unit, user=manager_user)
    account = AccountFactory(
        username="mari.tamm", first_name="Mari", last_name="Tamm", org_unit=unit, manager=manager
    )
    right = RightFactory(code="FAMILY_BENEFIT_VIEW", name_et="Peretoetuste vaatamine")
    decide = RightFactory(code="FAMILY_BENEFIT_DECIDE", name_et="Peretoetuste otsustamine")
    profile = ProfileFactory(
        code="FAMILY_CLERK", name="Peretoetuste spetsialist", owner=owner, content__rights=[right]
    )
    senior = ProfileFactory(
        code="FAMILY_SENIOR",
        name="Peretoetuste vanemspetsialist",
        owner=owner,
        content__rights=[right, decide],
    )

    # 1. the domain support specialist requests the profile from the account's page
    login(requester.username)
    nav("/access/accounts/")
    page.click(f"a[data-account='{account.username}']")
    page.click("#account-request")
    page.wait_for_url("**/access/requests/new/**")
    page.select_option("#id_profile", str(profile.pk))
    page.click("#form-submit")  # no justification yet
    assert page.locator("[data-field='justification']").is_visible()
    assert not AccessRequest.objects.exists()
    page.fill("#id_justification", "Alustab peretoetuste menetlemist.")
    page.click("#form-submit")
    page.wait_for_url("**/access/requests/*/")
    request = AccessRequest.objects.get()
    assert page.locator("#request-status").get_attribute("data-status") == "pending_manager"
    assert page.locator("#request-sod-ok").is_visible()
    assert page.locator("[data-stage='manager']").get_attribute("data-state") == "waiting"
    assert page.locator("#request-approve").count() == 0  # the requester cannot approve
    _logout(page)

    # 2. the manager sees it on the desk and approves
    login(manager_user.username)
    page.click(f"[data-widget='access-requests-waiting'] [data-request='{request.pk}'] a")
    page.wait_for_url(f"**/access/requests/{request.pk}/")
    page.fill("#id_comment", "Vajalik uues ametis.")
    page.click("#request-approve")
    page.wait_for_url(f"**/access/requests/{request.pk}/")
    assert page.locator("#request-status").get_attribute("data-status") == "pending_owner"
    assert page.locator("[data-stage='manager']").get_attribute("data-state") == "approved"
    assert page.locator("[data-stage='manager'] [data-approver='peeter']").is_visible()
    assert page.locator("#request-approve").count() == 0  # now it is the owner's turn
    _logout(page)

    # 3. the profile owner approves from "my approvals"
    login(owner.username)
    nav("/access/requests/approvals/")
    page.click(f"#requests-waiting #request-link-{request.pk}")
    page.wait_for_url(f"**/access/requests/{request.pk}/")
    page.click("#request-approve")
    page.wait_for_url(f"**/access/requests/{request.pk}/")
    assert page.locator("#request-status").get_attribute("data-status") == "approved"
    assert page.locator("[data-stage='owner'] [data-approver='anne']").is_visible()
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED and request.assignment is not None

    # 4. the account's page shows the assignment valid today
    page.click("#request-account")
    page.wait_for_url(f"**/access/accounts/{account.pk}/")
    row = page.locator(f"#assignments-current [data-assignment='{request.assignment_id}']")
    assert row.get_attribute("data-profile") == "FAMILY_CLERK"

    # 5. explain: the right is granted through the new assignment
    page.goto("/access/explain/")
    page.fill("#id_account", account.username)
    page.select_option("#id_system", "SKAIS")
    page.fill("#id_right", right.code)
    page.click("#explain-submit")
    page.wait_for_selector("#explain-result")
    assert page.locator("#explain-result").get_attribute("data-granted") == "true"
    steps = page.locator("#explain-path-1 li")
    assert [steps.nth(i).get_attribute("data-code") for i in range(1, 3)] == ["FAMILY_CLERK", right.code]

    # 6. compare the profile with the senior one: the deciding right is only in the senior profile
    page.goto("/access/profiles/compare/")
    page.select_option("#id_a", str(profile.pk))
    page.select_option("#id_b", str(senior.pk))
    page.click("#compare-submit")
    page.wait_for_url("**/access/profiles/compare/?*")
    assert page.locator(f"#compare-both [data-right='{right.code}']").count() == 1
    assert page.locator(f"#compare-only-b [data-right='{decide.code}']").count() == 1
    assert page.locator("#compare-only-a [data-right]").count() == 0
