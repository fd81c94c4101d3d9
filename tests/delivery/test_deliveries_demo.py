"""The delivery demo data: three planned deliveries and a hotfix with about 60 tickets in varied
states, a go / no-go waiting; loading it again creates nothing."""

from __future__ import annotations

import io
from typing import Any

import pytest

from tests.factories import UserFactory
from tugi.access.demo import load_demo as load_access
from tugi.core.management.commands.demo import DEMO_USERS
from tugi.delivery.demo_deliveries import load
from tugi.delivery.demo_environments import load as load_environments
from tugi.delivery.models import Delivery, GoDecision, Ticket, TicketStatus, UatCheck
from tugi.delivery.selectors_go import waiting_for_decision
from tugi.delivery.selectors_review import review

pytestmark = pytest.mark.django_db


def test_demo_loads_once(system: Any) -> None:
    for username, roles, first, last in DEMO_USERS:
        UserFactory(username=username, roles=roles, first_name=first, last_name=last)
    out = io.StringIO()
    load_access(system, out)
    load_environments(system, out)
    load(system, out)
    assert Delivery.objects.count() == 4
    assert Delivery.objects.filter(kind="hotfix").count() == 1
    assert 55 <= Ticket.objects.count() <= 65
    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert {
        TicketStatus.IN_TESTING,
        TicketStatus.PASSED,
        TicketStatus.READY_FOR_UAT,
        TicketStatus.FAILED,
    } <= statuses
    assert UatCheck.objects.filter(passed=False).exists()
    assert review(user=system)
    assert any(d.system == "STAR" for d in waiting_for_decision(user=system))
    assert GoDecision.objects.filter(decision="defer").count() == 1
    counts = (Delivery.objects.count(), Ticket.objects.count())
    load(system, io.StringIO())
    assert (Delivery.objects.count(), Ticket.objects.count()) == counts
