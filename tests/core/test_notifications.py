"""Notifications: in-app and e-mail through an outbox with retries, deduplicated by key."""

from __future__ import annotations

import datetime as dt
from email.utils import parseaddr
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import sanitize_address
from django.utils import timezone

from tests.factories import TopicFactory
from tests.helpers import exactly_one_audit_event, no_audit_event
from tugi.core.audit import CoreEvent
from tugi.core.models import (
    AuditEvent,
    Notification,
    OutboxMessage,
    OutboxStatus,
    ScheduledRun,
    Topic,
    UserSubscription,
)
from tugi.core.registry import registry
from tugi.core.services import (
    notification_mark_read,
    notify,
    outbox_deliver,
    start_periodic_due,
    subscription_create,
    subscription_delete,
)

pytestmark = pytest.mark.django_db


class FailingBackend(BaseEmailBackend):
    """An SMTP server that is down."""

    def send_messages(self, email_messages: Any) -> int:
        raise OSError("connection refused")


class StrictBackend(BaseEmailBackend):
    """Checks each address the way the SMTP backend does before it talks to the server."""

    sent: list[list[str]] = []

    def send_messages(self, email_messages: Any) -> int:
        for message in email_messages:
            StrictBackend.sent.append([sanitize_address(a, "utf-8") for a in message.recipients()])
        return len(email_messages)


class SecondWorkerBackend(BaseEmailBackend):
    """While it sends, a second worker delivers the outbox too (as two `tugi worker` processes do)."""

    sent: list[str] = []
    busy = False

    def send_messages(self, email_messages: Any) -> int:
        if not SecondWorkerBackend.busy:
            SecondWorkerBackend.busy = True
            try:
                outbox_deliver()
            finally:
                SecondWorkerBackend.busy = False
        SecondWorkerBackend.sent.extend(m.subject for m in email_messages)
        return len(email_messages)


FAILING = f"{__name__}.FailingBackend"


@pytest.fixture
def topic(db: Any) -> Topic:
    return TopicFactory(code="clone-test", name="Clone notices")


@pytest.fixture
def subscribers(topic: Topic, make_user: Any) -> dict[str, Any]:
    by_mail = make_user(username="mailer", email="mailer@tugi.example.com", first_name="Mai", last_name="Ler")
    in_app = make_user(username="inapp")
    both = make_user(username="both")
    gone = make_user(username="gone", is_active=False)
    make_user(username="bystander")
    for user, channel in [
        (by_mail, "email"),
        (in_app, "in_app"),
        (both, "email"),
        (both, "in_app"),
        (gone, "email"),
    ]:
        UserSubscription.objects.create(topic=topic, user=user, channel=channel)
    return {"mail": by_mail, "in_app": in_app, "both": both}


def _notify(actor: Any, key: str = "clone-2025-06") -> dict[str, int]:
    return notify(
        topic="clone-test",
        subject="Pre-production is cloned on Friday",
        body="Plan your tests.",
        actor=actor,
        dedup_key=key,
        url="/work/",
    )


def test_notify_mails_email_subscribers_and_notifies_in_app_ones(
    topic: Topic, subscribers: dict[str, Any], system: Any
) -> None:
    with exactly_one_audit_event(CoreEvent.NOTIFIED) as events:
        summary = _notify(system)
    assert summary == {"emails": 2, "in_app": 2}
    assert sorted(OutboxMessage.objects.values_list("to_email", flat=True)) == [
        "both@tugi.example.com",
        "mailer@tugi.example.com",
    ]
    mailer = OutboxMessage.objects.get(to_email="mailer@tugi.example.com")
    assert (mailer.to_name, mailer.status, mailer.topic) == ("Mai Ler", OutboxStatus.PENDING, topic)
    assert sorted(Notification.objects.values_list("user__username", flat=True)) == ["both", "inapp"]
    note = Notification.objects.get(user=subscribers["in_app"])
    assert (note.subject, note.url, note.read_at) == ("Pre-production is cloned on Friday", "/work/", None)
    assert events[0].after["emails"] == 2 and events[0].actor == system


