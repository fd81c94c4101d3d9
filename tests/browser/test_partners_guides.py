"""The partner network and guides in the browser: add a partner (a bad e-mail first), a contact with a
topic, write a guide in Markdown and confirm its review; then an auditor reads the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tugi.core.models import AuditEvent, Topic
from tugi.work.models import Contact, Guide, Partner

pytestmark = pytest.mark.django_db(transaction=True)

GUIDE_BODY = """## Eesmärk

Kuidas kontrollida, et **UAT keskkond** on tarneks valmis.

| samm | kes |
|---|---|
| andmete kontroll | testijuht |
| kinnitamine | valdkonna tugi |

- keskkond töötab
- testandmed on olemas

[Tarnete kalender](https://tugi.example.com/tarned)

<script>document.body.dataset.pwned = "yes"</script>
<img src="x" onerror="document.body.dataset.pwned = 'yes'">
"""


def _add_partner(page: Any, nav: Any) -> Partner:
    nav("/work/partners/")
    page.click("#partner-add")
    page.wait_for_url("**/work/partners/new/")
    page.fill("#id_name", "Sotsiaalministeeriumi IT- ja Innovatsioonikeskus")
    page.fill("#id_short_name", "SMIT")
    page.select_option("#id_kind", "developer")
    page.fill("#id_email", "info@smit")
    page.fill("#id_reason", "new developer partner")
    page.click("#form-submit")

    error = page.locator("[data-field='email']")
    assert error.is_visible()
    assert page.locator("#id_email").get_attribute("aria-invalid") == "true"
    assert page.locator("#id_name").input_value() == "Sotsiaalministeeriumi IT- ja Innovatsioonikeskus"
    assert not Partner.objects.exists()

    page.fill("#id_email", "info@smit.example.com")
    page.click("#form-submit")
    page.wait_for_url("**/work/partners/*/")
    assert page.locator("#partner-name").inner_text() == "Sotsiaalministeeriumi IT- ja Innovatsioonikeskus"
    assert page.locator("#partner-email").inner_text() == "info@smit.example.com"
    return Partner.objects.get(short_name="SMIT")


def _add_contact(page: Any, partner: Partner) -> Contact:
    topic = Topic.objects.get(code="delivery-schedule")
    page.click("#contact-add")
    page.wait_for_url(f"**/work/partners/{partner.pk}/contacts/new/")
    page.fill("#id_name", "Kaarel Kuusk")
    page.fill("#id_role", "SKAIS development lead")
    page.fill("#id_email", "kaarel.kuusk@smit.example.com")
    page.check(f"input[name='topics'][value='{topic.pk}']")
    page.click("#form-submit")
    page.wait_for_url(f"**/work/partners/{partner.pk}/")
    contact = Contact.objects.get(partner=partner)
    row = page.locator(f"#contact-{contact.pk}")
    assert row.get_attribute("data-email") == "kaarel.kuusk@smit.example.com"
    assert row.locator("[data-topic='delivery-schedule']").count() == 1
    return contact


def _write_guide(page: Any, nav: Any, owner: Any) -> Guide:
    nav("/work/guides/")
    page.click("#guide-add")
    page.wait_for_url("**/work/guides/new/")
    assert page.locator("#id_owner").input_value() == str(owner.pk)
    page.fill("#id_title", "UAT valmisoleku kontroll")
    page.fill("#id_slug", "uat-valmisolek")
    page.select_option("#id_kind", "process")
    page.select_option("#id_area", "delivery")
    page.fill("#id_review_interval_days", "180")
    page.fill("#id_last_reviewed_on", (dt.date.today() - dt.timedelta(days=200)).isoformat())
    page.fill("#id_body", GUIDE_BODY)
    page.click("#form-submit")
    page.wait_for_url("**/work/guides/uat-valmisolek/")

    body = page.locator("#guide-body")
    assert body.locator("h2").inner_text() == "Eesmärk"
    assert body.locator("table td", has_text="testijuht").count() == 1
    assert body.locator("li").count() == 2
    assert body.locator("a[href='https://tugi.example.com/tarned']").count() == 1
    assert body.locator("script, img").count() == 0
    assert page.evaluate("document.body.dataset.pwned") is None
    assert page.locator("#guide-overdue").is_visible()
    return Guide.objects.get(slug="uat-valmisolek")


def _confirm_review(page: Any, guide: Guide) -> None:
    with page.expect_navigation():
        page.click("#guide-review")
    assert page.locator("#guide-overdue").count() == 0
    assert page.locator("#guide-last-reviewed").get_attribute("data-date") == dt.date.today().isoformat()
    guide.refresh_from_db()
    assert guide.last_reviewed_on == dt.date.today()


def _auditor_reads_the_log(page: Any, login: Any, nav: Any, partner: Partner) -> None:
    page.click("#user-menu")
    page.click("#logout")
    login("aud")
    nav("/audit/")
    expected = {
        "work.partner_created": 1,
        "work.contact_created": 1,
        "work.contact_subscribed": 1,
        "work.guide_created": 1,
        "work.guide_reviewed": 1,
    }
    for event_type, count in expected.items():
        page.select_option("#id_event_type", event_type)
        page.click("#filter-submit")
        page.wait_for_url(f"**/audit/?*event_type={event_type}*")
        rows = page.locator("main table tbody tr")
        assert rows.count() == count, event_type
        assert event_type in rows.first.inner_text()
    page.select_option("#id_event_type", "work.partner_created")
    page.click("#filter-submit")
    page.wait_for_url("**/audit/?*event_type=work.partner_created*")
    assert "SMIT" in page.locator("main table tbody tr").first.inner_text()

    nav("/work/partners/")
    assert page.locator("main table", has_text=partner.name).count() == 1
    assert page.locator("#partner-add").count() == 0
    page.goto(f"/work/partners/{partner.pk}/")
    assert page.locator("#partner-edit").count() == 0
    assert page.locator("#contact-add").count() == 0


def test_partner_contact_guide_review_then_the_audit_log(
    page: Any, login: Any, nav: Any, domain_support: Any, auditor: Any
) -> None:
    login("ds")
    partner = _add_partner(page, nav)
    contact = _add_contact(page, partner)
    guide = _write_guide(page, nav, owner=domain_support)
    _confirm_review(page, guide)

    assert [s.topic.code for s in contact.subscriptions.all()] == ["delivery-schedule"]
    assert AuditEvent.objects.filter(actor=domain_support, event_type__startswith="work.").count() == 5

    _auditor_reads_the_log(page, login, nav, partner)
