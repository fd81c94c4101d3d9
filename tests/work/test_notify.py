"""Partners' contacts receive e-mail about the topics they are subscribed to."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from tests.factories import ContactFactory, PartnerFactory
from tugi.core.models import OutboxMessage, OutboxStatus, Topic
from tugi.core.services import notify
from tugi.work import services
from tugi.work.models import ContactSubscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivery() -> Topic:
    return Topic.objects.get(code="delivery-schedule")  # created by a migration


def _notify(system: Any, key: str = "release-2026-12") -> dict[str, int]:
    return notify(
        topic="delivery-schedule",
        subject="SKAIS tarne 2026.12 nihkub",
        body="Tarne toimub 10. detsembril.",
        actor=system,
        dedup_key=key,
    )


def test_subscribed_contact_gets_an_outbox_email(
    delivery: Topic, system: Any, domain_support: Any, django_capture_on_commit_callbacks: Any
) -> None:
    contact = ContactFactory(name="Kaarel Kuusk", email="kaarel.kuusk@tehik.example.com")
    services.contact_subscribe(contact=contact, topic=delivery, actor=domain_support)
    with django_capture_on_commit_callbacks(execute=True):
        summary = _notify(system)
    assert summary["emails"] == 1
    message = OutboxMessage.objects.get(to_email="kaarel.kuusk@tehik.example.com")
    assert message.to_name == "Kaarel Kuusk"
    assert message.topic == delivery
    assert message.subject == "SKAIS tarne 2026.12 nihkub"
    # the immediate task backend delivered it after the commit
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert [m.to for m in mail.outbox] == [["Kaarel Kuusk <kaarel.kuusk@tehik.example.com>"]]


def test_same_key_never_sends_twice(delivery: Topic, system: Any) -> None:
    ContactSubscription.objects.create(contact=ContactFactory(), topic=delivery)
    assert _notify(system)["emails"] == 1
    assert _notify(system)["emails"] == 0
    assert OutboxMessage.objects.count() == 1


def test_inactive_contact_gets_nothing(delivery: Topic, system: Any) -> None:
    ContactSubscription.objects.create(contact=ContactFactory(active=False), topic=delivery)
    assert _notify(system)["emails"] == 0
    assert not OutboxMessage.objects.exists()


def test_contact_of_inactive_partner_gets_nothing(delivery: Topic, system: Any) -> None:
    partner = PartnerFactory(active=False)
    ContactSubscription.objects.create(contact=ContactFactory(partner=partner), topic=delivery)
    assert _notify(system)["emails"] == 0
    assert not OutboxMessage.objects.exists()


def test_contact_of_another_topic_gets_nothing(system: Any) -> None:
    clone = Topic.objects.get(code="clone-notice")
    ContactSubscription.objects.create(contact=ContactFactory(), topic=clone)
    assert _notify(system)["emails"] == 0


def test_unsubscribed_contact_gets_nothing(delivery: Topic, system: Any, domain_support: Any) -> None:
    contact = ContactFactory()
    sub = services.contact_subscribe(contact=contact, topic=delivery, actor=domain_support)
    services.contact_unsubscribe(subscription=sub, actor=domain_support)
    assert _notify(system)["emails"] == 0


def test_same_address_at_two_partners_gets_one_email(delivery: Topic, system: Any) -> None:
    for partner in (PartnerFactory(), PartnerFactory()):
        contact = ContactFactory(partner=partner, email="Sama.Inimene@example.com")
        ContactSubscription.objects.create(contact=contact, topic=delivery)
    assert _notify(system)["emails"] == 1
