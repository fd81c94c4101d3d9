"""The weekly summary: exactly the user's own pending items from every area, one message per user
and ISO week, the Monday-morning job, "My week" and the command."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.access.factories import AccountFactory, AssignmentFactory
from tests.classifiers.factories import ClassifierFactory
from tests.work.factories import DevelopmentRequestFactory, ProposalFactory, TaskFactory, with_reviewers
from tugi.core.models import Job, Notification, OutboxMessage
from tugi.core.registry import PendingItem, PendingSource, registry
from tugi.core.roles import Role
from tugi.work.contributions.summary import SUMMARY_JOB, weekly_start
from tugi.work.selectors_summary import pending_for
from tugi.work.services.summary import summary_build, summary_send, week_key

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
TALLINN = ZoneInfo("Europe/Tallinn")


def _titles(user: Any, today: dt.date = TODAY) -> set[str]:
    return {item.title for group in pending_for(user, today) for item in group.items}


@pytest.fixture
def two_users(make_user: Any) -> tuple[Any, Any]:
    mari = make_user(Role.DOMAIN_SUPPORT, username="mari", first_name="Mari", last_name="Tamm")
    jaan = make_user(Role.TEST_MANAGER, username="jaan", first_name="Jaan", last_name="Saar")
    return mari, jaan


def _pending_world(mari: Any, jaan: Any) -> dict[str, Any]:
    """Items for Mari and for Jaan in each area, plus things that wait for nobody."""
    past = TODAY - dt.timedelta(days=2)
    world = {
        "mari_task": TaskFactory(assignee=mari, created_by=jaan, due_on=past, title="Mari ülesanne"),
        "jaan_task": TaskFactory(assignee=jaan, created_by=mari, due_on=past, title="Jaani ülesanne"),
        "future_task": TaskFactory(assignee=mari, created_by=jaan, title="Tulevane ülesanne"),
        "mari_request": with_reviewers(
            DevelopmentRequestFactory(status="in_review", author=jaan, title="Mari allkiri"), mari
        ),
        "signed_request": with_reviewers(
            DevelopmentRequestFactory(status="in_review", author=jaan, title="Juba allkirjastatud"),
            mari,
            signed=True,
        ),
        "jaan_proposal": ProposalFactory(author=mari, decider=jaan, title="Jaani otsus"),
        "mari_classifier": ClassifierFactory(
            code="mari-kl", owner=mari, last_reviewed_on=TODAY - dt.timedelta(days=400)
        ),
    }
    boss = AccountFactory(username="mari.juht", user=mari)
    world["ending"] = AssignmentFactory(
        account=AccountFactory(username="alluv1", manager=boss), valid_to=TODAY + dt.timedelta(days=5)
    )
    AssignmentFactory(
        account=AccountFactory(username="alluv2", manager=boss), valid_to=TODAY + dt.timedelta(days=40)
    )
    return world


def test_summary_lists_exactly_the_users_pending_items(two_users: tuple[Any, Any]) -> None:
    mari, jaan = two_users
    _pending_world(mari, jaan)
    mari_titles = _titles(mari)
    assert any("Mari ülesanne" in t for t in mari_titles)
    assert any("Mari allkiri" in t for t in mari_titles)
    assert any("mari-kl" in t for t in mari_titles)
    assert any("alluv1" in t for t in mari_titles)
    assert len(mari_titles) == 4, mari_titles
    jaan_titles = _titles(jaan)
    assert any("Jaani ülesanne" in t for t in jaan_titles)
    assert any("Jaani otsus" in t for t in jaan_titles)
    assert len(jaan_titles) == 2, jaan_titles


def test_summary_send_one_message_per_user_and_week(
    two_users: tuple[Any, Any], make_user: Any, system: Any
) -> None:
    mari, jaan = two_users
    idle = make_user(Role.DOMAIN_SUPPORT, username="vaba")
    _pending_world(mari, jaan)
    result = summary_send(today=TODAY, actor=system)
    assert result["users"] == 2 and result["sent"] == 2
    mail = OutboxMessage.objects.get(to_email=mari.email)
    assert "Mari ülesanne" in mail.body and "Jaani ülesanne" not in mail.body
    assert mail.dedup_key == f"work-weekly-summary-{mari.pk}-{week_key(TODAY)}"
    assert not OutboxMessage.objects.filter(to_email=idle.email).exists()
    assert Notification.objects.filter(user=jaan).count() == 1
    again = summary_send(today=TODAY, actor=system)
    assert again["sent"] == 0
    assert OutboxMessage.objects.filter(to_email=mari.email).count() == 1


def test_summary_mail_goes_out_with_an_html_version(
    two_users: tuple[Any, Any], system: Any, mailoutbox: Any
) -> None:
    from tugi.core.services import outbox_deliver

    mari, jaan = two_users
    _pending_world(mari, jaan)
    summary_send(today=TODAY, actor=system)
    assert "<li>" in OutboxMessage.objects.get(to_email=mari.email).html_body
    outbox_deliver()
    mail = next(m for m in mailoutbox if mari.email in m.to[0])
    assert "Mari ülesanne" in mail.body
    [(html, kind)] = mail.alternatives
    assert kind == "text/html" and "Mari ülesanne" in html and "Jaani ülesanne" not in html


def test_summary_has_text_and_html(two_users: tuple[Any, Any]) -> None:
    mari, jaan = two_users
    _pending_world(mari, jaan)
    mail = summary_build(user=mari, today=TODAY)
    assert mail is not None and mail.items == 4
    assert "Mari ülesanne" in mail.text
    assert "<li>" in mail.html and "Mari ülesanne" in mail.html
    assert summary_build(user=jaan, today=TODAY) is not None


def test_dry_run_sends_nothing(two_users: tuple[Any, Any], system: Any) -> None:
    mari, jaan = two_users
    _pending_world(mari, jaan)
    result = summary_send(today=TODAY, actor=system, dry_run=True)
    assert {r["user"] for r in result["recipients"]} == {"mari", "jaan"}
    assert not OutboxMessage.objects.exists()


def test_command_dry_run_and_send(two_users: tuple[Any, Any]) -> None:
    mari, jaan = two_users
    _pending_world(mari, jaan)
    out = StringIO()
    call_command("work", "weekly-summary", "--dry-run", stdout=out)
    assert "mari\t4" in out.getvalue() and "would send 2 summaries" in out.getvalue()
    assert not OutboxMessage.objects.exists()
    out = StringIO()
    call_command("work", "weekly-summary", stdout=out)
    assert "sent 2 summaries" in out.getvalue()


def test_a_failing_source_does_not_stop_the_summary(two_users: tuple[Any, Any]) -> None:
    mari, jaan = two_users
    TaskFactory(assignee=mari, created_by=jaan, due_on=TODAY - dt.timedelta(days=1), title="Mari ülesanne")

    def broken(user: Any, today: dt.date) -> list[PendingItem]:
        raise RuntimeError("area down")

    registry.add(PendingSource("test-broken", "Broken", broken, order=0))
    try:
        assert any("Mari ülesanne" in t for t in _titles(mari))
    finally:
        registry.pending_sources[:] = [s for s in registry.pending_sources if s.key != "test-broken"]


def test_adding_a_source_is_a_few_lines(two_users: tuple[Any, Any]) -> None:
    mari, _jaan = two_users
    registry.add(
        PendingSource(
            "test-extra", "Extra", lambda user, today: [PendingItem("Lisaasi", "/x/", today, "x")], 5
        )
    )
    try:
        groups = pending_for(mari, TODAY)
        assert groups[0].key == "test-extra" and groups[0].items[0].title == "Lisaasi"
    finally:
        registry.pending_sources[:] = [s for s in registry.pending_sources if s.key != "test-extra"]


def test_weekly_job_starts_on_monday_morning_in_tallinn_once(system: Any) -> None:
    monday = dt.date(2026, 11, 23)
    assert monday.isoweekday() == 1
    early = dt.datetime(2026, 11, 23, 6, 30, tzinfo=TALLINN)
    assert weekly_start(system, "k", now=early) is None
    tuesday = dt.datetime(2026, 11, 24, 9, 0, tzinfo=TALLINN)
    assert weekly_start(system, "k", now=tuesday) is None
    morning = dt.datetime(2026, 11, 23, 7, 5, tzinfo=TALLINN)
    job = weekly_start(system, "k", now=morning)
    assert job is not None and job.kind == SUMMARY_JOB and job.key == "2026-W48"
    assert weekly_start(system, "k2", now=morning + dt.timedelta(hours=1)).pk == job.pk
    assert Job.objects.filter(kind=SUMMARY_JOB).count() == 1


def test_my_week_page_shows_only_my_items(two_users: tuple[Any, Any], client_for: Any) -> None:
    mari, jaan = two_users
    _pending_world(mari, jaan)
    html = client_for(mari).get(reverse("work:summary_mine")).content.decode()
    assert "Mari ülesanne" in html and "Jaani ülesanne" not in html and "Jaani otsus" not in html
    assert 'data-source="work-tasks"' in html and 'data-source="access"' in html


def test_my_week_page_when_nothing_waits(make_user: Any, client_for: Any) -> None:
    html = client_for(make_user()).get(reverse("work:summary_mine")).content.decode()
    assert 'id="summary-empty"' in html
