"""A classifier in the browser: open it from the list, create a draft, add an item, publish the draft
and see the version listed as published and in force."""

from __future__ import annotations

from typing import Any

import pytest

from tests.classifiers.factories import ClassifierFactory, published
from tugi.classifiers.models import ClassifierVersion, VersionStatus
from tugi.core.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


def test_draft_add_an_item_and_publish(page: Any, login: Any, nav: Any, make_user: Any) -> None:
    owner = make_user(Role.DOMAIN_SUPPORT, username="klass")
    classifier = ClassifierFactory(code="payment-methods", name_et="Makseviisid", owner=owner)
    published(classifier, [("BANK", "Pangaülekanne"), ("POST", "Postiga kojukanne")])
    login("klass")
    nav("/classifiers/")
    page.click("a[data-classifier='payment-methods']")
    page.wait_for_url("**/classifiers/payment-methods/")
    assert page.locator("#classifier-in-force").get_attribute("data-number") == "1"
    page.click("#version-new-draft")
    page.wait_for_url("**/classifiers/payment-methods/versions/2/")
    assert page.locator("#version-status").get_attribute("data-status") == "draft"
    page.click("#item-add")
    page.wait_for_url("**/versions/2/items/new/")
    page.fill("#id_code", "CASH")
    page.fill("#id_name_et", "Sularaha")
    page.fill("#id_name_en", "Cash")
    page.click("#form-submit")
    page.wait_for_url("**/classifiers/payment-methods/versions/2/")
    assert page.locator("#items tr[data-code='CASH']").count() == 1
    page.click("#version-publish")
    page.wait_for_url("**/versions/2/publish/")
    page.fill("#id_valid_from", "2030-01-01")
    page.click("#form-submit")
    page.wait_for_url("**/classifiers/payment-methods/versions/2/")
    assert page.locator("#version-status").get_attribute("data-status") == "published"
    page.click("#version-classifier")
    page.wait_for_url("**/classifiers/payment-methods/")
    row = page.locator("#classifier-versions tr[data-version='2']")
    assert row.get_attribute("data-status") == "published"
    version = ClassifierVersion.objects.get(classifier=classifier, number=2)
    assert version.status == VersionStatus.PUBLISHED and version.items.filter(code="CASH").exists()
