"""Writes of the partners topic: partners, contacts, their subscriptions."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tugi.core.audit import audit_record
from tugi.core.crud import assign, save_changes, save_new
from tugi.core.models import Topic
from tugi.core.permissions import require

from ..audit_events import WorkEvent
from ..models import Contact, ContactSubscription, Partner

PARTNER_FIELDS = (
    "name",
    "short_name",
    "kind",
    "registry_code",
    "email",
    "phone",
    "website",
    "notes",
    "active",
)
CONTACT_FIELDS = ("name", "role", "email", "phone", "active")


def _assign(obj: Any, fields: tuple[str, ...], values: dict[str, Any]) -> None:
    assign(obj, values, fields, keep_spaces=["body"])


@transaction.atomic
def partner_create(*, actor: Any, reason: str = "", **values: Any) -> Partner:
    require(actor, "work.add_partner")
    partner = Partner()
    _assign(partner, PARTNER_FIELDS, values)
    return save_new(partner, event=WorkEvent.PARTNER_CREATED, actor=actor, reason=reason)


@transaction.atomic
def partner_update(*, partner: Partner, actor: Any, reason: str = "", **values: Any) -> Partner:
    require(actor, "work.change_partner")
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    before = partner.audit_snapshot()
    _assign(partner, PARTNER_FIELDS, values)
    save_changes(partner, before, event=WorkEvent.PARTNER_UPDATED, actor=actor, reason=reason)
    return partner


def _check_contact(contact: Contact) -> None:
    """One contact per e-mail address at a partner, whatever the letter case."""
    same = Contact.objects.filter(partner_id=contact.partner_id, email__iexact=contact.email)
    if contact.email and same.exclude(pk=contact.pk).exists():
        raise ValidationError({"email": _("This partner already has a contact with this e-mail address.")})


@transaction.atomic
def contact_create(
    *, partner: Partner, actor: Any, reason: str = "", topics: Any = None, **values: Any
) -> Contact:
    """Add a contact; with ``topics``, subscribe it to exactly those in the same transaction."""
    require(actor, "work.add_contact")
    contact = Contact(partner=partner)
    _assign(contact, CONTACT_FIELDS, values)
    _check_contact(contact)
    save_new(contact, event=WorkEvent.CONTACT_CREATED, actor=actor, reason=reason)
    if topics is not None:
        contact_topics_set(contact=contact, topics=topics, actor=actor, reason=reason)
    return contact


@transaction.atomic
def contact_update(
    *, contact: Contact, actor: Any, reason: str = "", topics: Any = None, **values: Any
) -> Contact:
    """Change a contact; with ``topics``, subscribe it to exactly those in the same transaction."""
    require(actor, "work.change_contact")
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    before = contact.audit_snapshot()
    _assign(contact, CONTACT_FIELDS, values)
    _check_contact(contact)
    save_changes(contact, before, event=WorkEvent.CONTACT_UPDATED, actor=actor, reason=reason)
    if topics is not None:
        contact_topics_set(contact=contact, topics=topics, actor=actor, reason=reason)
    return contact


@transaction.atomic
def contact_delete(*, contact: Contact, actor: Any, reason: str = "") -> None:
    """Delete a contact with its subscriptions; the audit event keeps the topics it had."""
    require(actor, "work.delete_contact")
    before = contact.audit_snapshot()
    before["topics"] = sorted(
        ContactSubscription.objects.filter(contact=contact).values_list("topic__code", flat=True)
    )
    audit_record(event=WorkEvent.CONTACT_DELETED, actor=actor, obj=contact, before=before, reason=reason)
    contact.delete()


@transaction.atomic
def contact_subscribe(*, contact: Contact, topic: Topic, actor: Any, reason: str = "") -> ContactSubscription:
    require(actor, "work.add_contactsubscription")
    existing = ContactSubscription.objects.filter(contact=contact, topic=topic).first()
    if existing is not None:
        return existing
    sub = ContactSubscription.objects.create(contact=contact, topic=topic)
    audit_record(
        event=WorkEvent.CONTACT_SUBSCRIBED, actor=actor, obj=sub, after=sub.audit_snapshot(), reason=reason
    )
    return sub


@transaction.atomic
def contact_unsubscribe(*, subscription: ContactSubscription, actor: Any, reason: str = "") -> None:
    require(actor, "work.delete_contactsubscription")
    audit_record(
        event=WorkEvent.CONTACT_UNSUBSCRIBED,
        actor=actor,
        obj=subscription,
        before=subscription.audit_snapshot(),
        reason=reason,
    )
    subscription.delete()


@transaction.atomic
def contact_topics_set(*, contact: Contact, topics: Any, actor: Any, reason: str = "") -> None:
    """Subscribe ``contact`` to exactly ``topics``: one audit event per subscription added or removed."""
    wanted = {t.pk: t for t in topics}
    for sub in ContactSubscription.objects.filter(contact=contact):
        if sub.topic_id not in wanted:
            contact_unsubscribe(subscription=sub, actor=actor, reason=reason)
    for topic in wanted.values():
        contact_subscribe(contact=contact, topic=topic, actor=actor, reason=reason)
