"""Topics, subscriptions, and the one service every area calls to notify: ``notify``.

E-mail goes through an outbox delivered by the worker with retries; in-app notifications are
written at once. The outbox row keeps every delivery attempt (count, last error, time sent).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from email.utils import formataddr
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..audit import CoreEvent, audit_record
from ..models import Channel, Notification, OutboxMessage, OutboxStatus, Topic, UserSubscription
from ..permissions import require
from ..registry import Recipient, registry

logger = logging.getLogger(__name__)


@transaction.atomic
def topic_ensure(*, code: str, name: str, actor: Any, description: str = "") -> Topic:
    """The topic with ``code``, created if it does not exist yet."""
    topic = Topic.objects.filter(code=code).first()
    if topic is not None:
        return topic
    require(actor, "core.add_topic")
    topic = Topic(code=code, name=name, description=description)
    topic.full_clean()
    topic.save()
    audit_record(event=CoreEvent.TOPIC_CREATED, actor=actor, obj=topic, after=topic.audit_snapshot())
    return topic


@transaction.atomic
def subscription_create(*, topic: Topic, user: Any, channel: str, actor: Any) -> UserSubscription:
    require(actor, "core.add_usersubscription")
    if user.pk != actor.pk and not actor.is_superuser:
        raise PermissionDenied(_("You can manage only your own subscriptions."))
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Choose the channel: e-mail or in Tugi.")})
    if channel == Channel.EMAIL and not user.email:
        raise ValidationError(
            {"channel": _("Your account has no e-mail address; choose the channel in Tugi.")}
        )
    existing = UserSubscription.objects.filter(topic=topic, user=user, channel=channel).first()
    if existing is not None:
        return existing
    sub = UserSubscription.objects.create(topic=topic, user=user, channel=channel)
    audit_record(event=CoreEvent.SUBSCRIBED, actor=actor, obj=sub, after=sub.audit_snapshot())
    return sub


@transaction.atomic
def subscription_delete(*, subscription: UserSubscription, actor: Any) -> None:
    require(actor, "core.delete_usersubscription")
    if subscription.user_id != actor.pk and not actor.is_superuser:
        raise PermissionDenied(_("You can manage only your own subscriptions."))
    before = subscription.audit_snapshot()
    audit_record(event=CoreEvent.UNSUBSCRIBED, actor=actor, obj=subscription, before=before)
    subscription.delete()


def _recipients(topic: Topic) -> tuple[list[Recipient], list[Any]]:
    emails: dict[str, Recipient] = {}
    in_app: list[Any] = []
    for sub in topic.user_subscriptions.select_related("user").filter(user__is_active=True):
        if sub.channel == Channel.EMAIL and sub.user.email:
            emails.setdefault(
                sub.user.email.lower(), Recipient(sub.user.email, sub.user.get_full_name(), sub.user.pk)
            )
        elif sub.channel == Channel.IN_APP:
            in_app.append(sub.user)
    for provider in registry.recipient_providers:
        for recipient in provider(topic.code):
            emails.setdefault(recipient.email.lower(), recipient)
    return list(emails.values()), in_app


def notify(
    *,
    topic: str,
    subject: str,
    body: str,
    actor: Any,
    dedup_key: str,
    url: str = "",
    reason: str = "",
    users: Iterable[Any] = (),
    emails: Iterable[Recipient] = (),
    html: str = "",
    personal: bool = False,
) -> dict[str, int]:
    """Tell everyone subscribed to ``topic`` and the named ``users`` (an approver, an owner): the
    named users in Tugi and, if they have an address, by e-mail. The same ``dedup_key`` never
    reaches the same person twice. ``html``, when given, goes with the e-mail as its HTML version.

    A ``personal`` message (a user's own weekly summary, a reminder of their own task) goes only
    to the named users and addresses, never to the topic's subscribers."""
    if not dedup_key:
        raise ValidationError({"dedup_key": _("A notification needs a key that makes it unique.")})
    from ..tasks import deliver_outbox_task

    with transaction.atomic():
        topic_obj = Topic.objects.filter(code=topic).first()
        if topic_obj is None:
            raise ValidationError({"topic": _("Unknown topic %(code)s.") % {"code": topic}})
        mail_to, subscribers = ([], []) if personal else _recipients(topic_obj)
        named = [u for u in users if u is not None and u.is_active]
        in_app = list({u.pk: u for u in [*subscribers, *named]}.values())
        seen_emails = {r.email.lower() for r in mail_to}
        extra = [Recipient(u.email, u.get_full_name(), u.pk) for u in named if u.email] + list(emails)
        for recipient in extra:
            if recipient.email and recipient.email.lower() not in seen_emails:
                seen_emails.add(recipient.email.lower())
                mail_to.append(recipient)
        known_emails = {
            e.lower()
            for e in OutboxMessage.objects.filter(dedup_key=dedup_key).values_list("to_email", flat=True)
        }
        known_users = set(Notification.objects.filter(dedup_key=dedup_key).values_list("user_id", flat=True))
        new_mail = [
            OutboxMessage(
                topic=topic_obj,
                dedup_key=dedup_key,
                to_email=r.email.lower(),
                to_name=r.name,
                subject=subject[:250],
                body=body,
                html_body=html,
            )
            for r in mail_to
            if r.email.lower() not in known_emails
        ]
        new_notes = [
            Notification(
                user=u, topic=topic_obj, dedup_key=dedup_key, subject=subject[:250], body=body, url=url
            )
            for u in in_app
            if u.pk not in known_users
        ]
        OutboxMessage.objects.bulk_create(new_mail)
        Notification.objects.bulk_create(new_notes)
        summary = {"emails": len(new_mail), "in_app": len(new_notes)}
        if new_mail or new_notes:
            audit_record(
                event=CoreEvent.NOTIFIED,
                actor=actor,
                obj=topic_obj,
                after={"subject": subject, "dedup_key": dedup_key, **summary},
                reason=reason,
            )
        if new_mail:
            transaction.on_commit(lambda: deliver_outbox_task.enqueue())
    return summary


@transaction.atomic
def notification_mark_read(*, notification: Notification, actor: Any) -> Notification:
    if notification.user_id != actor.pk:
        raise PermissionDenied(_("This notification is not yours."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])
        audit_record(
            event=CoreEvent.NOTIFICATION_READ,
            actor=actor,
            obj=notification,
            before={"read_at": None},
            after={"read_at": notification.read_at},
        )
    return notification


def retry_delay(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 … minutes after each failed attempt, at most a day."""
    return min(dt.timedelta(minutes=2 ** max(0, attempts - 1)), dt.timedelta(days=1))


OUTBOX_CLAIM = dt.timedelta(minutes=10)


def outbox_deliver(*, now: dt.datetime | None = None, limit: int = 200) -> dict[str, int]:
    """Send due e-mails. A failure waits longer each time and gives up after OUTBOX_MAX_ATTEMPTS."""
    now = now or timezone.now()
    sent = failed = 0
    due = OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now).order_by("pk")[
        :limit
    ]
    for message in due:
        # Claim the message first: a second worker that read the same row skips it instead of
        # sending the e-mail twice. If this process dies while sending, the claim runs out.
        claimed = OutboxMessage.objects.filter(
            pk=message.pk, status=OutboxStatus.PENDING, next_attempt_at__lte=now
        ).update(next_attempt_at=now + OUTBOX_CLAIM)
        if not claimed:
            continue
        try:
            email = EmailMultiAlternatives(
                subject=message.subject,
                body=message.body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                # formataddr quotes a name such as "Tamm, Mari" that would otherwise read as two addresses
                to=[formataddr((message.to_name, message.to_email)) if message.to_name else message.to_email],
                headers={"X-Tugi-Message": str(message.pk)},
            )
            if message.html_body:
                email.attach_alternative(message.html_body, "text/html")
            email.send()
        except (OSError, IntegrityError, ValueError) as exc:
            message.attempts += 1
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                message.status = OutboxStatus.FAILED
            message.next_attempt_at = now + retry_delay(message.attempts)
            failed += 1
            logger.warning("outbox message %s not delivered (attempt %s)", message.pk, message.attempts)
        else:
            message.attempts += 1
            message.status, message.sent_at, message.last_error = OutboxStatus.SENT, now, ""
            sent += 1
        message.save(
            update_fields=["attempts", "status", "sent_at", "last_error", "next_attempt_at", "updated_at"]
        )
    return {"sent": sent, "failed": failed}
