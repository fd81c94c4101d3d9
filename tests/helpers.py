"""Assertions shared by the tests."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tugi.core.models import AuditEvent


@contextlib.contextmanager
def exactly_one_audit_event(event_type: str | None = None) -> Iterator[list[AuditEvent]]:
    """The block must write exactly one audit event (of ``event_type`` when given)."""
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    found: list[AuditEvent] = []
    yield found
    new = list(AuditEvent.objects.exclude(pk__in=before))
    assert len(new) == 1, f"expected one audit event, got {[e.event_type for e in new]}"
    if event_type is not None:
        assert new[0].event_type == event_type
    found.extend(new)


@contextlib.contextmanager
def no_audit_event() -> Iterator[None]:
    count = AuditEvent.objects.count()
    yield
    assert AuditEvent.objects.count() == count, "a refused or failed change must not write an audit event"


def count_queries(fn: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def assert_queries_do_not_grow(make_more: Callable[[], Any], fetch: Callable[[], Any]) -> None:
    """Pin a page's query count: adding rows must not add queries (no N+1)."""
    first = count_queries(fetch)
    make_more()
    second = count_queries(fetch)
    assert second == first, f"query count grew from {first} to {second} when rows were added"
