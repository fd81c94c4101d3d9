"""Reads of the work area."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F, QuerySet

from tugi.core.registry import Recipient

from .models import Contact, ContactSubscription, Guide, Partner


def partners(*, user: Any) -> QuerySet[Partner]:
    return Partner.objects.restrict(user)


def contacts(*, user: Any) -> QuerySet[Contact]:
    return Contact.objects.restrict(user).select_related("partner")


def guides(*, user: Any) -> QuerySet[Guide]:
    return Guide.objects.restrict(user).select_related("owner")


def guides_review_overdue(*, user: Any, owner: Any, today: dt.date | None = None) -> list[Guide]:
    """The owner's guides whose review date has passed."""
    today = today or dt.date.today()
    qs = guides(user=user).filter(owner=owner, last_reviewed_on__lt=today)
    return [g for g in qs.order_by(F("last_reviewed_on").asc()) if g.is_review_overdue(today)]


def topic_contact_recipients(topic_code: str) -> list[Recipient]:
    """E-mail recipients among partners' contacts for a topic (used by core's notify)."""
    subs = ContactSubscription.objects.filter(
        topic__code=topic_code, contact__active=True, contact__partner__active=True
    ).select_related("contact")
    # a stable order, so that the same address is always offered in the same spelling
    return [Recipient(s.contact.email, s.contact.name) for s in subs.order_by("contact_id")]
