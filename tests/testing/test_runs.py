"""Plans, runs, executions: membership audited, executions keep their case version, progress per
run and tester, roll-up per case and ticket, go / no-go evidence, pages, desk, API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.base import ViewContract
from tests.delivery.factories import DeliveryFactory, EnvironmentFactory, TicketFactory
from tests.helpers import exactly_one_audit_event, no_audit_event
from tests.testing.factories import (
    ExecutionFactory,
    TestCaseFactory,
    TestPlanFactory,
    TestRunFactory,
)
from tugi.core.roles import Role
from tugi.delivery import selectors_go
from tugi.testing import selectors_runs as selectors
from tugi.testing.models import Execution, RunCase, TestPlan, TestRun
from tugi.testing.services import cases as case_services
from tugi.testing.services import runs as services

pytestmark = pytest.mark.django_db


def _at(minutes: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=100 - minutes)


# --- runs and membership -------------------------------------------------------------------------


def test_run_from_plan_copies_its_cases(test_manager: Any) -> None:
    cases = [TestCaseFactory(), TestCaseFactory()]
    plan = TestPlanFactory(cases=cases)
    with exactly_one_audit_event("testing.run_created") as events:
        run = services.run_create(actor=test_manager, name="UAT 1", plan=plan, environment_name="skais-uat")
    assert sorted(run.run_cases.values_list("case_id", flat=True)) == sorted(c.pk for c in cases)
    assert events[0].after["cases"] == sorted(c.key for c in cases)


def test_run_needs_an_environment_and_ordered_dates(test_manager: Any) -> None:
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        services.run_create(actor=test_manager, name="R")
    assert "environment" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.run_create(
            actor=test_manager,
            name="R",
            environment=EnvironmentFactory(),
            planned_start=dt.date(2026, 5, 2),
            planned_end=dt.date(2026, 5, 1),
        )
    assert "planned_end" in exc.value.message_dict
    assert not TestRun.objects.exists()


def test_adding_and_removing_cases_is_one_event_each_with_keys(test_manager: Any) -> None:
    a, b, c = TestCaseFactory(key="TC-1"), TestCaseFactory(key="TC-2"), TestCaseFactory(key="TC-3")
    run = TestRunFactory(cases=[a])
    with exactly_one_audit_event("testing.run_cases_added") as events:
        assert services.run_cases_add(run=run, cases=[a, b, c], actor=test_manager) == ["TC-2", "TC-3"]
    assert events[0].after["added"] == ["TC-2", "TC-3"]
    with exactly_one_audit_event("testing.run_cases_removed") as events:
        services.run_cases_remove(run=run, cases=[b], actor=test_manager, reason="out of scope")
    assert events[0].before["removed"] == ["TC-2"] and events[0].reason == "out of scope"
    with no_audit_event():
        assert services.run_cases_add(run=run, cases=[a], actor=test_manager) == []
    assert sorted(run.run_cases.values_list("case__key", flat=True)) == ["TC-1", "TC-3"]


# --- executions ----------------------------------------------------------------------------------


def test_execution_keeps_the_version_it_ran(test_manager: Any, domain_support: Any) -> None:
    case = TestCaseFactory()
    run = TestRunFactory(cases=[case], status="planned")
    with exactly_one_audit_event("testing.execution_recorded"):
        execution = services.execution_record(run=run, case=case, status="passed", actor=domain_support)
    case_services.case_update(case=case, actor=test_manager, steps="Changed => Different")
    execution.refresh_from_db()
    case.refresh_from_db()
    assert execution.case_version.number == 1
    assert case.current_version.number == 2
    assert execution.tester == domain_support
    run.refresh_from_db()
    assert run.status == "in_progress"


def test_failed_needs_a_comment_and_case_must_be_in_run(domain_support: Any) -> None:
    case, other = TestCaseFactory(), TestCaseFactory()
    run = TestRunFactory(cases=[case])
    with no_audit_event():
        with pytest.raises(ValidationError) as exc:
            services.execution_record(run=run, case=case, status="failed", actor=domain_support)
        assert "comment" in exc.value.message_dict
        with pytest.raises(ValidationError) as exc:
            services.execution_record(run=run, case=other, status="passed", actor=domain_support)
        assert "case" in exc.value.message_dict
    assert not Execution.objects.exists()


def test_attachment_is_stored_and_downloadable(
    domain_support: Any, client_for: Any, settings: Any, tmp_path: Any
) -> None:
    settings.DATA_DIR = tmp_path
    case = TestCaseFactory()
    run = TestRunFactory(cases=[case])
    execution = services.execution_record(
        run=run,
        case=case,
        status="blocked",
        comment="Login page down",
        attachments=[("screen.png", b"\x89PNG fake", "image/png")],
        actor=domain_support,
    )
    attachment = execution.attachments.get()
    response = client_for(domain_support).get(reverse("testing:execution_attachment", args=[attachment.pk]))
    assert response.status_code == 200 and response.content == b"\x89PNG fake"


# --- progress and roll-up ------------------------------------------------------------------------


def test_progress_per_run_and_per_tester(make_user: Any) -> None:
    anna, mart = make_user(username="anna"), make_user(username="mart")
    cases = [TestCaseFactory() for _ in range(4)]
    run = TestRunFactory(cases=cases)
    RunCase.objects.filter(run=run, case__in=cases[:2]).update(assignee=anna)
    RunCase.objects.filter(run=run, case=cases[2]).update(assignee=mart)
    ExecutionFactory(run=run, case=cases[0], status="failed", executed_at=_at(1))
    ExecutionFactory(run=run, case=cases[0], status="passed", executed_at=_at(2))  # re-test counts
    ExecutionFactory(run=run, case=cases[1], status="blocked")
    progress = selectors.run_progress(run)
    assert (progress["total"], progress["executed"], progress["passed"], progress["blocked"]) == (4, 2, 1, 1)
    assert progress["not_run"] == 2 and progress["percent"] == 50 and progress["percent_passed"] == 25
    rows = {r["tester"]: r for r in selectors.tester_progress(run)}
    assert rows["anna"]["total"] == 2 and rows["anna"]["percent"] == 100
    assert rows["mart"]["executed"] == 0
    assert rows[""]["total"] == 1  # unassigned and never executed
    assert selectors.runs_progress([run])[run.pk] == progress


def test_roll_up_rule_across_environments() -> None:
    case = TestCaseFactory()
    uat = TestRunFactory(cases=[case], environment_name="skais-uat")
    test = TestRunFactory(cases=[case], environment_name="skais-test")
    assert selectors.case_status(case) == "not_run"
    ExecutionFactory(run=uat, case=case, status="failed", executed_at=_at(1))
    ExecutionFactory(run=uat, case=case, status="passed", executed_at=_at(2))
    assert selectors.case_status(case) == "passed"  # the latest per environment counts
    ExecutionFactory(run=test, case=case, status="blocked", executed_at=_at(3))
    assert selectors.case_status(case) == "blocked"  # blocked beats passed
    again = TestRunFactory(cases=[case], environment_name="skais-uat")
    ExecutionFactory(run=again, case=case, status="failed", executed_at=_at(4))
    assert selectors.case_status(case) == "failed"  # failed beats blocked
    TestRun.objects.filter(pk=again.pk).update(status="cancelled")
    assert selectors.case_status(case) == "blocked"  # cancelled runs do not count
    assert selectors.worst(["passed", "not_run"]) == "not_run"


def test_ticket_status_and_executions_for_tickets() -> None:
    ticket, other = TicketFactory(), TicketFactory()
    a, b = TestCaseFactory(tickets=[ticket]), TestCaseFactory(tickets=[ticket])
    run = TestRunFactory(cases=[a, b])
    ExecutionFactory(run=run, case=a, status="passed")
    state = selectors.ticket_status(ticket)
    assert state["status"] == "not_run" and not state["tested"]
    ExecutionFactory(run=run, case=b, status="passed")
    state = selectors.ticket_status(ticket)
    assert state["status"] == "passed" and state["tested"]
    assert {c["key"] for c in state["cases"]} == {a.key, b.key}
    assert selectors.ticket_status(other) == {"status": "", "tested": False, "cases": [], "counts": {}}
    assert selectors.executions_for_tickets([ticket]).count() == 2
    assert not selectors.executions_for_tickets([other]).exists()


def test_go_no_go_uses_executions_for_tickets_with_cases() -> None:
    delivery = DeliveryFactory()
    tested = TicketFactory(delivery=delivery, status="in_testing")
    untested = TicketFactory(delivery=delivery, status="in_testing")
    case = TestCaseFactory(tickets=[tested])
    failing = TestCaseFactory(tickets=[untested])
    run = TestRunFactory(cases=[case, failing])
    ExecutionFactory(run=run, case=case, status="passed")
    ExecutionFactory(run=run, case=failing, status="failed")
    items, data = selectors_go.checklist(delivery)
    item = next(i for i in items if i["key"] == "tickets_tested")
    assert not item["ok"]
    assert untested.key in item["detail"] and tested.key not in item["detail"]
    evidence = {t["key"]: t["evidence"] for t in data["tickets"]}
    assert evidence[tested.key]["tested"] and evidence[tested.key]["runs"][0]["passed"]
    ExecutionFactory(run=run, case=failing, status="passed")
    items, _data = selectors_go.checklist(delivery)
    assert next(i for i in items if i["key"] == "tickets_tested")["ok"]


def test_ticket_without_cases_keeps_the_delivery_evidence() -> None:
    ticket = TicketFactory(status="passed")
    assert selectors.evidence(ticket) is None
    assert selectors_go.ticket_evidence(ticket)["tested"]


# --- pages ---------------------------------------------------------------------------------------


class TestPlanPages(ViewContract):
    list_url = "testing:plan_list"
    create_url = "testing:plan_create"
    editor_role = Role.TEST_MANAGER
    viewer_role = Role.DOMAIN_SUPPORT
    create_event = "testing.plan_created"
    update_event = "testing.plan_updated"

    def make(self) -> Any:
        return TestPlanFactory(cases=[TestCaseFactory()])

    def detail_url(self, obj: Any) -> str:
        return reverse("testing:plan_detail", args=[obj.pk])

    def create_data(self) -> dict[str, Any]:
        return {"name": "Plan for release 5", "cases": [TestCaseFactory().pk]}

    def bad_data(self) -> tuple[dict[str, Any], str]:
        return {"name": "", "cases": []}, "name"

    def created(self, data: dict[str, Any]) -> Any:
        return (
            TestPlan.objects.filter(name=data["name"]) if data["name"] else TestPlan.objects.filter(name="")
        )

    def edit_url(self, obj: Any) -> str:
        return reverse("testing:plan_edit", args=[obj.pk])

    def edit_data(self, obj: Any) -> dict[str, Any]:
        return {"name": obj.name + " (changed)", "cases": [c.pk for c in obj.cases.all()]}


class TestRunPages(ViewContract):
    list_url = "testing:run_list"
    create_url = "testing:run_create"
    editor_role = Role.TEST_MANAGER
    viewer_role = Role.DOMAIN_SUPPORT
    create_event = "testing.run_created"
    update_event = "testing.run_updated"

    def make(self) -> Any:
        case = TestCaseFactory()
        run = TestRunFactory(cases=[case], plan=None)
        ExecutionFactory(run=run, case=case)
        return run

    def detail_url(self, obj: Any) -> str:
        return reverse("testing:run_detail", args=[obj.pk])

    def create_data(self) -> dict[str, Any]:
        return {"name": "Regression 12", "environment_name": "star-uat", "status": "planned"}

    def bad_data(self) -> tuple[dict[str, Any], str]:
        return {"name": "Regression 13", "status": "planned"}, "environment"

    def created(self, data: dict[str, Any]) -> Any:
        return TestRun.objects.filter(name=data["name"])

    def edit_url(self, obj: Any) -> str:
        return reverse("testing:run_edit", args=[obj.pk])

    def edit_data(self, obj: Any) -> dict[str, Any]:
        return {
            "name": obj.name,
            "environment_name": obj.environment_name,
            "version": "2.0",
            "status": "completed",
        }


def test_run_page_executes_in_place(domain_support: Any, client_for: Any) -> None:
    case = TestCaseFactory(key="TC-1", version__steps=[{"action": "Press pay", "expected": "Paid"}])
    run = TestRunFactory(cases=[case])
    client = client_for(domain_support)
    body = client.get(reverse("testing:run_detail", args=[run.pk])).content.decode()
    assert "Press pay" in body and 'class="execute-form"' in body
    upload = SimpleUploadedFile("log.txt", b"trace", content_type="text/plain")
    response = client.post(
        reverse("testing:execution_create", args=[run.pk, case.pk]),
        {"status": "failed", "comment": "Error 500", "attachment": upload},
    )
    assert response.status_code == 302
    execution = Execution.objects.get()
    assert execution.status == "failed" and execution.tester == domain_support
    assert execution.attachments.get().filename == "log.txt"
    body = client.get(reverse("testing:run_detail", args=[run.pk])).content.decode()
    assert 'data-key="TC-1" data-status="failed"' in body


def test_run_page_refuses_failed_without_comment(domain_support: Any, client_for: Any) -> None:
    case = TestCaseFactory(key="TC-1")
    run = TestRunFactory(cases=[case])
    client = client_for(domain_support)
    response = client.post(
        reverse("testing:execution_create", args=[run.pk, case.pk]), {"status": "failed"}, follow=True
    )
    assert "Say what failed" in response.content.decode()
    assert not Execution.objects.exists()


def test_auditor_cannot_execute_or_change_membership(auditor: Any, client_for: Any) -> None:
    case = TestCaseFactory()
    run = TestRunFactory(cases=[case])
    client = client_for(auditor)
    with no_audit_event():
        assert (
            client.post(
                reverse("testing:execution_create", args=[run.pk, case.pk]), {"status": "passed"}
            ).status_code
            == 403
        )
        assert client.post(reverse("testing:run_case_remove", args=[run.pk, case.pk])).status_code == 404
    assert run.run_cases.count() == 1


def test_run_page_adds_and_assigns_cases(test_manager: Any, domain_support: Any, client_for: Any) -> None:
    a, b = TestCaseFactory(key="TC-1"), TestCaseFactory(key="TC-2")
    run = TestRunFactory(cases=[a])
    client = client_for(test_manager)
    with exactly_one_audit_event("testing.run_cases_added"):
        client.post(
            reverse("testing:run_cases_add", args=[run.pk]), {"cases": [b.pk], "assignee": domain_support.pk}
        )
    assert run.run_cases.get(case=b).assignee == domain_support
    with exactly_one_audit_event("testing.run_case_assigned"):
        client.post(reverse("testing:run_case_assign", args=[run.pk, a.pk]), {"assignee": domain_support.pk})
    body = (
        client_for(domain_support)
        .get(reverse("testing:run_detail", args=[run.pk]), {"mine": "1"})
        .content.decode()
    )
    assert 'data-key="TC-1"' in body and 'data-key="TC-2"' in body


def test_desk_shows_my_executions_to_do(domain_support: Any, client_for: Any) -> None:
    a, b = TestCaseFactory(key="TC-1"), TestCaseFactory(key="TC-2")
    run = TestRunFactory(cases=[a, b], name="Sprint UAT")
    RunCase.objects.filter(run=run).update(assignee=domain_support)
    ExecutionFactory(run=run, case=a, status="passed")
    from tugi.testing.contributions.runs import _desk

    class Request:
        user = domain_support

    data = _desk(Request())
    assert data is not None
    assert [rc.case.key for rc in data["todo"]] == ["TC-2"]
    assert data["runs"][0][1]["executed"] == 1
    response = client_for(domain_support).get("/")
    assert response.status_code == 200


def test_api_lists_runs_with_progress(test_manager: Any, client_for: Any) -> None:
    case = TestCaseFactory(key="TC-1")
    run = TestRunFactory(cases=[case], name="API run")
    ExecutionFactory(run=run, case=case, status="passed")
    client = client_for(test_manager)
    items = client.get("/api/v1/testing/runs").json()["items"]
    assert items[0]["name"] == "API run" and items[0]["progress"]["passed"] == 1
    detail = client.get(f"/api/v1/testing/runs/{run.pk}").json()
    assert detail["cases"][0] == {**detail["cases"][0], "key": "TC-1", "status": "passed", "version": 1}
