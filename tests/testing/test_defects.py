"""Defects: raised from a failed execution with its steps, environment and version; workflow and
triage SLA; export for the developers' tracker (CSV, JSON, webhook); go / no-go sees them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.delivery.factories import DeliveryFactory, EnvironmentFactory, ReadinessCheckFactory, TicketFactory
from tests.helpers import exactly_one_audit_event, no_audit_event
from tests.testing.factories import DefectFactory, ExecutionFactory, TestCaseFactory, TestRunFactory
from tugi.core.roles import Role
from tugi.delivery.models import DeliveryStatus, TicketStatus
from tugi.delivery.selectors_go import checklist
from tugi.testing.models import Defect, DefectStatus, WebhookDelivery, WebhookStatus
from tugi.testing.services.defects import defect_create, defect_set_status, defect_update, webhook_deliver

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed(test_manager: Any) -> Any:
    ticket = TicketFactory(key="SKAIS-77")
    case = TestCaseFactory(
        key="TC-900",
        title="Old-age pension is recalculated",
        tickets=[ticket],
        version__steps=[
            {"action": "Open the pension case", "expected": "The case opens"},
            {"action": "Recalculate with the new index", "expected": "The new amount is shown"},
        ],
    )
    run = TestRunFactory(environment_name="skais-test", version="2026.3")
    return ExecutionFactory(
        run=run, case=case, status="failed", comment="The old amount is shown", tester=test_manager
    )


def test_a_defect_raised_from_a_failed_execution_has_its_steps_environment_and_version(
    failed: Any, test_manager: Any
) -> None:
    with exactly_one_audit_event("testing.defect_created") as events:
        defect = defect_create(actor=test_manager, execution=failed, severity="high", reason="found in UAT")
    assert defect.title == "TC-900: Old-age pension is recalculated"
    assert "1. Open the pension case" in defect.steps
    assert "2. Recalculate with the new index" in defect.steps
    assert "2. The new amount is shown" in defect.expected_result
    assert defect.actual_result == "The old amount is shown"
    assert defect.environment == "skais-test"
    assert defect.found_in_version == "2026.3"
    assert [t.key for t in defect.tickets.all()] == ["SKAIS-77"]
    assert defect.reported_by == test_manager
    assert events[0].after["tickets"] == ["SKAIS-77"]
    assert events[0].reason == "found in UAT"


def test_a_defect_is_not_raised_from_a_passed_execution(test_manager: Any) -> None:
    passed = ExecutionFactory(status="passed")
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        defect_create(actor=test_manager, execution=passed)
    assert "execution" in exc.value.message_dict
    assert not Defect.objects.exists()


def test_bad_input_names_the_field_and_stores_nothing(test_manager: Any) -> None:
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        defect_create(actor=test_manager, title="Crash", severity="fatal")
    assert "severity" in exc.value.message_dict
    assert not Defect.objects.exists()


def test_finance_may_not_raise_defects(make_user: Any) -> None:
    with no_audit_event(), pytest.raises(PermissionDenied):
        defect_create(actor=make_user(Role.FINANCE), title="Crash")


def test_domain_specialists_raise_defects(domain_support: Any) -> None:
    defect = defect_create(actor=domain_support, title="Wrong letter text", severity="low")
    assert defect.status == DefectStatus.NEW


def test_workflow_is_audited_and_refuses_skipped_steps(test_manager: Any) -> None:
    defect = DefectFactory(reported_by=test_manager)
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        defect_set_status(defect=defect, status="closed", actor=test_manager)
    assert "status" in exc.value.message_dict
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        defect_set_status(defect=defect, status="rejected", actor=test_manager)
    assert "reason" in exc.value.message_dict
    with exactly_one_audit_event("testing.defect_status") as events:
        defect_set_status(defect=defect, status="triaged", actor=test_manager, reason="seen")
    defect.refresh_from_db()
    assert defect.status == "triaged" and defect.triaged_at is not None
    assert events[0].before == {"status": "new", "triaged_at": None, "closed_at": None}
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        defect_set_status(defect=defect, status="fixed", actor=test_manager)
    assert "fixed_in_version" in exc.value.message_dict
    defect_set_status(defect=defect, status="fixed", fixed_in_version="2026.4", actor=test_manager)
    defect_set_status(defect=defect, status="verified", actor=test_manager)
    defect_set_status(defect=defect, status="closed", actor=test_manager)
    defect.refresh_from_db()
    assert defect.fixed_in_version == "2026.4" and defect.closed_at is not None and not defect.is_open


def test_edit_is_one_audit_event_and_no_change_writes_none(test_manager: Any) -> None:
    defect = DefectFactory(reported_by=test_manager, title="Crash")
    with exactly_one_audit_event("testing.defect_updated") as events:
        defect_update(defect=defect, owner=test_manager, logs="Traceback …", actor=test_manager)
    assert events[0].after["logs"] == "Traceback …"
    with no_audit_event():
        defect_update(defect=defect, owner=test_manager, actor=test_manager)


def test_triage_sla_by_severity_shows_overdue_on_the_desk(test_manager: Any, client_for: Any) -> None:
    now = timezone.now()
    late = DefectFactory(severity="critical", title="Payments stop", created_at=now - dt.timedelta(hours=5))
    on_time = DefectFactory(severity="low", title="Typo", created_at=now - dt.timedelta(hours=5))
    assert late.triage_overdue(now) and not on_time.triage_overdue(now)
    body = client_for(test_manager).get("/").content.decode()
    assert f'data-key="{late.key}"' in body
    assert f'data-key="{on_time.key}"' not in body
    listing = client_for(test_manager).get("/testing/defects/").content.decode()
    assert "overdue" in listing


def test_a_failed_executions_defect_shows_in_the_deliverys_go_no_go(failed: Any, test_manager: Any) -> None:
    delivery = DeliveryFactory(system="STAR", version="2026.20", status=DeliveryStatus.IN_UAT)
    ticket = TicketFactory(key="STAR-5", system="STAR", delivery=delivery, status=TicketStatus.PASSED)
    ReadinessCheckFactory(environment=EnvironmentFactory(system="STAR", kind="prod", name="star-prod"))
    items = {i["key"]: i for i in checklist(delivery)[0]}
    assert items["no_open_critical"]["ok"]
    failed.case.tickets.add(ticket)
    defect = defect_create(actor=test_manager, execution=failed, severity="critical")
    items = {i["key"]: i for i in checklist(delivery)[0]}
    assert not items["no_open_critical"]["ok"]
    assert defect.key in items["no_open_critical"]["detail"]
    # the testing evidence of the ticket is kept: its case failed, so it is not yet tested
    assert not items["tickets_tested"]["ok"] and "STAR-5" in items["tickets_tested"]["detail"]
    defect_set_status(defect=defect, status="rejected", actor=test_manager, reason="works as designed")
    assert {i["key"]: i for i in checklist(delivery)[0]}["no_open_critical"]["ok"]


def test_export_csv_and_json_for_the_tracker(test_manager: Any, client_for: Any) -> None:
    ticket = TicketFactory(key="SKAIS-88")
    defect = DefectFactory(title="Wrong amount", severity="high", priority="highest", tickets=[ticket])
    client = client_for(test_manager)
    response = client.get("/testing/defects/?export=csv")
    text = b"".join(response.streaming_content).decode().lstrip("\ufeff")  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header = rows[0]
    row = dict(zip(header, next(r for r in rows[1:] if r[0] == defect.key), strict=True))
    assert row["Summary"] == "Wrong amount" and row["Priority"] == "Highest"
    assert row["Linked Issues"] == "SKAIS-88"
    data = json.loads(client.get("/testing/defects/?export=json").content)
    item = next(d for d in data if d["key"] == defect.key)
    assert item["fields"]["issuetype"] == {"name": "Bug"}
    assert item["fields"]["issuelinks"] == [{"type": "affects", "key": "SKAIS-88"}]
    api = client.get(f"/api/v1/testing/defects/{defect.pk}").json()
    assert api["fields"]["severity"] == "high"


class _Hook(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []
    answer = 200

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        _Hook.received.append(json.loads(self.rfile.read(length)))
        self.send_response(_Hook.answer)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture
def hook_server() -> Any:
    _Hook.received, _Hook.answer = [], 200
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


def test_webhook_posts_the_defect_json_and_retries_a_failure(
    hook_server: str, settings: Any, test_manager: Any
) -> None:
    settings.TESTING_DEFECT_WEBHOOK_URL = hook_server
    _Hook.answer = 500
    defect = defect_create(actor=test_manager, title="Crash on save", severity="critical")
    assert webhook_deliver() == {"sent": 0, "failed": 1}
    delivery = WebhookDelivery.objects.get(defect=defect)
    assert (
        delivery.status == WebhookStatus.PENDING and delivery.attempts == 1 and "500" in delivery.last_error
    )
    _Hook.answer = 200
    assert webhook_deliver() == {"sent": 0, "failed": 0}  # waits for the back-off
    assert webhook_deliver(now=timezone.now() + dt.timedelta(minutes=2)) == {"sent": 1, "failed": 0}
    delivery.refresh_from_db()
    assert delivery.status == WebhookStatus.SENT
    assert _Hook.received[-1]["event"] == "created"
    assert _Hook.received[-1]["defect"]["fields"]["summary"] == "Crash on save"
    defect_update(defect=defect, title="Crash on save of an application", actor=test_manager)
    webhook_deliver()
    assert _Hook.received[-1]["event"] == "updated"
    assert _Hook.received[-1]["defect"]["fields"]["summary"] == "Crash on save of an application"


def test_no_webhook_without_an_address(settings: Any, test_manager: Any) -> None:
    settings.TESTING_DEFECT_WEBHOOK_URL = ""
    defect_create(actor=test_manager, title="Crash")
    assert not WebhookDelivery.objects.exists()


def test_pages_raise_from_execution_edit_and_change_status(
    failed: Any, test_manager: Any, client_for: Any, make_user: Any
) -> None:
    client = client_for(test_manager)
    page = client.get(f"/testing/defects/new/?execution={failed.pk}").content.decode()
    assert "Recalculate with the new index" in page and "skais-test" in page
    response = client.post(
        f"/testing/defects/new/?execution={failed.pk}",
        {
            "title": "Old amount after recalculation",
            "severity": "high",
            "priority": "high",
            "steps": "1. Open\n2. Recalculate",
            "environment": "skais-test",
            "found_in_version": "2026.3",
            "tickets": "SKAIS-77",
        },
    )
    defect = Defect.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/testing/defects/{defect.pk}/"
    assert defect.execution == failed and defect.severity == "high"
    detail = client.get(f"/testing/defects/{defect.pk}/").content.decode()
    assert "Old amount after recalculation" in detail and "SKAIS-77" in detail
    bad = client.post(
        f"/testing/defects/{defect.pk}/edit/",
        {"title": "x", "severity": "high", "priority": "high", "tickets": "NOPE-1"},
    )
    assert bad.status_code == 200 and "Unknown ticket: NOPE-1" in bad.content.decode()
    response = client.post(f"/testing/defects/{defect.pk}/status/", {"status": "closed"})
    assert response.status_code == 422 and "cannot go from" in response.content.decode()
    response = client.post(f"/testing/defects/{defect.pk}/status/", {"status": "triaged", "reason": "ok"})
    assert response.status_code == 302
    defect.refresh_from_db()
    assert defect.status == "triaged"
    finance = client_for(make_user(Role.FINANCE, username="fin2"))
    assert finance.get("/testing/defects/").status_code == 403
    assert finance.get(f"/testing/defects/{defect.pk}/").status_code == 404


def test_a_defect_on_a_ticket_without_cases_keeps_the_tickets_own_evidence(test_manager: Any) -> None:
    delivery = DeliveryFactory(system="STAR", version="2026.21", status=DeliveryStatus.IN_UAT)
    ticket = TicketFactory(key="STAR-6", system="STAR", delivery=delivery, status=TicketStatus.PASSED)
    defect = defect_create(actor=test_manager, title="Slow search", severity="high", tickets=[ticket])
    items = {i["key"]: i for i in checklist(delivery)[0]}
    assert items["tickets_tested"]["ok"] and items["no_open_critical"]["ok"]
    assert not items["high_signed_off"]["ok"] and defect.key in items["high_signed_off"]["detail"]


def test_search_finds_defects_by_key_and_title(test_manager: Any, client_for: Any) -> None:
    defect = DefectFactory(title="Index rounding differs")
    client = client_for(test_manager)
    assert f"/testing/defects/{defect.pk}/" in client.post("/search/", {"q": "rounding"}).content.decode()
    assert f"/testing/defects/{defect.pk}/" in client.post("/search/", {"q": defect.key}).content.decode()


def test_triage_overdue_list_follows_each_severitys_sla(test_manager: Any) -> None:
    from tugi.testing.selectors_defects import triage_overdue

    now = timezone.now()
    ages = {"critical": 5, "high": 7, "medium": 26, "low": 71}
    made = {
        sev: DefectFactory(severity=sev, created_at=now - dt.timedelta(hours=h)) for sev, h in ages.items()
    }
    triaged = DefectFactory(severity="critical", status="triaged", created_at=now - dt.timedelta(hours=9))
    found = triage_overdue(user=test_manager, now=now)
    assert found == [made["medium"], made["critical"]]  # earliest due first
    assert triaged not in found
