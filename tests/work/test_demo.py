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


def test_request_demo_has_every_state_input_proposals_and_an_overdue_task(
    system: Any, make_user: Any
) -> None:
    from tests.access.factories import RightFactory
    from tests.delivery.factories import DeliveryFactory
    from tests.work.factories import AttributeFactory
    from tugi.core.roles import Role
    from tugi.work.demo_requests import load_demo_requests
    from tugi.work.models import DevelopmentRequest, ImprovementProposal, RequestComment, RequestStatus, Task

    make_user(Role.DOMAIN_SUPPORT, username="domain_support")
    make_user(Role.TEST_MANAGER, username="test_manager")
    make_user(Role.ADMIN, username="admin")
    AttributeFactory()
    RightFactory()
    DeliveryFactory()
    load_demo_requests(system, io.StringIO())
    assert set(DevelopmentRequest.objects.values_list("status", flat=True)) == set(RequestStatus.values)
    assert RequestComment.objects.count() >= len(RequestStatus.values)
    delivered = DevelopmentRequest.objects.get(status=RequestStatus.DELIVERED)
    assert delivered.delivery is not None and delivered.reviewers.get().signed_off_at is not None
    assert ImprovementProposal.objects.filter(request__isnull=False).count() == 1
    assert any(t.is_overdue() for t in Task.objects.all())
    counts = (DevelopmentRequest.objects.count(), ImprovementProposal.objects.count(), Task.objects.count())
    events = AuditEvent.objects.count()
    load_demo_requests(system, io.StringIO())
    assert (
        DevelopmentRequest.objects.count(),
        ImprovementProposal.objects.count(),
        Task.objects.count(),
    ) == counts
    assert AuditEvent.objects.count() == events