def test_same_dedup_key_sends_nothing_new_and_audits_nothing(
    topic: Topic, subscribers: dict[str, Any], system: Any
) -> None:
    _notify(system)
    with no_audit_event():
        assert _notify(system) == {"emails": 0, "in_app": 0}
    assert OutboxMessage.objects.count() == 2
    assert Notification.objects.count() == 2
    assert _notify(system, key="clone-2025-07") == {"emails": 2, "in_app": 2}


def test_a_new_subscriber_gets_a_repeated_notice_others_do_not(
    topic: Topic, subscribers: dict[str, Any], system: Any, make_user: Any
) -> None:
    _notify(system)
    late = make_user(username="late")
    UserSubscription.objects.create(topic=topic, user=late, channel="in_app")
    assert _notify(system) == {"emails": 0, "in_app": 1}


def test_a_personal_message_reaches_only_the_named_user_not_the_subscribers(
    topic: Topic, subscribers: dict[str, Any], system: Any, make_user: Any
) -> None:
    owner = make_user(username="owner", email="owner@tugi.example.com")
    summary = notify(
        topic="clone-test",
        subject="Your week",
        body="Two tasks wait for you.",
        actor=system,
        dedup_key="week-owner",
        users=[owner],
        personal=True,
    )
    assert summary == {"emails": 1, "in_app": 1}
    assert list(OutboxMessage.objects.values_list("to_email", flat=True)) == ["owner@tugi.example.com"]
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["owner"]


def test_unknown_topic_is_refused(system: Any) -> None:
    with no_audit_event(), pytest.raises(ValidationError) as info:
        notify(topic="no-such-topic", subject="s", body="b", actor=system, dedup_key="k")
    assert list(info.value.message_dict) == ["topic"]


def test_empty_dedup_key_is_refused(topic: Topic, system: Any) -> None:
    with pytest.raises(ValidationError) as info:
        notify(topic="clone-test", subject="s", body="b", actor=system, dedup_key="")
    assert list(info.value.message_dict) == ["dedup_key"]


def test_notify_delivers_after_commit(
    topic: Topic, subscribers: dict[str, Any], system: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _notify(system)
    assert {parseaddr(m.to[0]) for m in mail.outbox} == {
        (subscribers["both"].get_full_name(), "both@tugi.example.com"),
        ("Mai Ler", "mailer@tugi.example.com"),
    }
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}


# --- outbox --------------------------------------------------------------------------------------


def _message(**kwargs: Any) -> OutboxMessage:
    data = {"dedup_key": "k", "to_email": "reader@tugi.example.com", "subject": "Hello", "body": "Body"}
    return OutboxMessage.objects.create(**{**data, **kwargs})


def test_outbox_sends_due_messages(db: Any, settings: Any) -> None:
    message = _message(to_name="Lugeja")
    later = _message(dedup_key="later", next_attempt_at=timezone.now() + dt.timedelta(hours=1))
    assert outbox_deliver() == {"sent": 1, "failed": 0}
    (sent,) = mail.outbox
    assert (sent.subject, sent.body, sent.to) == ("Hello", "Body", ["Lugeja <reader@tugi.example.com>"])
    assert sent.from_email == settings.DEFAULT_FROM_EMAIL
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (OutboxStatus.SENT, 1, "")
    assert message.sent_at is not None
    later.refresh_from_db()
    assert later.status == OutboxStatus.PENDING
    assert outbox_deliver() == {"sent": 0, "failed": 0}  # a sent message is not sent again
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("name", ["Tamm, Mari", "Jüri Õun", 'Mari "Mammu" Tamm'])
def test_outbox_addresses_one_recipient_whatever_the_name(db: Any, settings: Any, name: str) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.StrictBackend"
    StrictBackend.sent = []
    message = _message(to_name=name)
    assert outbox_deliver() == {"sent": 1, "failed": 0}
    ((address,),) = StrictBackend.sent
    assert parseaddr(address)[1] == "reader@tugi.example.com"
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT


