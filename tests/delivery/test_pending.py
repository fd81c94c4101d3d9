"""The weekly summary and "My week" list a tester's overdue or stalled tickets, and the size of
the weekly review for those who manage tickets."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tests.delivery.factories import TicketFactory
from tugi.core.roles import Role
from tugi.work.selectors_summary import pending_for

pytestmark = pytest.mark.django_db


def _titles(user: Any) -> list[str]:
    return [item.title for group in pending_for(user, timezone.localdate()) for item in group.items]


def test_a_tester_sees_their_overdue_ticket_and_the_manager_sees_the_review(make_user: Any) -> None:
    manager = make_user(Role.TEST_MANAGER, username="juht")
    tester = make_user(Role.TEST_MANAGER, username="testija")
    past = timezone.localdate() - dt.timedelta(days=3)
    TicketFactory(key="SKAIS-1", title="Indeksi muutus", tester=tester, testing_due=past)
    TicketFactory(key="SKAIS-2", title="Teise oma", tester=manager, testing_due=timezone.localdate())
    assert "Overdue in testing: SKAIS-1 Indeksi muutus" in _titles(tester)
    assert not any("SKAIS-1" in t for t in _titles(manager))
    assert "Weekly review: 1 ticket overdue or stalled" in _titles(manager)
