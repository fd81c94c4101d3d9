"""Explain in the browser: open it from the menu, ask about an account's right, see it granted with its
path through nested profiles; ask about one it lacks and see the profile to request."""

from __future__ import annotations

from typing import Any

import pytest

from tests.access.test_explain_pages import build_world
from tugi.core.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


def test_explain_a_granted_right_and_a_missing_one(page: Any, login: Any, nav: Any, make_user: Any) -> None:
    world = build_world()
    make_user(Role.DOMAIN_SUPPORT, username="tugi")
    login("tugi")
    nav("/access/explain/")
    page.fill("#id_account", "mari.tamm")
    page.select_option("#id_system", "SKAIS")
    page.fill("#id_right", "PENS_VIEW")
    page.click("#explain-submit")
    page.wait_for_selector("#explain-result")

    assert page.locator("#explain-result").get_attribute("data-granted") == "true"
    assert page.locator("#explain-granted").is_visible()
    steps = page.locator("#explain-path-1 li")
    assert steps.count() == 5
    assert steps.nth(0).get_attribute("data-kind") == "assignment"
    assert [steps.nth(i).get_attribute("data-code") for i in range(1, 5)] == [
        "TOP",
        "MIDDLE",
        "BASE",
        "PENS_VIEW",
    ]
    assert "Pensionispetsialist" in steps.nth(1).inner_text()

    page.fill("#id_right", "PAY_APPROVE")
    page.click("#explain-submit")
    page.wait_for_selector("#explain-not-granted")
    offer = page.locator("#explain-would-grant tr[data-profile='PAY_APPROVER']")
    assert offer.get_attribute("data-sod-conflict") == "true"
    link = page.locator(f"#request-{world.approver.pk}")
    assert (
        link.get_attribute("href") == f"/access/requests/new/?account=mari.tamm&profile={world.approver.pk}"
    )

    page.click("#explain-all-rights")
    page.wait_for_selector("#rights-result")
    assert page.locator("#rights-SKAIS tr[data-right='PENS_VIEW']").is_visible()