def test_two_workers_do_not_send_the_same_message_twice(db: Any, settings: Any) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.SecondWorkerBackend"
    SecondWorkerBackend.sent = []
    _message(subject="one")
    _message(dedup_key="k2", subject="two")
    outbox_deliver()
    assert sorted(SecondWorkerBackend.sent) == ["one", "two"]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}


def test_outbox_retries_later_and_gives_up_after_max_attempts(db: Any, settings: Any) -> None:
    settings.EMAIL_BACKEND = FAILING
    settings.OUTBOX_MAX_ATTEMPTS = 3
    message = _message()
    now = timezone.now()
    assert outbox_deliver(now=now) == {"sent": 0, "failed": 1}
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
    assert message.next_attempt_at > now
    assert "OSError" in message.last_error and "connection refused" in message.last_error
    assert outbox_deliver(now=now) == {"sent": 0, "failed": 0}  # not due yet
    first_wait = message.next_attempt_at - now
    now = message.next_attempt_at
    outbox_deliver(now=now)
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_attempt_at - now > first_wait  # waits longer each time
    now = message.next_attempt_at
    outbox_deliver(now=now)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, 3)
    assert outbox_deliver(now=now + dt.timedelta(days=2)) == {"sent": 0, "failed": 0}
    message.refresh_from_db()
    assert message.attempts == 3
    assert mail.outbox == []


def test_outbox_recovers_when_the_server_is_back(db: Any, settings: Any) -> None:
    settings.EMAIL_BACKEND = FAILING
    message = _message()
    now = timezone.now()
    outbox_deliver(now=now)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox_deliver(now=now + dt.timedelta(minutes=5)) == {"sent": 1, "failed": 0}
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (OutboxStatus.SENT, 2, "")


# --- periodic starts -----------------------------------------------------------------------------


def test_periodic_jobs_start_once_per_period(db: Any, monkeypatch: Any) -> None:
    from tugi.core.registry import Periodic

    calls: list[str] = []
    monkeypatch.setattr(
        registry,
        "periodic",
        {"nightly": Periodic("nightly", dt.timedelta(hours=1), lambda actor, key: calls.append(key))},
    )
    now = dt.datetime(2025, 6, 2, 10, 15, tzinfo=dt.UTC)
    assert start_periodic_due(now=now) == ["nightly"]
    assert start_periodic_due(now=now) == []
    assert start_periodic_due(now=now + dt.timedelta(minutes=59)) == []
    assert start_periodic_due(now=now + dt.timedelta(hours=1)) == ["nightly"]
    assert calls == ["2025-06-02T10:00", "2025-06-02T11:00"]
    assert ScheduledRun.objects.get(name="nightly").last_run_at == now + dt.timedelta(hours=1)


def test_registered_outbox_delivery_runs_once_per_period(db: Any) -> None:
    _message()
    now = timezone.now()
    started = start_periodic_due(now=now)
    assert "outbox-delivery" in started
    assert len(mail.outbox) == 1  # the immediate task backend delivered it
    _message(dedup_key="second")
    assert "outbox-delivery" not in start_periodic_due(now=now)
    assert len(mail.outbox) == 1


# --- subscriptions and reading -------------------------------------------------------------------


def test_subscribe_and_unsubscribe_are_audited(topic: Topic, domain_support: Any) -> None:
    with exactly_one_audit_event(CoreEvent.SUBSCRIBED):
        sub = subscription_create(topic=topic, user=domain_support, channel="email", actor=domain_support)
    with no_audit_event():
        assert (
            subscription_create(topic=topic, user=domain_support, channel="email", actor=domain_support)
            == sub
        )
    with exactly_one_audit_event(CoreEvent.UNSUBSCRIBED):
        subscription_delete(subscription=sub, actor=domain_support)
    assert not UserSubscription.objects.exists()


def test_email_subscription_needs_an_address(topic: Topic, make_user: Any) -> None:
    from tugi.core.roles import Role

    user = make_user(Role.DOMAIN_SUPPORT, email="")
    with pytest.raises(ValidationError) as info:
        subscription_create(topic=topic, user=user, channel="email", actor=user)
    assert "channel" in info.value.message_dict


