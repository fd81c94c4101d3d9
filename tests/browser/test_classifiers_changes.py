"""The change request journey in the browser (the issue's journey): a domain support specialist
proposes a change (creates a request, adds an operation, submits) and sees its impact; the
classifier's owner approves and publishes it; the diff shows the old and the new version, and the
owner's notifications list shows the publication."""

from __future__ import annotations

from typing import Any

import pytest

from tests.access.factories import SystemFactory
from tests.classifiers.factories import ClassifierFactory, ConsumingSystemFactory, published
from tugi.classifiers.models import Attribute, ChangeRequest, ChangeRequestStatus, Entity
from tugi.core.roles import Role

pytestmark = pytest.mark.django_db(transaction=True)


def _logout(page: Any) -> None:
    page.click("#user-menu")
    page.click("#logout")


def test_propose_approve_publish_and_see_the_diff_and_the_notification(
    page: Any, login: Any, make_user: Any
) -> None:
    requester = make_user(Role.DOMAIN_SUPPORT, username="kadri", first_name="Kadri", last_name="Taotleja")
    owner = make_user(Role.DOMAIN_SUPPORT, username="anne", first_name="Anne", last_name="Omanik")
    classifier = ClassifierFactory(code="return-reasons", name_et="Tagastamise põhjused", owner=owner)
    classifier.consumers.add(ConsumingSystemFactory(code="skais", name="SKAIS"))
    published(classifier, [("01", "Konto suletud"), ("02", "Vale konto"), ("03", "Muu põhjus")])
    entity = Entity.objects.create(system=SystemFactory(code="SKAIS"), name="returned_payment")
    Attribute.objects.create(
        entity=entity,
        name="reason_code",
        data_type="varchar(2)",
        classifier=classifier,
        code_counts={"03": 314},
    )

    # 1. the specialist proposes the change
    login(requester.username)
    page.goto("/classifiers/changes/requests/")
    page.click("#change-request-create")
    page.wait_for_url("**/changes/requests/new/")
    page.select_option("#id_classifier", "return-reasons")
    page.fill("#id_justification", "Põhjus „Muu” on liiga üldine.")
    page.fill("#id_planned_publication", "2025-04-01")
    page.click("#form-submit")  # no title yet
    assert page.locator("[data-field='title']").is_visible()
    assert not ChangeRequest.objects.exists()
    page.fill("#id_title", "Täpsemad tagastamise põhjused")
    page.click("#form-submit")
    page.wait_for_url("**/changes/requests/*/")
    request = ChangeRequest.objects.get()

    page.click("#operation-add")
    page.select_option("#id_operation", "add")
    page.fill("#id_code", "04")
    page.fill("#id_name_et", "Saaja surnud")
    page.fill("#id_name_en", "Payee deceased")
    page.click("#form-submit")
    page.wait_for_url(f"**/changes/requests/{request.pk}/")
    page.click("#operation-add")
    page.select_option("#id_operation", "retire")
    page.fill("#id_code", "03")
    page.fill("#id_replaced_by", "04")
    page.click("#form-submit")
    page.wait_for_url(f"**/changes/requests/{request.pk}/")
    assert page.locator("#request-operations tr[data-code='04'][data-operation='add']").is_visible()

    # 2. the impact shows before approval: the attribute using the classifier and its records
    impact = page.locator(
        "#impact-operations tr[data-code='03'][data-attribute='SKAIS.returned_payment.reason_code']"
    )
    assert impact.get_attribute("data-records") == "314"
    assert page.locator("#request-impact").get_attribute("data-systems") == "SKAIS"
    assert page.locator("#impact-consumers [data-consumer='skais']").is_visible()
    page.click("#request-submit")
    page.wait_for_url(f"**/changes/requests/{request.pk}/")
    assert page.locator("#request-status").get_attribute("data-status") == "submitted"
    assert page.locator("#request-approve").count() == 0  # the requester cannot approve
    _logout(page)

    # 3. the owner approves and publishes
    login(owner.username)
    page.goto("/")
    page.locator(f"[data-widget='classifiers-changes-waiting'] [data-request='{request.pk}'] a").click()
    page.wait_for_url(f"**/changes/requests/{request.pk}/")
    assert page.locator("#impact-operations tr[data-code='03']").first.get_attribute("data-records") == "314"
    page.fill("#id_comment", "Sobib.")
    page.click("#request-approve")
    page.wait_for_url(f"**/changes/requests/{request.pk}/")
    assert page.locator("#request-status").get_attribute("data-status") == "approved"
    page.fill("#id_valid_from", "2025-04-01")
    page.click("#request-publish")
    page.wait_for_url(f"**/changes/requests/{request.pk}/")
    assert page.locator("#request-published").get_attribute("data-version") == "2"
    request.refresh_from_db()
    assert request.status == ChangeRequestStatus.PUBLISHED

    # 4. the diff between the old and the new version
    page.click("#request-diff")
    page.wait_for_url("**/changes/diff/return-reasons/**")
    summary = page.locator("#diff-summary")
    assert summary.get_attribute("data-added") == "1"
    assert summary.get_attribute("data-changed") == "1"
    assert page.locator("tr[data-change='added'][data-code='04']").is_visible()
    status_row = page.locator("tr[data-change='changed'][data-code='03'][data-field='status']")
    assert status_row.locator("td[data-new]").inner_text() == "retired"

    # 5. the owner's notifications list shows the publication
    page.goto("/notifications/")
    assert page.locator("main li.list-group-item", has_text="return-reasons").first.is_visible()
