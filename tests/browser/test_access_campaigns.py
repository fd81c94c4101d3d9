"""A recertification campaign in the browser: the reviewer opens My reviews, revokes one assignment
with a comment (a revocation without one is refused) and confirms another; the campaign's owner
closes the campaign and reads the closing report. The revoked assignment no longer grants."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tests.access.factories import (
    AccountFactory,
    AssignmentFactory,
    OrgUnitFactory,
    ProfileFactory,
    RightFactory,
)
from tugi.access.explain import explain
from tugi.access.models import AssignmentStatus, CampaignItem, CampaignStatus, ReviewDecision
from tugi.access.services import campaigns as services

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def campaign(domain_support: Any, test_manager: Any) -> dict[str, Any]:
    unit = OrgUnitFactory(code="pensionide-osakond", name="Pensionide osakond")
    boss = AccountFactory(
        username="tm.account", first_name="Testi", last_name="Juht", org_unit=unit, user=test_manager
    )
    right = RightFactory(code="PENS_DECIDE", name_et="Pensioni määramise otsuse kinnitamine")
    profile = ProfileFactory(code="PENS_SENIOR", name="Pensionide juhtivspetsialist", content__rights=[right])
    mari = AccountFactory(
        username="mari.tamm", first_name="Mari", last_name="Tamm", org_unit=unit, manager=boss
    )
    jaan = AccountFactory(
        username="jaan.saar", first_name="Jaan", last_name="Saar", org_unit=unit, manager=boss
    )
    liis = AccountFactory(
        username="liis.magi", first_name="Liis", last_name="Mägi", org_unit=unit, manager=boss
    )
    assignments = {
        a.account.username: a
        for a in (AssignmentFactory(account=x, profile=profile) for x in (mari, jaan, liis))
    }
    created = services.campaign_create(
        name="Pensionide osakonna ülevaatus",
        reviewer_kind="manager",
        deadline=timezone.localdate() + dt.timedelta(days=5),
        actor=domain_support,
    )
    services.campaign_open(campaign=created, actor=domain_support)
    items = {i.assignment.account.username: i for i in CampaignItem.objects.filter(campaign=created)}
    return {"campaign": created, "right": right, "assignments": assignments, "items": items}


def test_reviewer_revokes_and_confirms_then_the_owner_closes_and_reads_the_report(
    page: Any, login: Any, nav: Any, campaign: dict[str, Any]
) -> None:
    items = campaign["items"]
    login("tm")
    desk = page.locator("[data-widget='access-reviews']")
    assert desk.locator(f"[data-campaign='{campaign['campaign'].pk}']").count() == 1
    nav("/access/campaigns/my-reviews/")
    mari, jaan = (
        page.locator(f"#review-{items['mari.tamm'].pk}"),
        page.locator(f"#review-{items['jaan.saar'].pk}"),
    )
    assert mari.get_attribute("data-decision") == "pending"

    # a revocation without a comment is refused in the row, and changes nothing
    mari.locator(f"#revoke-{items['mari.tamm'].pk}").click()
    page.locator(f"#error-{items['mari.tamm'].pk}").wait_for()
    assert page.locator(f"#review-{items['mari.tamm'].pk}").get_attribute("data-decision") == "pending"

    page.fill(f"#comment-{items['mari.tamm'].pk}", "Liikus klienditeenindusse, otsuseid ei tee")
    page.click(f"#revoke-{items['mari.tamm'].pk}")
    page.locator(f"#review-{items['mari.tamm'].pk}[data-decision='revoked']").wait_for()
    page.click(f"#confirm-{items['jaan.saar'].pk}")
    page.locator(f"#review-{items['jaan.saar'].pk}[data-decision='confirmed']").wait_for()
    assert jaan.get_attribute("data-decision") == "confirmed"

    decided = {i.assignment.account.username: i.decision for i in CampaignItem.objects.all()}
    assert decided == {"mari.tamm": "revoked", "jaan.saar": "confirmed", "liis.magi": "pending"}
    # nothing takes effect before the close
    assert explain(campaign["assignments"]["mari.tamm"].account, campaign["right"])["granted"] is True

    page.click("#user-menu")
    page.click("#logout")
    login("ds")
    nav("/access/campaigns/")
    page.click(f"a[data-campaign='{campaign['campaign'].pk}']")
    page.wait_for_url(f"**/access/campaigns/{campaign['campaign'].pk}/")
    assert page.locator("#campaign-progress").get_attribute("data-percent") == "67"
    page.fill("#close-reason", "tähtaeg saabus")
    page.click("#campaign-close")
    page.wait_for_url(f"**/access/campaigns/{campaign['campaign'].pk}/report/")

    assert page.locator("[data-count='items']").inner_text() == "3"
    assert page.locator("[data-count='confirmed']").inner_text() == "1"
    assert page.locator("[data-count='revoked']").inner_text() == "1"
    assert page.locator("[data-count='not_reviewed']").inner_text() == "1"
    reviewer = page.locator("#report-reviewers tr[data-reviewer='tm']")
    assert (reviewer.get_attribute("data-revoked"), reviewer.get_attribute("data-not-reviewed")) == ("1", "1")
    revoked = campaign["assignments"]["mari.tamm"]
    assert page.locator(f"#report-revocations tr[data-assignment='{revoked.pk}']").count() == 1
    assert "Liikus klienditeenindusse" in page.locator("#report-revocations").inner_text()
    assert (
        page.locator(
            f"#report-not-reviewed tr[data-assignment='{campaign['assignments']['liis.magi'].pk}']"
        ).count()
        == 1
    )

    with page.expect_download() as download:
        page.click("#export-csv")
    text = open(download.value.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    assert text.splitlines()[1].startswith("tm;") and text.splitlines()[1].endswith(";3;1;1;1")

    campaign["campaign"].refresh_from_db()
    assert campaign["campaign"].status == CampaignStatus.CLOSED
    revoked.refresh_from_db()
    assert revoked.status == AssignmentStatus.ENDED
    assert explain(revoked.account, campaign["right"])["granted"] is False
    kept = campaign["assignments"]["jaan.saar"]
    kept.refresh_from_db()
    assert kept.status == AssignmentStatus.ACTIVE
    assert explain(kept.account, campaign["right"])["granted"] is True
    assert items["liis.magi"].decision == ReviewDecision.PENDING
