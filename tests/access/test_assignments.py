"""Assignments: the list and its filters, direct assignment, ending, and the daily job that ends
expired assignments and reminds once of those ending soon."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.access.factories import (
    AccountFactory,
    AssignmentFactory,
    OrgUnitFactory,
    ProfileFactory,
    RightFactory,
    SodPolicyFactory,
    SystemFactory,
)
from tests.helpers import exactly_one_audit_event, no_audit_event
from tugi.access.explain import explain
from tugi.access.models import Assignment, AssignmentStatus
from tugi.access.services import assignments as svc
from tugi.core.context import system_actor
from tugi.core.models import AuditEvent, Job, JobStatus, Notification, Topic
from tugi.core.registry import registry
from tugi.core.roles import Role
from tugi.core.services import outbox_deliver, start_periodic_due

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


# --- direct assignment -----------------------------------------------------------------------


def test_direct_assignment_by_domain_support_grants(domain_support: Any, client_for: Any) -> None:
    right = RightFactory()
    account, profile = AccountFactory(), ProfileFactory(content__rights=[right])
    data = {
        "account": account.pk,
        "profile": profile.pk,
        "valid_from": TODAY.isoformat(),
        "justification": "",
    }
    client = client_for(domain_support)
    with no_audit_event():
        response = client.post(reverse("access:assignments_create"), data)
    assert 'data-field="justification"' in response.content.decode()
    data["justification"] = "covers for a colleague"
    with exactly_one_audit_event("access.assignment_created") as events:
        response = client.post(reverse("access:assignments_create"), data)
    assert response["Location"] == reverse("access:people_account_detail", args=[account.pk])
    assignment = Assignment.objects.get()
    assert (assignment.requested_by, assignment.approved_by) == (domain_support, domain_support)
    assert assignment.valid_to is None and events[0].after["justification"] == "covers for a colleague"
    assert explain(account, right, TODAY)["granted"] is True


def test_direct_assignment_refused_on_an_sod_conflict(domain_support: Any) -> None:
    a, b = RightFactory(), RightFactory()
    account = AccountFactory()
    AssignmentFactory(account=account, profile=ProfileFactory(content__rights=[a]))
    SodPolicyFactory(name="Create and approve", sides__rights_a=[a], sides__rights_b=[b])
    with no_audit_event(), pytest.raises(ValidationError) as err:
        svc.assignment_give(
            account=account,
            profile=ProfileFactory(content__rights=[b]),
            valid_from=TODAY,
            valid_to=None,
            justification="x",
            actor=domain_support,
        )
    assert "Create and approve" in err.value.message_dict["profile"][0]


def test_direct_assignment_valid_to_before_valid_from_names_the_field(domain_support: Any) -> None:
    with no_audit_event(), pytest.raises(ValidationError) as err:
        svc.assignment_give(
            account=AccountFactory(),
            profile=ProfileFactory(),
            valid_from=TODAY,
            valid_to=TODAY - dt.timedelta(days=1),
            justification="x",
            actor=domain_support,
        )
    assert "valid_to" in err.value.message_dict


def test_viewer_and_auditor_cannot_assign(test_manager: Any, auditor: Any, client_for: Any) -> None:
    data = {
        "account": AccountFactory().pk,
        "profile": ProfileFactory().pk,
        "valid_from": TODAY.isoformat(),
        "justification": "x",
    }
    for user in (test_manager, auditor):
        with no_audit_event():
            assert client_for(user).post(reverse("access:assignments_create"), data).status_code == 403
    assert not Assignment.objects.exists()


def test_end_form_ends_on_the_chosen_day(domain_support: Any, client_for: Any) -> None:
    assignment = AssignmentFactory()
    url = reverse("access:assignments_end", args=[assignment.pk])
    with no_audit_event():
        response = client_for(domain_support).post(
            url, {"valid_to": (TODAY - dt.timedelta(days=90)).isoformat()}
        )
    assert 'data-field="valid_to"' in response.content.decode()
    with exactly_one_audit_event("access.assignment_ended") as events:
        client_for(domain_support).post(url, {"valid_to": TODAY.isoformat(), "reason": "project over"})
    assert events[0].before["status"] == "active" and events[0].after["status"] == "ended"
    assignment.refresh_from_db()
    assert assignment.valid_to == TODAY and assignment.end_reason == "project over"


# --- the list --------------------------------------------------------------------------------


def test_list_filters_and_export(auditor: Any, client_for: Any) -> None:
    star = SystemFactory(code="STAR")
    unit = OrgUnitFactory()
    soon = AssignmentFactory(valid_to=TODAY + dt.timedelta(days=5), account=AccountFactory(org_unit=unit))
    later = AssignmentFactory(valid_to=TODAY + dt.timedelta(days=60))
    star_one = AssignmentFactory(profile=ProfileFactory(system=star))
    flagged = AssignmentFactory(needs_review=True)
    past = AssignmentFactory(
        valid_from=TODAY - dt.timedelta(days=90), valid_to=TODAY - dt.timedelta(days=30), status="ended"
    )
    client = client_for(auditor)
    everything = (soon, later, star_one, flagged, past)

    def shown(**params: Any) -> set[int]:
        page = client.get(reverse("access:assignments_list"), params).content.decode()
        return {a.pk for a in everything if f'data-assignment="{a.pk}"' in page}

    assert shown() == {a.pk for a in everything}
    assert shown(expiring_within=14) == {soon.pk}
    assert shown(valid_today="true") == {soon.pk, later.pk, star_one.pk, flagged.pk}
    assert shown(valid_today="false") == {past.pk}
    assert shown(system=star.pk) == {star_one.pk}
    assert shown(profile=flagged.profile_id) == {flagged.pk}
    assert shown(unit=unit.pk) == {soon.pk}
    assert shown(needs_review="true") == {flagged.pk}
    response = client.get(reverse("access:assignments_list"), {"export": "csv", "expiring_within": 14})
    lines = b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2 and soon.account.username in lines[1]


# --- the daily job ---------------------------------------------------------------------------


def test_expired_assignments_end_by_the_system_and_no_longer_grant(domain_support: Any) -> None:
    right = RightFactory()
    expired = AssignmentFactory(
        profile=ProfileFactory(content__rights=[right]),
        valid_from=TODAY - dt.timedelta(days=60),
        valid_to=TODAY - dt.timedelta(days=1),
    )
    running = AssignmentFactory(valid_to=TODAY)
    assert explain(expired.account, right, TODAY - dt.timedelta(days=1))["granted"] is True
    result = svc.assignments_daily(actor=system_actor())
    assert result["ended"] == 1
    expired.refresh_from_db()
    running.refresh_from_db()
    assert expired.status == AssignmentStatus.ENDED and expired.valid_to == TODAY - dt.timedelta(days=1)
    assert running.status == AssignmentStatus.ACTIVE
    event = AuditEvent.objects.get(event_type="access.assignment_ended")
    assert event.actor_label == "system" and event.object_id == str(expired.pk)
    assert explain(expired.account, right, TODAY)["granted"] is False
    assert explain(expired.account, right, TODAY - dt.timedelta(days=1))["granted"] is True  # history kept
    assert svc.assignments_daily(actor=system_actor())["ended"] == 0


def test_reminders_go_once_to_the_holder_and_the_owner(make_user: Any) -> None:
    holder = make_user(Role.FINANCE, username="hoidja")
    owner = make_user(Role.DOMAIN_SUPPORT, username="omanik")
    ending = AssignmentFactory(
        account=AccountFactory(user=holder),
        profile=ProfileFactory(owner=owner),
        valid_to=TODAY + dt.timedelta(days=svc.EXPIRY_REMINDER_DAYS),
    )
    AssignmentFactory(valid_to=TODAY + dt.timedelta(days=svc.EXPIRY_REMINDER_DAYS + 1))  # not yet
    AssignmentFactory(valid_to=None)  # open-ended
    result = svc.assignments_daily(actor=system_actor())
    assert result == {"ended": 0, "reminded": 1}
    assert Topic.objects.filter(code="access-expiry").exists()
    notes = Notification.objects.filter(topic__code="access-expiry")
    assert sorted(n.user.username for n in notes) == ["hoidja", "omanik"]
    ending.refresh_from_db()
    assert ending.reminded_on == TODAY
    event = AuditEvent.objects.get(event_type="access.assignment_reminded")
    assert event.before == {"reminded_on": None} and event.after["notified"] == ["hoidja", "omanik"]
    outbox_deliver()
    assert sorted(m.to[0].split("<")[-1].rstrip(">") for m in mail.outbox) == [
        "hoidja@tugi.example.com",
        "omanik@tugi.example.com",
    ]

    assert svc.assignments_daily(actor=system_actor()) == {"ended": 0, "reminded": 0}
    ending.reminded_on = None  # even if the marker were lost, nobody is told twice
    ending.save()
    svc.assignments_daily(actor=system_actor())
    assert Notification.objects.filter(topic__code="access-expiry").count() == 2
    outbox_deliver()
    assert len(mail.outbox) == 2


def test_the_daily_job_is_periodic_and_runs_once_per_period(django_capture_on_commit_callbacks: Any) -> None:
    assert "access-assignments-daily" in registry.periodic
    AssignmentFactory(valid_from=TODAY - dt.timedelta(days=9), valid_to=TODAY - dt.timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        started = start_periodic_due()
    assert "access-assignments-daily" in started
    job = Job.objects.get(kind="access-assignments-daily")
    assert job.status == JobStatus.SUCCEEDED and job.result["ended"] == 1
    assert job.actor.username == "system"
    with django_capture_on_commit_callbacks(execute=True):
        assert "access-assignments-daily" not in start_periodic_due()
    assert Job.objects.filter(kind="access-assignments-daily").count() == 1


def test_only_a_permitted_user_runs_expiry(test_manager: Any) -> None:
    with pytest.raises(PermissionDenied):
        svc.assignments_expire(actor=test_manager)


def test_domain_support_reviews_a_flagged_assignment_from_the_list(
    domain_support: Any, client_for: Any
) -> None:
    flagged = AssignmentFactory(needs_review=True)
    plain = AssignmentFactory()
    client = client_for(domain_support)
    page = client.get(reverse("access:assignments_list"), {"needs_review": "true"}).content.decode()
    assert f'id="review-keep-{flagged.pk}"' in page and f'data-assignment="{plain.pk}"' not in page
    response = client.post(
        reverse("access:assignments_review", args=[flagged.pk]),
        {"action": "keep", "next": reverse("access:assignments_list") + "?needs_review=true"},
    )
    assert response["Location"] == reverse("access:assignments_list") + "?needs_review=true"
    response = client.post(
        reverse("access:assignments_review", args=[plain.pk]),
        {"action": "keep", "next": "https://evil.example.com/"},
    )
    assert response["Location"] == reverse("access:people_account_detail", args=[plain.account_id])


def test_list_query_count_does_not_grow(auditor: Any, client_for: Any) -> None:
    from tests.helpers import assert_queries_do_not_grow

    AssignmentFactory()
    client = client_for(auditor)
    client.get(reverse("access:assignments_list"))
    assert_queries_do_not_grow(
        lambda: [AssignmentFactory() for _ in range(4)],
        lambda: client.get(reverse("access:assignments_list")),
    )
