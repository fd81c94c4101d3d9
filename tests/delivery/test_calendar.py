"""The iCalendar feed of deliveries and clones: parses with ``icalendar``, stable UIDs, token
authentication and the secret per-user address."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from icalendar import Calendar

from tugi.core.services import token_create
from tugi.delivery.services.deliveries import delivery_schedule_set, feed_regenerate

from .factories import ClonePlanFactory, DeliveryDateFactory, DeliveryFactory

pytestmark = pytest.mark.django_db


def _events(body: bytes) -> dict[str, Any]:
    cal = Calendar.from_ical(body)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


@pytest.fixture
def schedule(db: Any) -> dict[str, Any]:
    delivery = DeliveryFactory(system="SKAIS", version="2026.12")
    uat = DeliveryDateFactory(
        delivery=delivery, stage="uat", planned_date=dt.date(2026, 12, 1), actual_date=None
    )
    clone = ClonePlanFactory(date=dt.date(2026, 12, 3), window_start=dt.time(18), window_end=dt.time(22))
    return {"delivery": delivery, "uat": uat, "clone": clone}


def test_feed_parses_and_uids_are_stable(schedule: dict[str, Any], test_manager: Any) -> None:
    _token, text = token_create(user=test_manager, name="calendar", actor=test_manager)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {text}")
    response = client.get("/api/v1/delivery/calendar.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    events = _events(response.content)
    uid = f"delivery-date-{schedule['uat'].pk}@testserver"
    assert set(events) == {uid, f"clone-{schedule['clone'].pk}@testserver"}
    assert events[uid].decoded("DTSTART") == dt.date(2026, 12, 1)
    assert "SKAIS 2026.12" in str(events[uid]["SUMMARY"])
    clone = events[f"clone-{schedule['clone'].pk}@testserver"]
    assert clone.decoded("DTSTART").astimezone(dt.UTC) == dt.datetime(2026, 12, 3, 16, 0, tzinfo=dt.UTC)
    # Moving the date keeps the UID, so a calendar program updates the event.
    delivery_schedule_set(
        delivery=schedule["delivery"], stage="uat", planned_date=dt.date(2026, 12, 8), actor=test_manager
    )
    moved = _events(client.get("/api/v1/delivery/calendar.ics").content)
    assert moved[uid].decoded("DTSTART") == dt.date(2026, 12, 8)


def test_feed_needs_authentication_and_rights(schedule: dict[str, Any], finance_user: Any) -> None:
    assert Client().get("/api/v1/delivery/calendar.ics").status_code == 401
    _token, text = token_create(user=finance_user, name="calendar", actor=finance_user)
    body = Client(HTTP_AUTHORIZATION=f"Bearer {text}").get("/api/v1/delivery/calendar.ics").content
    assert _events(body) == {}


def test_secret_feed_address(schedule: dict[str, Any], test_manager: Any, client_for: Any) -> None:
    feed = feed_regenerate(user=test_manager, actor=test_manager)
    anonymous = Client()
    response = anonymous.get(f"/api/v1/delivery/feeds/{feed.token}.ics")
    assert response.status_code == 200 and len(_events(response.content)) == 2
    assert anonymous.get("/api/v1/delivery/feeds/not-a-real-token-at-all-xxxxxxxx.ics").status_code == 404
    page = client_for(test_manager).get("/delivery/calendar/")
    assert feed.token.encode() in page.content
    client_for(test_manager).post("/delivery/calendar/regenerate/")
    assert anonymous.get(f"/api/v1/delivery/feeds/{feed.token}.ics").status_code == 404
    test_manager.delivery_feed.refresh_from_db()
    assert anonymous.get(f"/api/v1/delivery/feeds/{test_manager.delivery_feed.token}.ics").status_code == 200
