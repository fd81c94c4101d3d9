"""Improvement proposals (decision with reasons, turned into a request or a guide change) and tasks
from the manager (overdue on both desks, a daily reminder once per task and day)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.factories import GuideFactory
from tests.helpers import exactly_one_audit_event, no_audit_event
from tests.work.factories import ProposalFactory, TaskFactory
from tugi.core.models import Notification, OutboxMessage
from tugi.core.roles import Role
from tugi.work.models import DevelopmentRequest, Guide, ImprovementProposal, RequestStatus, Task
from tugi.work.services import proposals as proposal_services
from tugi.work.services import tasks as task_services

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def manager(make_user: Any) -> Any:
    return make_user(Role.DOMAIN_SUPPORT, username="juht", first_name="Malle", last_name="Juht")


# --- proposals -------------------------------------------------------------------------------------


def test_proposal_create_and_decide_with_reasons(domain_support: Any, manager: Any) -> None:
    with exactly_one_audit_event("work.proposal_created"):
        proposal = proposal_services.proposal_create(
            actor=domain_support,
            title="Meeldetuletused kinnitajatele",
            problem="Taotlused ootavad.",
            proposal="Saata meeldetuletus.",
            expected_benefit="Kiirem menetlus.",
            decider=manager,
        )
    with no_audit_event(), pytest.raises(PermissionDenied):
        proposal_services.proposal_decide(
            proposal=proposal, decision="accepted", actor=domain_support, reason="x"
        )
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        proposal_services.proposal_decide(proposal=proposal, decision="accepted", actor=manager, reason="")
    assert "reason" in exc.value.message_dict
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        proposal_services.proposal_decide(proposal=proposal, decision="maybe", actor=manager, reason="x")
    assert "decision" in exc.value.message_dict
    with exactly_one_audit_event("work.proposal_decided") as events:
        proposal_services.proposal_decide(
            proposal=proposal, decision="postponed", actor=manager, reason="Sügisel."
        )
    assert events[0].after == {"status": "postponed", "decision_reason": "Sügisel."}
    proposal_services.proposal_decide(proposal=proposal, decision="accepted", actor=manager, reason="Teeme.")
    with no_audit_event(), pytest.raises(ValidationError):
        proposal_services.proposal_decide(proposal=proposal, decision="rejected", actor=manager, reason="x")


def test_proposal_bad_input_names_the_field(domain_support: Any, manager: Any) -> None:
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        proposal_services.proposal_create(
            actor=domain_support, title="x", problem="", proposal="y", expected_benefit="z", decider=manager
        )
    assert "problem" in exc.value.message_dict
    assert not ImprovementProposal.objects.exists()


def test_accepted_proposal_becomes_a_prefilled_linked_request(domain_support: Any) -> None:
    proposal = ProposalFactory(status="accepted", author=domain_support)
    with exactly_one_audit_event("work.request_created") as events:
        request = proposal_services.proposal_to_request(
            proposal=proposal, actor=domain_support, system="STAR"
        )
    proposal.refresh_from_db()
    assert proposal.request == request
    assert request.status == RequestStatus.DRAFT
    assert request.background == proposal.problem
    assert proposal.proposal in request.goal and proposal.expected_benefit in request.goal
    assert events[0].after["from_proposal"] == proposal.pk
    with no_audit_event(), pytest.raises(ValidationError):
        proposal_services.proposal_to_request(proposal=proposal, actor=domain_support, system="STAR")


def test_only_an_accepted_proposal_turns_into_something(domain_support: Any) -> None:
    proposal = ProposalFactory(author=domain_support)
    with no_audit_event(), pytest.raises(ValidationError):
        proposal_services.proposal_to_request(proposal=proposal, actor=domain_support, system="STAR")
    with no_audit_event(), pytest.raises(ValidationError):
        proposal_services.proposal_link_guide(
            proposal=proposal, guide=GuideFactory(), note="lisa samm", actor=domain_support
        )
    assert not DevelopmentRequest.objects.exists()


def test_accepted_proposal_links_a_guide_change_or_drafts_a_guide(domain_support: Any) -> None:
    proposal = ProposalFactory(status="accepted", author=domain_support)
    guide = GuideFactory()
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        proposal_services.proposal_link_guide(proposal=proposal, guide=guide, note=" ", actor=domain_support)
    assert "note" in exc.value.message_dict
    with exactly_one_audit_event("work.proposal_guide_linked"):
        proposal_services.proposal_link_guide(
            proposal=proposal, guide=guide, note="Lisa 4. samm.", actor=domain_support
        )
    draft = proposal_services.proposal_to_guide_draft(
        proposal=proposal, actor=domain_support, slug="meeldetuletused", area="access"
    )
    proposal.refresh_from_db()
    assert proposal.guide == draft
    assert Guide.objects.get(slug="meeldetuletused").owner == domain_support
    assert proposal.problem in draft.body


# --- tasks -----------------------------------------------------------------------------------------


def test_manager_assigns_and_assignee_completes(manager: Any, test_manager: Any) -> None:
    with exactly_one_audit_event("work.task_created"):
        task = task_services.task_create(
            actor=manager,
            title="Kontrolli klassifikaatorid",
            assignee=test_manager,
            due_on=TODAY + dt.timedelta(2),
        )
    assert task.created_by == manager
    with exactly_one_audit_event("work.task_done") as events:
        task_services.task_complete(task=task, actor=test_manager, note="Tehtud.")
    assert events[0].after["done_note"] == "Tehtud."
    with no_audit_event(), pytest.raises(ValidationError):
        task_services.task_complete(task=task, actor=test_manager)
    with no_audit_event(), pytest.raises(PermissionDenied):
        task_services.task_reopen(task=task, actor=test_manager)
    with exactly_one_audit_event("work.task_reopened"):
        task_services.task_reopen(task=task, actor=manager, reason="Üks jäi vahele.")


def test_task_bad_input_and_rights(manager: Any, test_manager: Any, auditor: Any, finance_user: Any) -> None:
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        task_services.task_create(
            actor=manager, title="x", assignee=test_manager, due_on=TODAY - dt.timedelta(1)
        )
    assert "due_on" in exc.value.message_dict
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        task_services.task_create(actor=manager, title="", assignee=test_manager, due_on=TODAY)
    assert "title" in exc.value.message_dict
    for user in (auditor, finance_user):
        with no_audit_event(), pytest.raises(PermissionDenied):
            task_services.task_create(actor=user, title="x", assignee=test_manager, due_on=TODAY)
    assert not Task.objects.exists()
    task = TaskFactory(created_by=manager, assignee=test_manager)
    with no_audit_event(), pytest.raises(PermissionDenied):
        task_services.task_update(task=task, actor=test_manager, title="oma")
    with no_audit_event(), pytest.raises(PermissionDenied):
        task_services.task_complete(task=task, actor=auditor)


def test_overdue_task_on_both_desks(manager: Any, test_manager: Any, client_for: Any) -> None:
    task = TaskFactory(created_by=manager, assignee=test_manager, due_on=TODAY - dt.timedelta(days=3))
    TaskFactory(created_by=manager, assignee=test_manager, title="Veel aega")
    for user, widget in ((test_manager, "work-tasks-mine"), (manager, "work-tasks-given")):
        html = client_for(user).get(reverse("core:desk")).content.decode()
        assert f'data-widget="{widget}"' in html
        assert f'data-task="{task.pk}"' in html
        assert "Veel aega" not in html


def test_reminder_once_per_task_and_day(manager: Any, test_manager: Any, system: Any) -> None:
    late = TaskFactory(created_by=manager, assignee=test_manager, due_on=TODAY - dt.timedelta(days=1))
    TaskFactory(created_by=manager, assignee=test_manager, due_on=TODAY)
    TaskFactory(
        created_by=manager, assignee=test_manager, due_on=TODAY - dt.timedelta(days=5), done_at=timezone.now()
    )
    assert task_services.task_reminders_send(actor=system, today=TODAY) == {"reminded": 1}
    assert task_services.task_reminders_send(actor=system, today=TODAY) == {"reminded": 0}
    [note] = Notification.objects.filter(user=test_manager)
    assert late.title in note.subject
    assert OutboxMessage.objects.filter(to_email=test_manager.email).count() == 1
    # the next day: the first task again, and the one due today is now overdue too
    assert task_services.task_reminders_send(actor=system, today=TODAY + dt.timedelta(days=1)) == {
        "reminded": 2
    }
