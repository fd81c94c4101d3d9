"""The audit log: typed events written inside the change's transaction, and the audit browser."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from tests.factories import PersonFactory
from tugi.core.audit import CoreEvent, audit_record, changed, register_event_types
from tugi.core.context import request_context
from tugi.core.models import AuditEvent

pytestmark = pytest.mark.django_db

TALLINN = dt.timezone(dt.timedelta(hours=3))


def record(event: Any, actor: Any, *, when: dt.datetime | None = None, obj: Any = None, **kwargs: Any) -> Any:
    with transaction.atomic():
        return audit_record(event=event, actor=actor, obj=obj, when=when, **kwargs)


@pytest.fixture
def events(domain_support: Any, finance_user: Any) -> dict[str, AuditEvent]:
    person = PersonFactory(first_name="Mari", last_name="Tamm")
    return {
        "created": record(
            CoreEvent.PERSON_CREATED,
            domain_support,
            obj=person,
            when=dt.datetime(2025, 3, 10, 12, tzinfo=TALLINN),
        ),
        "updated": record(
            CoreEvent.PERSON_UPDATED,
            finance_user,
            obj=person,
            when=dt.datetime(2025, 3, 11, 12, tzinfo=TALLINN),
        ),
        "token": record(
            CoreEvent.TOKEN_CREATED,
            finance_user,
            object_type="core.apitoken",
            object_id=7,
            object_repr="script",
            when=dt.datetime(2025, 4, 1, 9, tzinfo=TALLINN),
        ),
    }


# --- writing -------------------------------------------------------------------------------------


def test_record_keeps_actor_object_and_request(domain_support: Any) -> None:
    person = PersonFactory()
    with request_context("req-12345678"):
        event = record(CoreEvent.PERSON_UPDATED, domain_support, obj=person, before={"a": 1}, after={"a": 2})
    event.refresh_from_db()
    assert (event.actor, event.actor_label) == (domain_support, "ds")
    assert (event.object_type, event.object_id, event.object_repr) == (
        "core.person",
        str(person.pk),
        str(person),
    )
    assert (event.before, event.after, event.request_id) == ({"a": 1}, {"a": 2}, "req-12345678")


def test_record_stores_decimals_and_dates_exactly(domain_support: Any) -> None:
    from decimal import Decimal

    event = record(
        CoreEvent.PERSON_UPDATED,
        domain_support,
        object_type="x.y",
        object_id=1,
        after={"amount": Decimal("1234.10"), "day": dt.date(2025, 1, 31)},
    )
    event.refresh_from_db()
    assert event.after == {"amount": "1234.10", "day": "2025-01-31"}


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_raises(django_user_model: Any) -> None:
    user = django_user_model.objects.create(username="someone")
    with pytest.raises(RuntimeError):
        audit_record(event=CoreEvent.PERSON_CREATED, actor=user, object_type="core.person", object_id=1)
    assert not AuditEvent.objects.exists()


def test_unregistered_event_type_raises(domain_support: Any) -> None:
    class Stray(models.TextChoices):
        THING = "stray.thing", "thing"

    with pytest.raises(ValueError, match="unregistered"), transaction.atomic():
        audit_record(event=Stray.THING, actor=domain_support, object_type="x", object_id=1)
    assert not AuditEvent.objects.exists()


def test_event_types_must_name_their_area() -> None:
    class NoArea(models.TextChoices):
        THING = "thing", "thing"

    with pytest.raises(ValueError):
        register_event_types(NoArea)


def test_every_event_needs_an_actor(db: Any) -> None:
    with pytest.raises(ValueError), transaction.atomic():
        audit_record(event=CoreEvent.PERSON_CREATED, actor=None, object_type="x", object_id=1)


def test_changed_lists_only_differences() -> None:
    assert changed({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == {"b": (2, 3), "c": (None, 4)}
    assert changed(None, None) == {}


# --- the audit browser ---------------------------------------------------------------------------


def _ids(response: Any) -> set[int]:
    return {row.record.pk for row in response.context["table"].rows}


def test_auditor_may_browse_domain_support_may_not(
    events: dict[str, AuditEvent], auditor: Any, domain_support: Any, client_for: Any
) -> None:
    response = client_for(auditor).get(reverse("core:audit_list"))
    assert response.status_code == 200
    assert _ids(response) == {e.pk for e in events.values()}
    assert client_for(domain_support).get(reverse("core:audit_list")).status_code == 403


def test_filter_by_actor(
    events: dict[str, AuditEvent], auditor: Any, finance_user: Any, client_for: Any
) -> None:
    response = client_for(auditor).get(reverse("core:audit_list"), {"actor": finance_user.pk})
    assert _ids(response) == {events["updated"].pk, events["token"].pk}


def test_filter_by_event_type(events: dict[str, AuditEvent], auditor: Any, client_for: Any) -> None:
    response = client_for(auditor).get(reverse("core:audit_list"), {"event_type": "core.person_updated"})
    assert _ids(response) == {events["updated"].pk}


def test_filter_by_object_type(events: dict[str, AuditEvent], auditor: Any, client_for: Any) -> None:
    response = client_for(auditor).get(reverse("core:audit_list"), {"object_type": "core.person"})
    assert _ids(response) == {events["created"].pk, events["updated"].pk}


def test_filter_by_date(events: dict[str, AuditEvent], auditor: Any, client_for: Any) -> None:
    client = client_for(auditor)
    response = client.get(reverse("core:audit_list"), {"date_from": "2025-03-11", "date_to": "2025-03-31"})
    assert _ids(response) == {events["updated"].pk}
    response = client.get(reverse("core:audit_list"), {"date_from": "2025-03-11"})
    assert _ids(response) == {events["updated"].pk, events["token"].pk}


def test_date_filter_uses_tallinn_days(domain_support: Any, auditor: Any, client_for: Any) -> None:
    late = record(
        CoreEvent.PERSON_CREATED,
        domain_support,
        object_type="core.person",
        object_id=1,
        when=dt.datetime(2025, 5, 31, 22, 30, tzinfo=dt.UTC),  # 1 June 01:30 in Tallinn
    )
    response = client_for(auditor).get(reverse("core:audit_list"), {"date_from": "2025-06-01"})
    assert _ids(response) == {late.pk}


def test_csv_export_has_only_the_filtered_rows(
    events: dict[str, AuditEvent], auditor: Any, client_for: Any
) -> None:
    response = client_for(auditor).get(
        reverse("core:audit_list"), {"export": "csv", "object_type": "core.person"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    _header, *rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 2
    assert all("core.person" in row for row in rows)
    assert not any("core.apitoken" in row for row in rows)


def test_csv_export_is_not_limited_to_one_page(domain_support: Any, auditor: Any, client_for: Any) -> None:
    for n in range(55):
        record(CoreEvent.PERSON_CREATED, domain_support, object_type="core.person", object_id=n)
    response = client_for(auditor).get(reverse("core:audit_list"), {"export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert len(text.strip().splitlines()) == 56


def test_request_ids_tie_events_to_the_request(domain_support: Any, auditor: Any, client_for: Any) -> None:
    response = client_for(domain_support).post(
        reverse("core:person_create"),
        {"personal_code": "38001010009", "first_name": "Mart", "last_name": "Mets"},
        HTTP_X_REQUEST_ID="incoming-request-0001",
    )
    assert response.status_code == 302
    assert response["X-Request-ID"] == "incoming-request-0001"
    event = AuditEvent.objects.get(event_type=CoreEvent.PERSON_CREATED)
    assert event.request_id == "incoming-request-0001"
    listing = client_for(auditor).get(reverse("core:audit_list"), {"request_id": "incoming-request-0001"})
    assert _ids(listing) == {event.pk}
    assert timezone.now() - event.occurred_at < dt.timedelta(minutes=1)
