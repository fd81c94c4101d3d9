"""A development request in the browser: the domain support specialist drafts it, picking attributes
from the data dictionary; the test manager adds analytic input and signs it off; the request is
submitted and linked to a delivery; the impact panel shows the affected classifier's consumer."""

from __future__ import annotations

from typing import Any

import pytest

from tests.classifiers.factories import ClassifierFactory, ConsumingSystemFactory
from tests.delivery.factories import DeliveryFactory
from tests.factories import UserFactory
from tests.work.factories import AttributeFactory
from tugi.core.roles import Role
from tugi.work.models import DevelopmentRequest, RequestComment

pytestmark = pytest.mark.django_db(transaction=True)


def test_draft_review_submit_and_link_a_request(page: Any, login: Any, nav: Any) -> None:
    UserFactory(username="mari", first_name="Mari", last_name="Tamm", roles=[Role.DOMAIN_SUPPORT])
    UserFactory(username="jaan", first_name="Jaan", last_name="Saar", roles=[Role.TEST_MANAGER])
    classifier = ClassifierFactory(code="pension-kind", name_et="Pensioni liik")
    classifier.consumers.add(ConsumingSystemFactory(code="star-client", name="STAR klient"))
    kind = AttributeFactory(name="pensioni_liik", classifier=classifier)
    amount = AttributeFactory(name="summa", entity=kind.entity)
    AttributeFactory(name="muu_väli")
    delivery = DeliveryFactory(version="2026.4")

    # the domain support specialist drafts the request, picking two attributes from the dictionary
    login("mari")
    nav("/work/requests/")
    page.click("#request-add")
    page.wait_for_url("**/work/requests/new/")
    page.fill("#id_title", "Pensioni liigi muutus")
    page.fill("#id_background", "Uus pensioni liik tuleb seadusesse.")
    page.fill("#id_goal", "SKAIS tunneb uut pensioni liiki.")
    page.select_option("#id_system", "SKAIS")
    page.select_option("#id_attributes", [str(kind.pk), str(amount.pk)])
    page.fill("#id_acceptance_criteria", "Uus liik on valitav ja arvutus töötab.")
    page.select_option("#id_reviewers", [str(UserFactory(username="jaan").pk)])
    page.click("#form-submit")
    page.wait_for_url("**/work/requests/*/")
    req = DevelopmentRequest.objects.get(title="Pensioni liigi muutus")
    assert set(req.attributes.values_list("name", flat=True)) == {"pensioni_liik", "summa"}
    assert page.locator("#request-status").get_attribute("data-status") == "draft"
    assert page.locator("[data-impact-classifier='pension-kind'] [data-consumer='star-client']").count() == 1

    # it goes to review (the page offers only the next states)
    page.click("#request-to-in_review")
    page.wait_for_selector("#request-status[data-status='in_review']")

    # the test manager adds analytic input to a section and signs off
    page.context.clear_cookies()
    login("jaan")
    page.goto(f"/work/requests/{req.pk}/")
    page.select_option("#id_section", "data")
    page.fill("#id_text", "Summa väli on ka STAR-i aruandes.")
    page.click("#request-comment-submit")
    page.wait_for_selector("[data-comments='data'] li")
    assert RequestComment.objects.get().author.username == "jaan"
    page.click("#request-sign-off")
    page.wait_for_selector("[data-reviewer='jaan'][data-signed='yes']")

    # the author submits it and links it to the delivery
    page.context.clear_cookies()
    login("mari")
    page.goto(f"/work/requests/{req.pk}/")
    page.click("#request-to-submitted")
    page.wait_for_selector("#request-status[data-status='submitted']")
    page.select_option("#id_delivery", str(delivery.pk))
    page.click("#request-link-submit")
    page.wait_for_selector(f"#request-delivery[data-delivery='{delivery.pk}']")
    req.refresh_from_db()
    assert req.status == "submitted" and req.delivery == delivery
    assert page.locator("#section-data").inner_text().count("pensioni_liik") == 1
