"""The work area's API under /api/v1/work/: partners, contacts, guides."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from tests.factories import ContactFactory, GuideFactory, PartnerFactory
from tests.helpers import exactly_one_audit_event, no_audit_event
from tugi.core.models import Topic
from tugi.core.services import token_create
from tugi.work.models import ContactSubscription, Partner

pytestmark = pytest.mark.django_db

BASE = "/api/v1/work"


def _token_client(user: Any) -> Client:
    _token, text = token_create(user=user, name="test script", actor=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")


def test_anonymous_gets_401() -> None:
    PartnerFactory()
    assert Client().get(f"{BASE}/partners").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer tugi_not-a-token").get(f"{BASE}/partners").status_code == 401


def test_partner_list_and_one_partner(auditor: Any, client_for: Any) -> None:
    bank = PartnerFactory(name="AS SEB Pank", short_name="SEB", kind="bank")
    PartnerFactory(name="Tartu Linnavalitsus", kind="municipality")
    client = client_for(auditor)
    body = client.get(f"{BASE}/partners").json()
    assert body["count"] == 2
    assert [p["name"] for p in body["items"]] == ["AS SEB Pank", "Tartu Linnavalitsus"]
    body = client.get(f"{BASE}/partners", {"kind": "bank"}).json()
    assert [p["id"] for p in body["items"]] == [bank.pk]
    body = client.get(f"{BASE}/partners", {"q": "tartu"}).json()
    assert [p["name"] for p in body["items"]] == ["Tartu Linnavalitsus"]

    one = client.get(f"{BASE}/partners/{bank.pk}")
    assert one.status_code == 200
    assert one.json() == {
        "id": bank.pk,
        "name": "AS SEB Pank",
        "short_name": "SEB",
        "kind": "bank",
        "registry_code": "",
        "email": "",
        "phone": "",
        "website": "",
        "active": True,
    }
    assert client.get(f"{BASE}/partners/999999").status_code == 404


def test_user_without_role_sees_nothing(make_user: Any, client_for: Any) -> None:
    partner = PartnerFactory()
    client = client_for(make_user())
    assert client.get(f"{BASE}/partners").json()["count"] == 0
    assert client.get(f"{BASE}/partners/{partner.pk}").status_code == 404


def test_partner_create_with_a_token(domain_support: Any) -> None:
    client = _token_client(domain_support)
    with exactly_one_audit_event("work.partner_created") as events:
        response = client.post(
            f"{BASE}/partners",
            {
                "name": "Sotsiaalkindlustusamet",
                "kind": "agency",
                "email": "info@ska.example.com",
                "reason": "r",
            },
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Sotsiaalkindlustusamet"
    partner = Partner.objects.get(pk=body["id"])
    assert partner.email == "info@ska.example.com"
    assert events[0].actor == domain_support
    assert events[0].reason == "r"


def test_partner_create_with_the_session(domain_support: Any, client_for: Any) -> None:
    response = client_for(domain_support).post(
        f"{BASE}/partners", {"name": "Pensionikeskus", "kind": "registry"}, content_type="application/json"
    )
    assert response.status_code == 201
    assert Partner.objects.filter(name="Pensionikeskus").exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "Uus", "kind": "other", "email": "not-an-address"}, "email"),
        ({"name": "Uus", "kind": "spaceship"}, "kind"),
        ({"name": "", "kind": "other"}, "name"),
    ],
)
def test_partner_create_bad_input_is_422_naming_the_field(
    domain_support: Any, client_for: Any, payload: dict[str, Any], field: str
) -> None:
    with no_audit_event():
        response = client_for(domain_support).post(
            f"{BASE}/partners", payload, content_type="application/json"
        )
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not Partner.objects.exists()


def test_partner_create_missing_field_is_422(domain_support: Any, client_for: Any) -> None:
    response = client_for(domain_support).post(
        f"{BASE}/partners", {"name": "Uus"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "kind" in response.content.decode()
    assert not Partner.objects.exists()


def test_partner_create_refused_for_auditor(auditor: Any) -> None:
    client = _token_client(auditor)
    with no_audit_event():
        response = client.post(
            f"{BASE}/partners", {"name": "Uus", "kind": "other"}, content_type="application/json"
        )
    assert response.status_code == 403
    assert not Partner.objects.exists()


def test_partner_create_refused_for_finance(finance_user: Any, client_for: Any) -> None:
    response = client_for(finance_user).post(
        f"{BASE}/partners", {"name": "Uus", "kind": "other"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not Partner.objects.exists()


def test_contacts_by_topic(auditor: Any, client_for: Any) -> None:
    delivery = Topic.objects.get(code="delivery-schedule")
    clone = Topic.objects.get(code="clone-notice")
    kaarel = ContactFactory(name="Kaarel Kuusk")
    ContactSubscription.objects.create(contact=kaarel, topic=delivery)
    ContactSubscription.objects.create(contact=kaarel, topic=clone)
    oskar = ContactFactory(name="Oskar Vaher", partner=kaarel.partner)
    ContactSubscription.objects.create(contact=oskar, topic=clone)
    client = client_for(auditor)

    body = client.get(f"{BASE}/contacts", {"topic": "delivery-schedule"}).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["name"] == "Kaarel Kuusk"
    assert item["partner_id"] == kaarel.partner_id
    assert item["topics"] == ["clone-notice", "delivery-schedule"]

    body = client.get(f"{BASE}/contacts", {"topic": "clone-notice"}).json()
    assert sorted(c["name"] for c in body["items"]) == ["Kaarel Kuusk", "Oskar Vaher"]
    body = client.get(f"{BASE}/contacts", {"partner": kaarel.partner_id}).json()
    assert body["count"] == 2
    assert client.get(f"{BASE}/contacts", {"topic": "no-such-topic"}).json()["count"] == 0


def test_guides_list_and_one_guide_with_sanitised_html(auditor: Any, client_for: Any) -> None:
    owner_guide = GuideFactory(
        slug="testimise-juhend",
        title="Testimise juhend",
        area="testing",
        body="## Põhimõtted\n\n- UAT\n\n<script>alert(1)</script>\n\n[x](javascript:alert(2))\n\n"
        '<img src=x onerror="alert(3)">',
        review_interval_days=30,
        last_reviewed_on=dt.date.today() - dt.timedelta(days=60),
    )
    GuideFactory(slug="tugi-kasutamine", area="general")
    client = client_for(auditor)

    body = client.get(f"{BASE}/guides").json()
    assert body["count"] == 2
    body = client.get(f"{BASE}/guides", {"area": "testing"}).json()
    assert [g["slug"] for g in body["items"]] == ["testimise-juhend"]

    response = client.get(f"{BASE}/guides/testimise-juhend")
    assert response.status_code == 200
    guide = response.json()
    assert guide["title"] == "Testimise juhend"
    assert guide["owner"] == owner_guide.owner.username
    assert guide["version"] == 1
    assert guide["review_overdue"] is True
    assert guide["review_due_on"] == (owner_guide.last_reviewed_on + dt.timedelta(days=30)).isoformat()
    assert "<h2" in guide["html"] and "<li>UAT</li>" in guide["html"]
    html = guide["html"].lower()
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html
    assert "<script>" in guide["body"]  # the source text itself is returned as written
    assert client.get(f"{BASE}/guides/no-such-guide").status_code == 404


def test_guides_hidden_from_user_without_role(make_user: Any, client_for: Any) -> None:
    GuideFactory(slug="salajane")
    client = client_for(make_user())
    assert client.get(f"{BASE}/guides").json()["count"] == 0
    assert client.get(f"{BASE}/guides/salajane").status_code == 404


def test_guide_list_query_count_does_not_grow(auditor: Any, client_for: Any) -> None:
    from tests.helpers import assert_queries_do_not_grow

    client = client_for(auditor)
    GuideFactory()
    client.get(f"{BASE}/guides")
    assert_queries_do_not_grow(lambda: GuideFactory.create_batch(4), lambda: client.get(f"{BASE}/guides"))


def test_contact_list_query_count_does_not_grow(auditor: Any, client_for: Any) -> None:
    from tests.helpers import assert_queries_do_not_grow

    topic = Topic.objects.get(code="delivery-schedule")
    client = client_for(auditor)

    def more() -> None:
        for contact in ContactFactory.create_batch(3):
            ContactSubscription.objects.create(contact=contact, topic=topic)

    more()
    client.get(f"{BASE}/contacts")
    assert_queries_do_not_grow(more, lambda: client.get(f"{BASE}/contacts"))
