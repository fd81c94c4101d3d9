"""Pages of the work area: partners, contacts and guides, through the standard view contract."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from tests.base import ViewContract
from tests.factories import ContactFactory, GuideFactory, PartnerFactory
from tests.helpers import assert_queries_do_not_grow
from tugi.core.models import AuditEvent, Topic
from tugi.core.roles import Role
from tugi.work.models import Contact, ContactSubscription, Guide, Partner

pytestmark = pytest.mark.django_db


class TestPartnerViews(ViewContract):
    list_url = "work:partner_list"
    create_url = "work:partner_create"
    editor_role = Role.DOMAIN_SUPPORT
    viewer_role = Role.FINANCE
    create_event = "work.partner_created"

    def make(self) -> Any:
        return PartnerFactory()

    def detail_url(self, obj: Any) -> str:
        return reverse("work:partner_detail", args=[obj.pk])

    def create_data(self) -> dict[str, Any]:
        return {
            "name": "Sotsiaalministeeriumi IT-keskus",
            "short_name": "SMIT",
            "kind": "developer",
            "email": "info@smit.example.com",
            "website": "https://smit.example.com",
            "active": "on",
            "reason": "new developer partner",
        }

    def bad_data(self) -> tuple[dict[str, Any], str]:
        data = self.create_data()
        data["email"] = "not-an-address"
        return data, "email"

    def created(self, data: dict[str, Any]) -> Any:
        return Partner.objects.filter(name=data["name"])

    update_event = "work.partner_updated"

    def edit_url(self, obj: Any) -> str:
        return reverse("work:partner_edit", args=[obj.pk])

    def edit_data(self, obj: Any) -> dict[str, Any]:
        return {"name": obj.name, "kind": obj.kind, "phone": "+372 612 3456", "active": "on"}


class TestGuideViews(ViewContract):
    list_url = "work:guide_list"
    create_url = "work:guide_create"
    editor_role = Role.TEST_MANAGER
    viewer_role = Role.FINANCE
    create_event = "work.guide_created"

    def make(self) -> Any:
        return GuideFactory()

    def detail_url(self, obj: Any) -> str:
        return reverse("work:guide_detail", args=[obj.slug])

    def create_data(self) -> dict[str, Any]:
        from tests.factories import UserFactory

        owner = UserFactory(username="guide-owner")
        return {
            "title": "Regressioonitestide juhend",
            "slug": "regressioonitestid",
            "kind": "guide",
            "area": "testing",
            "owner": owner.pk,
            "review_interval_days": 180,
            "last_reviewed_on": dt.date.today().isoformat(),
            "body": "## Eesmärk\n\nIga tarne enne UAT-d.",
            "reason": "new guide",
        }

    def bad_data(self) -> tuple[dict[str, Any], str]:
        data = self.create_data()
        data["last_reviewed_on"] = (dt.date.today() + dt.timedelta(days=3)).isoformat()
        return data, "last_reviewed_on"

    def created(self, data: dict[str, Any]) -> Any:
        return Guide.objects.filter(slug=data["slug"], title=data["title"])

    update_event = "work.guide_updated"

    def edit_url(self, obj: Any) -> str:
        return reverse("work:guide_edit", args=[obj.slug])

    def edit_data(self, obj: Any) -> dict[str, Any]:
        return {
            "title": obj.title,
            "slug": obj.slug,
            "kind": obj.kind,
            "area": obj.area,
            "owner": obj.owner_id,
            "review_interval_days": 90,
            "last_reviewed_on": obj.last_reviewed_on.isoformat(),
            "body": obj.body,
        }

    def test_duplicate_slug_names_the_field_and_changes_nothing(
        self, make_user: Any, client_for: Any
    ) -> None:
        existing = GuideFactory(slug="regressioonitestid", title="Vana juhend")
        client = client_for(make_user(self.editor_role))
        data = self.create_data()
        count = AuditEvent.objects.count()
        response = client.post(reverse(self.create_url), data)
        assert response.status_code == 200
        assert "slug" in response.context["form"].errors
        assert 'data-field="slug"' in response.content.decode()
        assert list(Guide.objects.filter(slug="regressioonitestid")) == [existing]
        assert AuditEvent.objects.count() == count


# --- partners ------------------------------------------------------------------------------------


def test_partner_form_errors_keep_what_was_typed(domain_support: Any, client_for: Any) -> None:
    client = client_for(domain_support)
    response = client.post(
        reverse("work:partner_create"), {"name": "Kiirabi OÜ", "kind": "other", "email": "bad@"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Kiirabi OÜ"' in html
    assert 'data-field="email"' in html
    assert not Partner.objects.exists()


def test_duplicate_partner_name_is_a_field_error(domain_support: Any, client_for: Any) -> None:
    PartnerFactory(name="Pensionikeskus")
    response = client_for(domain_support).post(
        reverse("work:partner_create"), {"name": "Pensionikeskus", "kind": "registry"}
    )
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert Partner.objects.filter(name="Pensionikeskus").count() == 1


def test_partner_edit_changes_and_audits(domain_support: Any, client_for: Any) -> None:
    partner = PartnerFactory(name="Rae Vallavalitsus", kind="municipality")
    client = client_for(domain_support)
    form = client.get(reverse("work:partner_edit", args=[partner.pk]))
    assert 'value="Rae Vallavalitsus"' in form.content.decode()
    response = client.post(
        reverse("work:partner_edit", args=[partner.pk]),
        {"name": "Rae Vallavalitsus", "kind": "municipality", "phone": "+372 600 0000", "active": "on"},
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.phone == "+372 600 0000"
    event = AuditEvent.objects.get(event_type="work.partner_updated")
    assert event.before["phone"] == ""
    assert event.after["phone"] == "+372 600 0000"


def test_partner_edit_without_changes_writes_no_audit_event(domain_support: Any, client_for: Any) -> None:
    partner = PartnerFactory(name="Rae Vallavalitsus", kind="municipality")
    response = client_for(domain_support).post(
        reverse("work:partner_edit", args=[partner.pk]),
        {"name": "Rae Vallavalitsus", "kind": "municipality", "active": "on"},
    )
    assert response.status_code == 302
    assert not AuditEvent.objects.exists()


def test_finance_sees_partner_but_no_edit_or_add_buttons(finance_user: Any, client_for: Any) -> None:
    partner = PartnerFactory()
    client = client_for(finance_user)
    html = client.get(reverse("work:partner_list")).content.decode()
    assert 'id="partner-add"' not in html
    html = client.get(reverse("work:partner_detail", args=[partner.pk])).content.decode()
    assert 'id="partner-edit"' not in html
    assert 'id="contact-add"' not in html
    assert client.get(reverse("work:partner_edit", args=[partner.pk])).status_code == 403


def test_editor_sees_add_and_edit_buttons(domain_support: Any, client_for: Any) -> None:
    partner = PartnerFactory()
    client = client_for(domain_support)
    assert 'id="partner-add"' in client.get(reverse("work:partner_list")).content.decode()
    html = client.get(reverse("work:partner_detail", args=[partner.pk])).content.decode()
    assert 'id="partner-edit"' in html
    assert 'id="contact-add"' in html


def test_partner_list_search_and_kind_filter(auditor: Any, client_for: Any) -> None:
    PartnerFactory(name="Swedbank AS", short_name="Swedbank", kind="bank")
    PartnerFactory(name="Tartu Linnavalitsus", short_name="Tartu", kind="municipality")
    client = client_for(auditor)
    html = client.get(reverse("work:partner_list"), {"q": "sweD"}).content.decode()
    assert "Swedbank AS" in html and "Tartu Linnavalitsus" not in html
    html = client.get(reverse("work:partner_list"), {"kind": "municipality"}).content.decode()
    assert "Tartu Linnavalitsus" in html and "Swedbank AS" not in html


def test_partner_list_counts_contacts(auditor: Any, client_for: Any) -> None:
    partner = PartnerFactory(name="TEHIK")
    ContactFactory.create_batch(3, partner=partner)
    response = client_for(auditor).get(reverse("work:partner_list"), {"export": "csv"})
    lines = b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert lines[1].split(";")[0] == "TEHIK"
    assert lines[1].split(";")[-1] == "3"


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.DOMAIN_SUPPORT])
def test_partner_detail_query_count_does_not_grow_with_contacts(
    role: Role, make_user: Any, client_for: Any
) -> None:
    partner = PartnerFactory()
    topics = list(Topic.objects.all()[:2])
    client = client_for(make_user(role))
    url = reverse("work:partner_detail", args=[partner.pk])

    def more() -> None:
        for _ in range(4):
            contact = ContactFactory(partner=partner)
            for topic in topics:
                ContactSubscription.objects.create(contact=contact, topic=topic)

    more()
    client.get(url)
    assert_queries_do_not_grow(more, lambda: client.get(url))


def test_guide_list_query_count_does_not_grow(auditor: Any, client_for: Any) -> None:
    client = client_for(auditor)
    GuideFactory()
    url = reverse("work:guide_list")
    client.get(url)
    assert_queries_do_not_grow(lambda: GuideFactory.create_batch(5), lambda: client.get(url))


# --- contacts ------------------------------------------------------------------------------------


def _contact_post(**extra: Any) -> dict[str, Any]:
    data = {
        "name": "Kaarel Kuusk",
        "role": "SKAIS development lead",
        "email": "kaarel.kuusk@tehik.example.com",
        "phone": "",
        "active": "on",
        "reason": "new contact",
    }
    data.update(extra)
    return data


def test_contact_create_with_topics_subscribes_and_audits_each(domain_support: Any, client_for: Any) -> None:
    partner = PartnerFactory(name="TEHIK")
    delivery = Topic.objects.get(code="delivery-schedule")
    clone = Topic.objects.get(code="clone-notice")
    response = client_for(domain_support).post(
        reverse("work:contact_create", args=[partner.pk]), _contact_post(topics=[delivery.pk, clone.pk])
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("work:partner_detail", args=[partner.pk])
    contact = Contact.objects.get(partner=partner)
    assert {s.topic.code for s in contact.subscriptions.all()} == {"delivery-schedule", "clone-notice"}
    events = list(AuditEvent.objects.order_by("pk"))
    assert [e.event_type for e in events] == [
        "work.contact_created",
        "work.contact_subscribed",
        "work.contact_subscribed",
    ]
    assert all(e.actor == domain_support and e.reason == "new contact" for e in events)
    subs = {str(s.pk) for s in contact.subscriptions.all()}
    assert {e.object_id for e in events[1:]} == subs


def test_contact_create_bad_email_changes_nothing(domain_support: Any, client_for: Any) -> None:
    partner = PartnerFactory()
    delivery = Topic.objects.get(code="delivery-schedule")
    response = client_for(domain_support).post(
        reverse("work:contact_create", args=[partner.pk]),
        _contact_post(email="kaarel@", topics=[delivery.pk]),
    )
    assert response.status_code == 200
    assert 'data-field="email"' in response.content.decode()
    assert not Contact.objects.exists()
    assert not ContactSubscription.objects.exists()
    assert not AuditEvent.objects.exists()


def test_contact_duplicate_email_at_same_partner_changes_nothing(
    domain_support: Any, client_for: Any
) -> None:
    partner = PartnerFactory()
    ContactFactory(partner=partner, email="kaarel.kuusk@tehik.example.com")
    delivery = Topic.objects.get(code="delivery-schedule")
    response = client_for(domain_support).post(
        reverse("work:contact_create", args=[partner.pk]), _contact_post(topics=[delivery.pk])
    )
    assert response.status_code == 200
    assert 'data-field="email"' in response.content.decode()
    assert Contact.objects.count() == 1
    assert not ContactSubscription.objects.exists()
    assert not AuditEvent.objects.exists()


def test_contact_edit_unticking_a_topic_unsubscribes_with_audit(domain_support: Any, client_for: Any) -> None:
    contact = ContactFactory(name="Liina Mets", role="STAR product owner")
    delivery = Topic.objects.get(code="delivery-schedule")
    classifier = Topic.objects.get(code="classifier-published")
    kept = ContactSubscription.objects.create(contact=contact, topic=delivery)
    ContactSubscription.objects.create(contact=contact, topic=classifier)
    client = client_for(domain_support)
    form = client.get(reverse("work:contact_edit", args=[contact.pk])).content.decode()
    assert form.count("checked") >= 3  # active and both topics
    data = {
        "name": contact.name,
        "role": contact.role,
        "email": contact.email,
        "active": "on",
        "topics": [delivery.pk],
        "reason": "no longer publishes classifiers",
    }
    response = client.post(reverse("work:contact_edit", args=[contact.pk]), data)
    assert response.status_code == 302
    assert list(contact.subscriptions.all()) == [kept]
    events = list(AuditEvent.objects.all())
    assert [e.event_type for e in events] == ["work.contact_unsubscribed"]
    assert events[0].before["topic"] == classifier.pk
    assert events[0].reason == "no longer publishes classifiers"


def test_contact_edit_changing_a_field_audits_once(domain_support: Any, client_for: Any) -> None:
    contact = ContactFactory(role="payments contact")
    data = {"name": contact.name, "role": "payment files", "email": contact.email, "active": "on"}
    response = client_for(domain_support).post(reverse("work:contact_edit", args=[contact.pk]), data)
    assert response.status_code == 302
    assert [e.event_type for e in AuditEvent.objects.all()] == ["work.contact_updated"]
    contact.refresh_from_db()
    assert contact.role == "payment files"


def test_contact_delete_is_audited(domain_support: Any, client_for: Any) -> None:
    contact = ContactFactory()
    ContactSubscription.objects.create(contact=contact, topic=Topic.objects.get(code="clone-notice"))
    response = client_for(domain_support).post(
        reverse("work:contact_delete", args=[contact.pk]), {"reason": "left the company"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("work:partner_detail", args=[contact.partner_id])
    assert not Contact.objects.filter(pk=contact.pk).exists()
    event = AuditEvent.objects.get()
    assert event.event_type == "work.contact_deleted"
    assert event.object_id == str(contact.pk)
    assert event.before["email"] == contact.email
    assert event.before["topics"] == ["clone-notice"]
    assert event.reason == "left the company"


def test_contact_delete_refused_for_finance(finance_user: Any, client_for: Any) -> None:
    contact = ContactFactory()
    response = client_for(finance_user).post(reverse("work:contact_delete", args=[contact.pk]))
    assert response.status_code == 403
    assert Contact.objects.filter(pk=contact.pk).exists()
    assert not AuditEvent.objects.exists()


def test_contact_delete_needs_post(domain_support: Any, client_for: Any) -> None:
    contact = ContactFactory()
    response = client_for(domain_support).get(reverse("work:contact_delete", args=[contact.pk]))
    assert response.status_code == 405
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_contact_edit_refused_for_finance(finance_user: Any, client_for: Any) -> None:
    contact = ContactFactory()
    client = client_for(finance_user)
    assert client.get(reverse("work:contact_edit", args=[contact.pk])).status_code == 403
    response = client.post(
        reverse("work:contact_edit", args=[contact.pk]),
        {"name": "X", "role": "Y", "email": "x@example.com"},
    )
    assert response.status_code == 403
    contact.refresh_from_db()
    assert contact.name != "X"


def test_contact_create_refused_for_finance(finance_user: Any, client_for: Any) -> None:
    partner = PartnerFactory()
    response = client_for(finance_user).post(
        reverse("work:contact_create", args=[partner.pk]), _contact_post()
    )
    assert response.status_code == 403
    assert not Contact.objects.exists()


def test_contact_list_filters_by_topic_and_exports_csv(auditor: Any, client_for: Any) -> None:
    delivery = Topic.objects.get(code="delivery-schedule")
    subscribed = ContactFactory(name="Kaarel Kuusk", email="kaarel@tehik.example.com")
    ContactSubscription.objects.create(contact=subscribed, topic=delivery)
    ContactFactory(name="Marko Oja", email="marko@swedbank.example.com")
    client = client_for(auditor)
    html = client.get(reverse("work:contact_list"), {"topic": "delivery-schedule"}).content.decode()
    assert "Kaarel Kuusk" in html and "Marko Oja" not in html
    html = client.get(reverse("work:contact_list")).content.decode()
    assert "Kaarel Kuusk" in html and "Marko Oja" in html
    response = client.get(reverse("work:contact_list"), {"topic": "delivery-schedule", "export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2
    assert "Kaarel Kuusk" in lines[1]
    assert "kaarel@tehik.example.com" in lines[1]
    assert "<a" not in lines[1]  # the partner column is plain text in the file


def test_contact_list_topic_filter_offers_the_topics(auditor: Any, client_for: Any) -> None:
    html = client_for(auditor).get(reverse("work:contact_list")).content.decode()
    assert 'value="delivery-schedule"' in html


def test_contact_list_query_count_does_not_grow(auditor: Any, client_for: Any) -> None:
    topic = Topic.objects.get(code="delivery-schedule")
    client = client_for(auditor)
    url = reverse("work:contact_list")

    def more() -> None:
        for contact in ContactFactory.create_batch(3):
            ContactSubscription.objects.create(contact=contact, topic=topic)

    more()
    client.get(url)
    assert_queries_do_not_grow(more, lambda: client.get(url))


def test_contact_list_403_without_role(make_user: Any, client_for: Any) -> None:
    assert client_for(make_user()).get(reverse("work:contact_list")).status_code == 403


# --- guides --------------------------------------------------------------------------------------


def test_guide_page_shows_rendered_markdown(auditor: Any, client_for: Any) -> None:
    guide = GuideFactory(
        body="# Pealkiri\n\n| samm | kes |\n|---|---|\n| kinnitamine | omanik |\n\n"
        "- üks\n- kaks\n\n[Tugi](https://tugi.example.com)\n\n<script>alert(1)</script>"
    )
    html = client_for(auditor).get(reverse("work:guide_detail", args=[guide.slug])).content.decode()
    body = html.split('id="guide-body"', 1)[1].split("</article>", 1)[0]
    assert "<h1" in body and "Pealkiri" in body
    assert "<table>" in body and "<td>kinnitamine</td>" in body
    assert "<li>üks</li>" in body
    assert 'href="https://tugi.example.com"' in body
    assert "<script" not in body and "alert(1)" not in body


def test_guide_edit_text_makes_a_new_version(test_manager: Any, client_for: Any) -> None:
    guide = GuideFactory(owner=test_manager, review_interval_days=365)
    client = client_for(test_manager)
    data = {
        "title": guide.title,
        "slug": guide.slug,
        "kind": guide.kind,
        "area": guide.area,
        "owner": test_manager.pk,
        "review_interval_days": 365,
        "last_reviewed_on": guide.last_reviewed_on.isoformat(),
        "body": guide.body + "\n\nUus lõik.",
    }
    response = client.post(reverse("work:guide_edit", args=[guide.slug]), data)
    assert response.status_code == 302
    guide.refresh_from_db()
    assert guide.version == 2
    assert [e.event_type for e in AuditEvent.objects.all()] == ["work.guide_updated"]


def test_guide_review_button_only_for_owner_and_admin(
    test_manager: Any, domain_support: Any, admin_user: Any, client_for: Any
) -> None:
    guide = GuideFactory(owner=test_manager)
    url = reverse("work:guide_detail", args=[guide.slug])
    assert 'id="guide-review"' in client_for(test_manager).get(url).content.decode()
    assert 'id="guide-review"' in client_for(admin_user).get(url).content.decode()
    assert 'id="guide-review"' not in client_for(domain_support).get(url).content.decode()


def test_guide_review_by_owner_confirms_it(test_manager: Any, client_for: Any) -> None:
    guide = GuideFactory(owner=test_manager, last_reviewed_on=dt.date.today() - dt.timedelta(days=400))
    response = client_for(test_manager).post(reverse("work:guide_review", args=[guide.slug]))
    assert response.status_code == 302
    guide.refresh_from_db()
    assert guide.last_reviewed_on == dt.date.today()
    assert [e.event_type for e in AuditEvent.objects.all()] == ["work.guide_reviewed"]


def test_guide_review_by_someone_else_is_refused(
    test_manager: Any, domain_support: Any, client_for: Any
) -> None:
    old = dt.date.today() - dt.timedelta(days=400)
    guide = GuideFactory(owner=test_manager, last_reviewed_on=old)
    response = client_for(domain_support).post(reverse("work:guide_review", args=[guide.slug]))
    assert response.status_code == 403
    guide.refresh_from_db()
    assert guide.last_reviewed_on == old
    assert not AuditEvent.objects.exists()


def test_guide_list_overdue_filter(auditor: Any, client_for: Any) -> None:
    GuideFactory(title="Vana juhend", last_reviewed_on=dt.date.today() - dt.timedelta(days=400))
    GuideFactory(title="Värske juhend")
    client = client_for(auditor)
    html = client.get(reverse("work:guide_list"), {"overdue": "true"}).content.decode()
    assert "Vana juhend" in html and "Värske juhend" not in html
    html = client.get(reverse("work:guide_list"), {"overdue": "false"}).content.decode()
    assert "Värske juhend" in html and "Vana juhend" not in html


def test_finance_gets_no_new_guide_button(finance_user: Any, client_for: Any) -> None:
    GuideFactory()
    html = client_for(finance_user).get(reverse("work:guide_list")).content.decode()
    assert 'id="guide-add"' not in html
    assert client_for(finance_user).get(reverse("work:guide_create")).status_code == 403


# --- desk and search -----------------------------------------------------------------------------


def _desk_guides(client: Any) -> str:
    html = client.get(reverse("core:desk")).content.decode()
    if 'data-widget="guides-review"' not in html:
        return ""
    return html.split('data-widget="guides-review"', 1)[1].split("</ul>", 1)[0]


def test_desk_shows_my_overdue_guides_until_reviewed(
    test_manager: Any, domain_support: Any, client_for: Any
) -> None:
    overdue = GuideFactory(
        owner=test_manager,
        title="Aegunud juhend",
        review_interval_days=30,
        last_reviewed_on=dt.date.today() - dt.timedelta(days=31),
    )
    GuideFactory(owner=test_manager, title="Täna vaadatud juhend")
    GuideFactory(
        owner=domain_support,
        title="Kellegi teise juhend",
        last_reviewed_on=dt.date.today() - dt.timedelta(days=800),
    )
    client = client_for(test_manager)
    widget = _desk_guides(client)
    assert "Aegunud juhend" in widget
    assert "Täna vaadatud juhend" not in widget
    assert "Kellegi teise juhend" not in widget

    assert client.post(reverse("work:guide_review", args=[overdue.slug])).status_code == 302
    assert "Aegunud juhend" not in _desk_guides(client)


def test_desk_guide_due_today_is_not_overdue(test_manager: Any, client_for: Any) -> None:
    GuideFactory(
        owner=test_manager,
        title="Täna tähtaeg",
        review_interval_days=30,
        last_reviewed_on=dt.date.today() - dt.timedelta(days=30),
    )
    assert "Täna tähtaeg" not in _desk_guides(client_for(test_manager))


def test_global_search_finds_partners_and_guides(domain_support: Any, client_for: Any) -> None:
    partner = PartnerFactory(name="Pensionikeskus AS", short_name="PK")
    guide = GuideFactory(title="Pensionikeskuse andmevahetus")
    response = client_for(domain_support).post(reverse("core:search"), {"q": "pensionikesk"})
    html = response.content.decode()
    assert reverse("work:partner_detail", args=[partner.pk]) in html
    assert reverse("work:guide_detail", args=[guide.slug]) in html


def test_global_search_hides_work_from_users_without_the_role(make_user: Any, client_for: Any) -> None:
    PartnerFactory(name="Pensionikeskus AS")
    GuideFactory(title="Pensionikeskuse andmevahetus")
    html = client_for(make_user()).post(reverse("core:search"), {"q": "pensionikesk"}).content.decode()
    assert "/work/partners/" not in html
    assert "/work/guides/" not in html


def test_guide_forms_prefill_the_owner_and_an_iso_date(test_manager: Any, client_for: Any) -> None:
    client = client_for(test_manager)
    html = client.get(reverse("work:guide_create")).content.decode()
    assert f'value="{dt.date.today().isoformat()}"' in html
    assert f'<option value="{test_manager.pk}" selected>' in html
    guide = GuideFactory(owner=test_manager, last_reviewed_on=dt.date(2026, 3, 31))
    client.cookies["tugi_language"] = "en"
    html = client.get(reverse("work:guide_edit", args=[guide.slug])).content.decode()
    assert 'value="2026-03-31"' in html
    assert f'<option value="{test_manager.pk}" selected>' in html
