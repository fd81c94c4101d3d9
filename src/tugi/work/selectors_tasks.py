"""Reads of the tasks topic: tasks a user may see, overdue tasks of an assignee and of a manager."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from tugi.core.querysets import sees_everything
from tugi.core.selectors import get_restricted

from .models import Task


def tasks(*, user: Any) -> QuerySet[Task]:
    """Tasks given to ``user`` or by ``user``; administrators and auditors see every task."""
    qs = Task.objects.restrict(user).select_related("assignee", "created_by")
    if user.is_authenticated and not sees_everything(user):
        qs = qs.filter(Q(assignee=user) | Q(created_by=user))
    return qs


def task_get(*, user: Any, pk: Any, action: str = "view") -> Task:
    return get_restricted(tasks(user=user), user, action, pk=pk)


def overdue_of_assignee(*, user: Any, today: dt.date | None = None) -> QuerySet[Task]:
    today = today or timezone.localdate()
    return (
        Task.objects.filter(assignee=user, done_at__isnull=True, due_on__lt=today)
        .select_related("created_by")
        .order_by("due_on", "pk")
    )


def overdue_of_manager(*, user: Any, today: dt.date | None = None) -> QuerySet[Task]:
    today = today or timezone.localdate()
    return (
        Task.objects.filter(created_by=user, done_at__isnull=True, due_on__lt=today)
        .exclude(assignee=user)
        .select_related("assignee")
        .order_by("due_on", "pk")
    )


def overdue_of_user(*, user: Any, today: dt.date | None = None) -> QuerySet[Task]:
    """Overdue tasks given to ``user`` or by ``user`` (for the desk cards)."""
    today = today or timezone.localdate()
    return (
        Task.objects.filter(Q(assignee=user) | Q(created_by=user), done_at__isnull=True, due_on__lt=today)
        .select_related("assignee", "created_by")
        .order_by("due_on", "pk")
    )
