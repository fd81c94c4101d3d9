"""Deliveries: create, status, schedule changes announced to delivery-schedule, pages, timeline."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import UserFactory
from tests.helpers import exactly_one_audit_event, no_audit_event
from tugi.core.models import Notification, Topic, UserSubscription
from tugi.delivery.models import Delivery, DeliveryDate, DeliveryStatus
from tugi.delivery.selectors_deliveries import expected_delivery
from tugi.delivery.services.deliveries import (
    delivery_create,
    delivery_schedule_set,
    delivery_set_status,
    signoff_record,
)

from .factories import DeliveryDateFactory, DeliveryFactory, TicketFactory

pytestmark = pytest.mark.django_db


def test_create_writes_one_audit_event(test_manager: Any) -> None:
    with exactly_one_audit_event("delivery.delivery_created"):
        delivery = delivery_create(system="SKAIS", version="2026.12", kind="hotfix", actor=test_manager)
    assert str(delivery) == "SKAIS 2026.12"
    assert delivery.status == DeliveryStatus.PLANNED


def test_duplicate_version_is_refused_and_nothing_changes(test_manager: Any) -> None:
    DeliveryFactory(system="SKAIS", version="2026.12")
    with no_audit_event(), pytest.raises(ValidationError):
        delivery_create(system="SKAIS", version="2026.12", actor=test_manager)
    assert Delivery.objects.count() == 1


def test_domain_support_cannot_create(domain_support: Any) -> None:
    with pytest.raises(PermissionDenied):
        delivery_create(system="SKAIS", version="1.0", actor=domain_support)


def test_status_follows_the_path(test_manager: Any) -> None:
    delivery = DeliveryFactory()
    with pytest.raises(ValidationError) as exc:
        delivery_set_status(delivery=delivery, status=DeliveryStatus.DEPLOYED, actor=test_manager)
    assert "status" in exc.value.message_dict
    with exactly_one_audit_event("delivery.delivery_status_changed"):
        delivery_set_status(delivery=delivery, status=DeliveryStatus.IN_TEST, actor=test_manager)
    with pytest.raises(ValidationError) as exc:
        delivery_set_status(delivery=delivery, status=DeliveryStatus.CANCELLED, actor=test_manager)
    assert "reason" in exc.value.message_dict
    delivery_set_status(
        delivery=delivery, status=DeliveryStatus.CANCELLED, actor=test_manager, reason="scope moved"
    )
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.CANCELLED


def test_schedule_change_notifies_the_topic(test_manager: Any) -> None:
    subscriber = UserFactory()
    topic = Topic.objects.get(code="delivery-schedule")
    UserSubscription.objects.create(topic=topic, user=subscriber, channel="in_app")
    delivery = DeliveryFactory(version="2026.12")
    day = timezone.localdate() + dt.timedelta(days=10)
    delivery_schedule_set(delivery=delivery, stage="prod", planned_date=day, actor=test_manager)
    delivery_schedule_set(
        delivery=delivery, stage="prod", planned_date=day + dt.timedelta(days=7), actor=test_manager
    )
    subjects = list(Notification.objects.filter(user=subscriber).values_list("subject", flat=True))
    assert len(subjects) == 2
    assert any("moved" in s for s in subjects)
    # Recording the actual date does not move the plan: no new notice.
    delivery_schedule_set(
        delivery=delivery,
        stage="prod",
        planned_date=day + dt.timedelta(days=7),
        actual_date=timezone.localdate(),
        actor=test_manager,
    )
    assert Notification.objects.filter(user=subscriber).count() == 2
    assert DeliveryDate.objects.get(delivery=delivery, stage="prod").actual_date == timezone.localdate()


def test_future_actual_date_is_refused(test_manager: Any) -> None:
    delivery = DeliveryFactory()
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        delivery_schedule_set(
            delivery=delivery,
            stage="uat",
            planned_date=timezone.localdate(),
            actual_date=timezone.localdate() + dt.timedelta(days=1),
            actor=test_manager,
        )
    assert "actual_date" in exc.value.message_dict


def test_expected_delivery_prefers_the_deployed_one() -> None:
    today = timezone.localdate()
    old = DeliveryFactory(version="2026.10")
    new = DeliveryFactory(version="2026.11")
    DeliveryDateFactory(delivery=old, stage="uat", planned_date=today - dt.timedelta(days=20))
    DeliveryDateFactory(
        delivery=new, stage="uat", planned_date=today - dt.timedelta(days=1), actual_date=None
    )
    assert expected_delivery(system="SKAIS", stage="uat") == old
    DeliveryDate.objects.filter(delivery=new).update(actual_date=today)
    assert expected_delivery(system="SKAIS", stage="uat") == new


def test_signoff_is_recorded(test_manager: Any) -> None:
    delivery = DeliveryFactory()
    with exactly_one_audit_event("delivery.signoff_recorded"):
        signoff_record(delivery=delivery, kind="uat", signed_by="Ordering party", actor=test_manager)
    with pytest.raises(ValidationError):
        signoff_record(delivery=delivery, kind="uat", signed_by="", actor=test_manager)


def test_pages(client_for: Any, test_manager: Any) -> None:
    delivery = DeliveryFactory(version="2026.12")
    DeliveryDateFactory(delivery=delivery, stage="uat")
    TicketFactory(delivery=delivery, key="SKAIS-77")
    client = client_for(test_manager)
    page = client.get("/delivery/deliveries/")
    assert page.status_code == 200 and b"SKAIS 2026.12" in page.content
    assert b"SKAIS 2026.12" in client.get("/delivery/deliveries/?export=csv").getvalue()
    detail = client.get(f"/delivery/deliveries/{delivery.pk}/")
    assert detail.status_code == 200 and b"SKAIS-77" in detail.content
    response = client.post(
        f"/delivery/deliveries/{delivery.pk}/schedule/",
        {
            "schedule-stage": "prod",
            "schedule-planned_date": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
        },
    )
    assert response.status_code == 302
    bad = client.post(f"/delivery/deliveries/{delivery.pk}/status/", {"status-status": "deployed"})
    assert bad.status_code == 400 and b"cannot go from" in bad.content
    timeline = client.get("/delivery/timeline/")
    assert timeline.status_code == 200
    assert f'data-delivery="{delivery.pk}"'.encode() in timeline.content
    assert b"style=" not in timeline.content.split(b"<main", 1)[-1]


def test_create_page(client_for: Any, test_manager: Any, domain_support: Any) -> None:
    assert client_for(domain_support).get("/delivery/deliveries/new/").status_code == 403
    client = client_for(test_manager)
    response = client.post(
        "/delivery/deliveries/new/", {"system": "STAR", "version": "2027.02", "kind": "planned"}
    )
    assert response.status_code == 302
    assert Delivery.objects.filter(system="STAR", version="2027.02").exists()


def test_forbidden_delivery_answers_404(client_for: Any, finance_user: Any) -> None:
    delivery = DeliveryFactory()
    assert client_for(finance_user).get(f"/delivery/deliveries/{delivery.pk}/").status_code == 404


def test_api_lists_deliveries_with_dates(test_manager: Any) -> None:
    from django.test import Client

    from tugi.core.services import token_create

    DeliveryDateFactory(delivery=DeliveryFactory(system="STAR", version="2026.12"), stage="uat")
    _token, text = token_create(user=test_manager, name="script", actor=test_manager)
    data = Client(HTTP_AUTHORIZATION=f"Bearer {text}").get("/api/v1/delivery/deliveries?system=star").json()
    assert data["count"] == 1
    assert data["items"][0]["version"] == "2026.12" and data["items"][0]["dates"][0]["stage"] == "uat"


def test_search_finds_tickets(test_manager: Any, finance_user: Any) -> None:
    from tugi.core.registry import registry

    TicketFactory(key="SKAIS-4242", title="Indeksi ümardamine")
    provider = next(p for p in registry.search_providers if p.key == "delivery-tickets")
    assert [h.title for h in provider.search(test_manager, "ümardamine")] == ["SKAIS-4242 Indeksi ümardamine"]
    assert list(provider.search(finance_user, "SKAIS-4242")) == []