def test_marking_read_is_audited_once_and_only_for_the_owner(
    topic: Topic, subscribers: dict[str, Any], system: Any
) -> None:
    _notify(system)
    note = Notification.objects.get(user=subscribers["in_app"])
    with pytest.raises(PermissionDenied):
        notification_mark_read(notification=note, actor=subscribers["both"])
    with exactly_one_audit_event(CoreEvent.NOTIFICATION_READ):
        notification_mark_read(notification=note, actor=subscribers["in_app"])
    with no_audit_event():
        notification_mark_read(notification=note, actor=subscribers["in_app"])
    note.refresh_from_db()
    assert note.read_at is not None
    assert AuditEvent.objects.filter(event_type=CoreEvent.NOTIFICATION_READ).count() == 1


# --- the subscriptions page ----------------------------------------------------------------------


def test_subscriptions_page_subscribes_and_unsubscribes(
    topic: Topic, domain_support: Any, client_for: Any
) -> None:
    from django.urls import reverse

    client = client_for(domain_support)
    url = reverse("core:subscriptions")
    assert client.post(url, {"topic": topic.pk, "channel": "email"}).status_code == 302
    assert UserSubscription.objects.filter(user=domain_support, topic=topic, channel="email").exists()
    client.post(url, {"topic": topic.pk, "channel": "email", "action": "unsubscribe"})
    assert not UserSubscription.objects.exists()


@pytest.mark.parametrize("topic_id", ["abc", "", "999999", "1; DROP TABLE"])
def test_subscriptions_page_answers_404_for_a_bad_topic(
    topic: Topic, domain_support: Any, client_for: Any, topic_id: str
) -> None:
    from django.urls import reverse

    with no_audit_event():
        response = client_for(domain_support).post(
            reverse("core:subscriptions"), {"topic": topic_id, "channel": "in_app"}
        )
    assert response.status_code == 404
    assert not UserSubscription.objects.exists()


@pytest.mark.django_db
def test_the_same_address_in_another_letter_case_is_not_mailed_twice(make_user: Any, system: Any) -> None:
    from tugi.core.models import OutboxMessage, Topic, UserSubscription
    from tugi.core.registry import Recipient, registry
    from tugi.core.services import notify

    topic = Topic.objects.get(code="clone-notice")
    user = make_user(email="Mari.Tamm@Tugi.Example.com")
    UserSubscription.objects.create(topic=topic, user=user, channel="email")
    shouted = [Recipient("MARI.TAMM@TUGI.EXAMPLE.COM", "Mari Tamm")]
    provider = lambda code: shouted if code == "clone-notice" else []  # noqa: E731
    registry.recipient_providers.append(provider)
    try:
        notify(topic="clone-notice", subject="Kloon", body="x", actor=system, dedup_key="clone-1")
        notify(topic="clone-notice", subject="Kloon", body="x", actor=system, dedup_key="clone-1")
    finally:
        registry.recipient_providers.remove(provider)
    assert list(OutboxMessage.objects.filter(dedup_key="clone-1").values_list("to_email", flat=True)) == [
        "mari.tamm@tugi.example.com"
    ]


@pytest.mark.django_db
def test_named_users_are_told_in_tugi_and_by_email_once(make_user: Any, system: Any) -> None:
    from tugi.core.models import Notification, OutboxMessage
    from tugi.core.services import notify

    approver = make_user(email="approver@tugi.example.com")
    no_mail = make_user(email="")
    for _ in range(2):
        notify(
            topic="clone-notice",
            subject="Otsus ootab",
            body="x",
            actor=system,
            dedup_key="req-1",
            users=[approver, no_mail, approver],
        )
    assert sorted(Notification.objects.filter(dedup_key="req-1").values_list("user_id", flat=True)) == sorted(
        [approver.pk, no_mail.pk]
    )
    assert list(OutboxMessage.objects.filter(dedup_key="req-1").values_list("to_email", flat=True)) == [
        "approver@tugi.example.com"
    ]
