"""Reads of the summary topic: what waits for a user across Tugi, from every registered
``PendingSource`` (each area contributes its own; see ``tugi.core.registry``)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from tugi.core.context import SYSTEM_USERNAME
from tugi.core.registry import PendingItem, registry

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PendingGroup:
    key: str
    title: str
    items: list[PendingItem]


def pending_for(user: Any, today: dt.date) -> list[PendingGroup]:
    """The user's pending items, grouped by source in the sources' order, soonest due first. A
    source that fails is left out (and logged) so that one broken area does not stop the summary."""
    groups = []
    for source in registry.pending_sources:
        try:
            items = list(source.collect(user, today))
        except Exception:  # one area's failure must not hide the others
            logger.exception("pending source %s failed", source.key)
            continue
        if items:
            items.sort(key=lambda i: (i.due is None, i.due or today, i.title))
            groups.append(PendingGroup(source.key, str(source.title), items))
    return groups


def summary_recipients() -> QuerySet[Any]:
    """Active users who sign in (not the system actor), by user name."""
    return (
        get_user_model().objects.filter(is_active=True).exclude(username=SYSTEM_USERNAME).order_by("username")
    )
