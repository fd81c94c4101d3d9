"""Reads of the shared kernel. Every read takes the user and returns only what they may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from .identity import clean_personal_code
from .models import ApiToken, AuditEvent, Job, Notification, Person, PersonalDataView, Topic, WorkerHeartbeat


def get_restricted(qs: QuerySet[Any], user: Any, action: str = "view", **lookup: Any) -> Any:
    """One object the user may ``action``; missing, forbidden and malformed ids answer alike (404)."""
    try:
        obj = qs.restrict(user, action).filter(**lookup).first()  # type: ignore[attr-defined]
    except (ValueError, ValidationError):  # e.g. "abc" as a numeric id or a UUID
        raise Http404 from None
    if obj is None:
        raise Http404
    return obj


def person_get(*, user: Any, uid: Any) -> Person:
    return get_restricted(Person.objects.all(), user, uid=uid)


def person_find_by_code(*, user: Any, personal_code: str) -> Person | None:
    code = clean_personal_code(personal_code)
    return Person.objects.restrict(user).filter(personal_code=code).first()


def persons_search(*, user: Any, query: str, limit: int = 20) -> QuerySet[Person]:
    """Persons by personal code (exact or its beginning) or by name."""
    qs = Person.objects.restrict(user)
    text = query.strip()
    if not text:
        return qs.none()
    if text.isdigit():
        return qs.filter(personal_code__startswith=text)[:limit] if len(text) >= 6 else qs.none()
    words = text.split()
    for word in words:
        qs = qs.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return qs[:limit]


def person_views(*, user: Any, person: Person, limit: int = 50) -> QuerySet[PersonalDataView]:
    """Who looked at this person's data (shown on the person's page)."""
    return person.views.select_related("viewer")[:limit]


def audit_events(*, user: Any) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.restrict(user).select_related("actor")


def job_get(*, user: Any, uid: Any) -> Job:
    return get_restricted(Job.objects.all(), user, uid=uid)


def jobs_recent(*, user: Any, limit: int = 10) -> QuerySet[Job]:
    return Job.objects.restrict(user).order_by("-created_at")[:limit]


def tokens_of(*, user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.restrict(user).filter(user=user)


def token_get(*, user: Any, pk: int) -> ApiToken:
    return get_restricted(ApiToken.objects.filter(user=user), user, "view", pk=pk)


def notifications_of(*, user: Any, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.restrict(user).filter(user=user)
    return qs.filter(read_at__isnull=True) if unread_only else qs


def topics_with_subscription(*, user: Any) -> list[tuple[Topic, set[str]]]:
    topics = list(Topic.objects.restrict(user).prefetch_related("user_subscriptions"))
    return [(t, {s.channel for s in t.user_subscriptions.all() if s.user_id == user.pk}) for t in topics]


def worker_last_seen() -> dt.datetime | None:
    beat = WorkerHeartbeat.objects.order_by("-seen_at").first()
    return beat.seen_at if beat else None


def worker_is_alive(stale_after: dt.timedelta) -> bool:
    seen = worker_last_seen()
    return seen is not None and timezone.now() - seen <= stale_after
