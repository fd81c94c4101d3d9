"""Clone schedule: planning, notices to ``clone-notice`` N days ahead and on completion, the
follow-up checklist."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.delivery.factories import ClonePlanFactory, EnvironmentFactory
from tests.factories import ContactFactory, PartnerFactory
from tests.helpers import exactly_one_audit_event, no_audit_event
from tugi.core.models import Notification, OutboxMessage, Topic, UserSubscription
from tugi.delivery.models import ClonePlan, CloneTask
from tugi.delivery.services.clones import (
    clone_cancel,
    clone_complete,
    clone_notices_due,
    clone_plan_create,
    clone_task_done,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def envs() -> dict[str, Any]:
    return {
        "uat": EnvironmentFactory(system="SKAIS", kind="uat", name="skais-uat"),
        "prod": EnvironmentFactory(system="SKAIS", kind="prod", name="skais-prod"),
        "test": EnvironmentFactory(system="SKAIS", kind="test", name="skais-test"),
    }


def _plan(actor: Any, envs: dict[str, Any], days_ahead: int = 10, **kwargs: Any) -> ClonePlan:
    return clone_plan_create(
        date=timezone.localdate() + dt.timedelta(days=days_ahead),
        window_start=dt.time(18),
        window_end=dt.time(22),
        systems=["SKAIS"],
        targets=[envs["uat"]],
        actor=actor,
        **kwargs,
    )


def test_plan_a_clone_from_production(test_manager: Any, envs: dict[str, Any]) -> None:
    with exactly_one_audit_event("delivery.clone_planned") as events:
        clone = _plan(test_manager, envs, notice_emails="testijad@partner.example.com")
    link = clone.target_links.get()
    assert (link.source, link.target) == (envs["prod"], envs["uat"])
    assert clone.notice_days == 5
    assert events[0].after["targets"] == ["skais-uat"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"days_ahead": -1}, "date"),
        ({"targets": "test"}, "targets"),
        ({"window_end": dt.time(17)}, "window_end"),
        ({"systems": []}, "systems"),
        ({"notice_emails": "not-an-address"}, "notice_emails"),
    ],
)
def test_bad_plans_are_refused_naming_the_field(
    test_manager: Any, envs: dict[str, Any], change: dict[str, Any], field: str
) -> None:
    args: dict[str, Any] = {
        "date": timezone.localdate() + dt.timedelta(days=change.pop("days_ahead", 10)),
        "window_start": dt.time(18),
        "window_end": change.pop("window_end", dt.time(22)),
        "systems": change.pop("systems", ["SKAIS"]),
        "targets": [envs[change.pop("targets", "uat")]],
        **change,
    }
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        clone_plan_create(actor=test_manager, **args)
    assert field in exc.value.message_dict
    assert not ClonePlan.objects.exists()


def test_advance_notice_goes_out_n_days_ahead_once(
    test_manager: Any, envs: dict[str, Any], make_user: Any
) -> None:
    subscriber = make_user(email="kuulaja@tugi.example.com")
    UserSubscription.objects.create(
        topic=Topic.objects.get(code="clone-notice"), user=subscriber, channel="in_app"
    )
    partner = PartnerFactory()
    contact = ContactFactory(partner=partner)
    clone = _plan(test_manager, envs, days_ahead=7, notice_days=5, affected_partners=[partner])
    today = timezone.localdate()
    assert clone_notices_due(actor=test_manager, today=today) == {"advance": 0, "completion": 0}
    assert clone_notices_due(actor=test_manager, today=today + dt.timedelta(days=2)) == {
        "advance": 1,
        "completion": 0,
    }
    assert clone_notices_due(actor=test_manager, today=today + dt.timedelta(days=3)) == {
        "advance": 0,
        "completion": 0,
    }
    clone.refresh_from_db()
    assert clone.notice_sent_at is not None
    note = Notification.objects.get(user=subscriber)
    assert note.subject.startswith("Planned clone of skais-uat on")
    assert OutboxMessage.objects.filter(to_email=contact.email).count() == 1


def test_completion_updates_the_environment_creates_the_checklist_and_notifies(
    test_manager: Any, envs: dict[str, Any], make_user: Any
) -> None:
    subscriber = make_user()
    UserSubscription.objects.create(
        topic=Topic.objects.get(code="clone-notice"), user=subscriber, channel="in_app"
    )
    clone = _plan(test_manager, envs, days_ahead=1)
    with pytest.raises(ValidationError):  # not before its day
        clone_complete(clone=clone, actor=test_manager)
    ClonePlan.objects.filter(pk=clone.pk).update(date=timezone.localdate())
    with exactly_one_audit_event("delivery.clone_done"):
        clone_complete(clone=clone, actor=test_manager)
    envs["uat"].refresh_from_db()
    assert envs["uat"].last_clone_date == timezone.localdate()
    kinds = list(clone.tasks.values_list("kind", flat=True))
    assert kinds == ["pseudonymise", "test_accounts", "flags", "readiness"]
    assert all(t.owner == test_manager for t in clone.tasks.all())
    assert clone_notices_due(actor=test_manager) == {"advance": 0, "completion": 1}
    assert (
        "re-pseudonymise" in Notification.objects.get(user=subscriber).body.lower()
        or "follow-up" in Notification.objects.get(user=subscriber).body
    )
    task = clone.tasks.first()
    assert task is not None
    with exactly_one_audit_event("delivery.clone_task_done"):
        clone_task_done(task=task, actor=test_manager, note="done in the night")
    with pytest.raises(ValidationError):
        clone_task_done(task=task, actor=test_manager)


def test_cancel_needs_a_reason(test_manager: Any, envs: dict[str, Any]) -> None:
    clone = _plan(test_manager, envs)
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        clone_cancel(clone=clone, actor=test_manager)
    assert "reason" in exc.value.message_dict
    with exactly_one_audit_event("delivery.clone_cancelled"):
        clone_cancel(clone=clone, actor=test_manager, reason="production release moved")
    with pytest.raises(ValidationError):
        clone_complete(clone=clone, actor=test_manager)


def test_clone_pages(test_manager: Any, domain_support: Any, client_for: Any, envs: dict[str, Any]) -> None:
    client = client_for(test_manager)
    day = timezone.localdate() + dt.timedelta(days=8)
    response = client.post(
        reverse("delivery:clone_create"),
        {
            "date": day.isoformat(),
            "window_start": "18:00",
            "window_end": "22:00",
            "systems": ["SKAIS"],
            "targets": [envs["uat"].pk],
            "notice_days": 5,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    clone = ClonePlan.objects.get()
    page = client.get(reverse("delivery:clone_detail", args=[clone.pk])).content.decode()
    assert 'id="clone-status" data-status="planned"' in page
    assert client.get(reverse("delivery:clone_list")).status_code == 200
    assert client.post(reverse("delivery:clone_notice", args=[clone.pk])).status_code == 302
    clone.refresh_from_db()
    assert clone.notice_sent_at is not None
    ClonePlan.objects.filter(pk=clone.pk).update(date=timezone.localdate())
    assert client.post(reverse("delivery:clone_complete", args=[clone.pk]), {}).status_code == 302
    assert CloneTask.objects.filter(clone=clone).count() == 4
    assert client_for(domain_support).get(reverse("delivery:clone_create")).status_code == 403
    ds = client_for(domain_support)
    task = CloneTask.objects.filter(clone=clone).first()
    assert task is not None
    assert ds.post(reverse("delivery:clone_task_done", args=[task.pk])).status_code == 302
    task.refresh_from_db()
    assert task.done_by == domain_support


def test_api_plans_and_lists_clones(test_manager: Any, client_for: Any, envs: dict[str, Any]) -> None:
    client = client_for(test_manager)
    day = (timezone.localdate() + dt.timedelta(days=9)).isoformat()
    body = {
        "date": day,
        "window_start": "18:00",
        "window_end": "22:00",
        "systems": ["SKAIS"],
        "targets": ["skais-uat"],
    }
    response = client.post("/api/v1/delivery/clones", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["targets"] == ["skais-uat"]
    bad = client.post(
        "/api/v1/delivery/clones", {**body, "targets": ["nowhere"]}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert [c["date"] for c in client.get("/api/v1/delivery/clones").json()] == [day]
    assert ClonePlanFactory  # the factory stays importable for other tests
