"""The demo data of the work area loads, and loading it again changes nothing."""

from __future__ import annotations

import io
from typing import Any

import pytest

from tugi.core.models import AuditEvent
from tugi.work.demo import load_demo
from tugi.work.models import Contact, ContactSubscription, Guide, Partner

pytestmark = pytest.mark.django_db


def test_demo_loads_once_and_is_safe_to_rerun(system: Any) -> None:
    load_demo(system, io.StringIO())
    counts = (
        Partner.objects.count(),
        Contact.objects.count(),
        ContactSubscription.objects.count(),
        Guide.objects.count(),
    )
    assert counts[0] >= 5 and counts[1] >= 5 and counts[2] >= 5 and counts[3] >= 3
    assert all(c.email.endswith(".example.com") for c in Contact.objects.all())
    assert any(g.is_review_overdue() for g in Guide.objects.all())
    events = AuditEvent.objects.count()

    load_demo(system, io.StringIO())
    assert (
        Partner.objects.count(),
        Contact.objects.count(),
        ContactSubscription.objects.count(),
        Guide.objects.count(),
    ) == counts
    assert AuditEvent.objects.count() == events
