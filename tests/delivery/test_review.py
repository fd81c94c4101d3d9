"""The weekly review: a stalled ticket appears and a moving one does not; overdue tickets; working
days; the Monday job; exports."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.factories import UserFactory
from tugi.core.models import Notification, Topic, UserSubscription
from tugi.core.workdays import estonian_holidays, working_days_between
from tugi.delivery.models import Ticket, TicketStatus
from tugi.delivery.selectors_review import review
from tugi.delivery.services.review import is_review_time, weekly_review_send
from tugi.delivery.services.tickets import ticket_set_status

from .factories import DeliveryFactory, TicketFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 11, 23)


def _aged(key: str, days: int, **kwargs: Any) -> Ticket:
    ticket = TicketFactory(key=key, **kwargs)
    Ticket.objects.filter(pk=ticket.pk).update(status_changed_at=timezone.now() - dt.timedelta(days=days))
    return Ticket.objects.get(pk=ticket.pk)


def test_working_days_skip_weekends_and_holidays() -> None:
    assert working_days_between(dt.date(2026, 11, 20), dt.date(2026, 11, 23)) == 1  # Fri → Mon
    assert working_days_between(dt.date(2026, 12, 22), dt.date(2026, 12, 29)) == 3  # 24–26 Dec off
    assert dt.date(2026, 4, 3) in estonian_holidays(2026)  # Good Friday
    assert dt.date(2026, 5, 24) in estonian_holidays(2026)  # Pentecost
    assert working_days_between(MONDAY, MONDAY) == 0


def test_a_stalled_ticket_appears_and_a_moving_one_does_not(test_manager: Any) -> None:
    today = timezone.localdate()
    stalled = _aged("SKAIS-1", 20, status=TicketStatus.IN_TESTING)
    moving = _aged("SKAIS-2", 20, status=TicketStatus.IN_TESTING)
    ticket_set_status(ticket=moving, status=TicketStatus.FAILED, actor=test_manager)
    keys = {r.ticket.key for r in review(user=test_manager, today=today, stalled_after=5)}
    assert keys == {stalled.key}


def test_overdue_and_finished(test_manager: Any) -> None:
    today = timezone.localdate()
    TicketFactory(key="SKAIS-3", status=TicketStatus.IN_TESTING, testing_due=today - dt.timedelta(days=2))
    TicketFactory(key="SKAIS-4", status=TicketStatus.PASSED, testing_due=today - dt.timedelta(days=2))
    _aged("SKAIS-5", 30, status=TicketStatus.NEW)  # not yet in testing: not stalled
    rows = review(user=test_manager, today=today, stalled_after=5)
    assert [(r.ticket.key, r.overdue, r.overdue_days) for r in rows] == [("SKAIS-3", True, 2)]


def test_the_parameter_counts_working_days(test_manager: Any) -> None:
    _aged("SKAIS-6", 3, status=TicketStatus.IN_TESTING)
    today = timezone.localdate()
    assert review(user=test_manager, today=today, stalled_after=10) == []
    assert [
        r.ticket.key for r in review(user=test_manager, today=today + dt.timedelta(days=21), stalled_after=10)
    ] == ["SKAIS-6"]


def test_the_review_is_sent_once_a_week(test_manager: Any, system: Any) -> None:
    subscriber = UserFactory(email="lead@agency.example.com")
    topic = Topic.objects.get(code="weekly-ticket-review")
    UserSubscription.objects.create(topic=topic, user=subscriber, channel="in_app")
    delivery = DeliveryFactory(version="2026.12")
    ticket = TicketFactory(key="SKAIS-7", status=TicketStatus.IN_TESTING, delivery=delivery)
    # in testing since 20 days before that Monday (not before today: the test must not age with the calendar)
    since = dt.datetime.combine(MONDAY - dt.timedelta(days=20), dt.time(9), tzinfo=dt.UTC)
    Ticket.objects.filter(pk=ticket.pk).update(status_changed_at=since)
    result = weekly_review_send(actor=system, today=MONDAY)
    assert result["stalled"] == 1 and result["in_app"] == 1
    note = Notification.objects.get(user=subscriber)
    assert "SKAIS-7" in note.body and "SKAIS 2026.12" in note.body
    assert weekly_review_send(actor=system, today=MONDAY)["in_app"] == 0


def test_review_time_is_monday_seven_in_tallinn() -> None:
    tallinn = ZoneInfo("Europe/Tallinn")
    assert is_review_time(dt.datetime(2026, 11, 23, 7, 5, tzinfo=tallinn))
    assert not is_review_time(dt.datetime(2026, 11, 23, 6, 55, tzinfo=tallinn))
    assert not is_review_time(dt.datetime(2026, 11, 24, 7, 5, tzinfo=tallinn))
    # 05:30 UTC on a winter Monday is 07:30 in Tallinn.
    assert is_review_time(dt.datetime(2026, 11, 23, 5, 30, tzinfo=dt.UTC))


def test_page_widget_and_exports(client_for: Any, test_manager: Any) -> None:
    _aged("SKAIS-8", 20, status=TicketStatus.IN_TESTING, tester=test_manager)
    client = client_for(test_manager)
    page = client.get("/delivery/review/?days=5")
    assert (
        page.status_code == 200
        and b'data-key="SKAIS-8" data-overdue="false" data-stalled="true"' in page.content
    )
    csv = b"".join(client.get("/delivery/review/?export=csv").streaming_content).decode("utf-8-sig")
    assert "SKAIS-8" in csv.splitlines()[1]
    xlsx = client.get("/delivery/review/?export=xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["C2"].value == "SKAIS-8"  # type: ignore[index]
    desk = client.get("/")
    assert b'data-widget="delivery-review"' in desk.content


def test_the_monday_job_sends_the_review(
    system: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from tugi.core.models import Job
    from tugi.core.registry import registry

    subscriber = UserFactory()
    UserSubscription.objects.create(
        topic=Topic.objects.get(code="weekly-ticket-review"), user=subscriber, channel="in_app"
    )
    _aged("SKAIS-9", 20, status=TicketStatus.IN_TESTING)
    periodic = registry.periodic["delivery-weekly-review"]
    tuesday = dt.datetime(2026, 11, 24, 8, 0, tzinfo=ZoneInfo("Europe/Tallinn"))
    monkeypatch.setattr(timezone, "now", lambda: tuesday)
    assert periodic.start(system, "k") is None
    monday = dt.datetime(2026, 11, 23, 7, 10, tzinfo=ZoneInfo("Europe/Tallinn"))
    monkeypatch.setattr(timezone, "now", lambda: monday)
    with django_capture_on_commit_callbacks(execute=True):
        job = periodic.start(system, "k")
    assert job.key == "2026-W48"
    assert Job.objects.get(pk=job.pk).status == "succeeded", Job.objects.get(pk=job.pk).message
    assert Notification.objects.filter(user=subscriber, subject__contains="week 48").exists()
    # The next hourly start in the same week finds the job and sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        periodic.start(system, "k2")
    assert Notification.objects.filter(user=subscriber).count() == 1
