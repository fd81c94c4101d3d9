"""Test reports per delivery: scope, traceability (tickets → cases → executions → defects), results
by environment, open defects; finalising keeps the content and is audited; overdue reports on the
desk; the report as a page, PDF and XLSX."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from tests.delivery.factories import DeliveryFactory, TicketFactory
from tests.helpers import exactly_one_audit_event, no_audit_event
from tests.testing.factories import (
    DefectFactory,
    ExecutionFactory,
    RunCaseFactory,
    TestCaseFactory,
    TestPlanFactory,
    TestReportFactory,
    TestRunFactory,
)
from tugi.testing.models import ReportStatus, TestReport
from tugi.testing.selectors_reports import report_content, report_data, reports_overdue
from tugi.testing.services.reports import report_create, report_finalise, report_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def tested(test_manager: Any) -> dict[str, Any]:
    """A delivery with two tickets; SKAIS-501 has a case run in test (failed, then passed) and in UAT
    (failed, with an open defect); SKAIS-502 has no case."""
    delivery = DeliveryFactory(version="2030.1")
    t1 = TicketFactory(key="SKAIS-501", title="Indexation 2031", delivery=delivery)
    TicketFactory(key="SKAIS-502", title="Notice text", delivery=delivery)
    case = TestCaseFactory(key="TC-501", title="New amount with the index", tickets=[t1])
    other = TestCaseFactory(key="TC-502", title="Planned but not linked")
    plan = TestPlanFactory(delivery=delivery, cases=[case, other])
    test_run = TestRunFactory(plan=plan, environment_name="skais-test", cases=[case, other])
    uat_run = TestRunFactory(plan=plan, environment_name="skais-uat", cases=[case])
    now = timezone.now()
    ExecutionFactory(run=test_run, case=case, status="failed", executed_at=now - dt.timedelta(hours=3))
    ExecutionFactory(run=test_run, case=case, status="passed", executed_at=now - dt.timedelta(hours=2))
    failed = ExecutionFactory(
        run=uat_run, case=case, status="failed", executed_at=now - dt.timedelta(hours=1)
    )
    open_defect = DefectFactory(title="Amount off by a cent", severity="high", execution=failed, tickets=[t1])
    DefectFactory(title="Closed long ago", status="closed", execution=failed)
    return {"delivery": delivery, "case": case, "uat_run": uat_run, "open_defect": open_defect}


def test_content_traces_tickets_to_cases_executions_and_defects(tested: dict[str, Any]) -> None:
    data = report_content(tested["delivery"])
    assert [t["key"] for t in data["tickets"]] == ["SKAIS-501", "SKAIS-502"]
    assert [c["key"] for c in data["cases"]] == ["TC-501", "TC-502"]
    rows = {(r["ticket"], r["case"], r["environment"]): r for r in data["traceability"]}
    # the latest execution per environment counts: passed in test, failed in UAT
    assert rows[("SKAIS-501", "TC-501", "skais-test")]["status"] == "passed"
    assert rows[("SKAIS-501", "TC-501", "skais-uat")]["status"] == "failed"
    assert tested["open_defect"].key in rows[("SKAIS-501", "TC-501", "skais-uat")]["defects"]
    assert rows[("", "TC-502", "skais-test")]["status"] == "not_run"
    assert rows[("SKAIS-502", "", "")]["case"] == ""
    assert data["untested_tickets"] == ["SKAIS-502"]
    envs = {e["environment"]: e for e in data["environments"]}
    assert envs["skais-test"] == {
        "environment": "skais-test",
        "passed": 1,
        "failed": 0,
        "blocked": 0,
        "not_run": 1,
        "total": 2,
    }
    assert envs["skais-uat"]["failed"] == 1
    # only open defects are listed
    assert [d["title"] for d in data["open_defects"]] == ["Amount off by a cent"]


def test_create_is_audited_and_one_report_per_delivery(tested: dict[str, Any], test_manager: Any) -> None:
    due = timezone.localdate() + dt.timedelta(days=5)
    with exactly_one_audit_event("testing.report_created"):
        report = report_create(delivery=tested["delivery"], due_date=due, actor=test_manager)
    assert report.status == ReportStatus.DRAFT and report.owner == test_manager
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        report_create(delivery=tested["delivery"], due_date=due, actor=test_manager)
    assert "delivery" in exc.value.message_dict
    assert TestReport.objects.count() == 1


def test_domain_support_cannot_create_a_report(tested: dict[str, Any], domain_support: Any) -> None:
    with no_audit_event(), pytest.raises(PermissionDenied):
        report_create(delivery=tested["delivery"], due_date=timezone.localdate(), actor=domain_support)


def test_finalise_needs_a_recommendation_and_keeps_the_content(
    tested: dict[str, Any], test_manager: Any
) -> None:
    report = TestReportFactory(delivery=tested["delivery"], owner=test_manager)
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        report_finalise(report=report, actor=test_manager)
    assert "recommendation" in exc.value.message_dict
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.snapshot is None

    report_update(report=report, recommendation="go_with_risks", risks="One cent off", actor=test_manager)
    with exactly_one_audit_event("testing.report_finalised") as events:
        report_finalise(report=report, actor=test_manager, reason="test manager signed")
    assert events[0].reason == "test manager signed"
    assert events[0].after["status"] == "final" and events[0].after["open_defects"] == 1
    report.refresh_from_db()
    assert report.status == ReportStatus.FINAL and report.finalised_by == test_manager

    # later results do not change a final report; the draft content would
    ExecutionFactory(run=tested["uat_run"], case=tested["case"], status="passed")
    kept = report_data(report)
    assert {e["environment"]: e["failed"] for e in kept["environments"]}["skais-uat"] == 1
    assert {e["environment"]: e["failed"] for e in report_content(tested["delivery"])["environments"]}[
        "skais-uat"
    ] == 0
    with no_audit_event(), pytest.raises(ValidationError):
        report_update(report=report, risks="changed", actor=test_manager)
    with no_audit_event(), pytest.raises(ValidationError):
        report_finalise(report=report, actor=test_manager)


def test_overdue_reports_show_on_the_desk(test_manager: Any, client_for: Any) -> None:
    today = timezone.localdate()
    late = TestReportFactory(due_date=today - dt.timedelta(days=1))
    TestReportFactory(due_date=today - dt.timedelta(days=3), status="final")
    TestReportFactory(due_date=today + dt.timedelta(days=1))
    assert list(reports_overdue(user=test_manager)) == [late]
    page = client_for(test_manager).get("/").content.decode()
    assert 'data-widget="testing-reports-overdue"' in page
    assert f'data-report="{late.pk}"' in page


def test_report_page_pdf_and_xlsx(tested: dict[str, Any], test_manager: Any, client_for: Any) -> None:
    report = TestReportFactory(delivery=tested["delivery"], owner=test_manager, risks="=HYPERLINK(1)")
    client = client_for(test_manager)
    page = client.get(f"/testing/reports/{report.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-case="TC-501"' in html and "Amount off by a cent" in html
    assert 'id="report-finalise"' in html

    pdf = client.get(f"/testing/reports/{report.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")

    xlsx = client.get(f"/testing/reports/{report.pk}/xlsx/")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == [
        "Summary",
        "Scope tickets",
        "Scope cases",
        "Traceability",
        "Results by environment",
        "Open defects",
    ]
    trace = list(book["Traceability"].iter_rows(values_only=True))
    assert trace[0][:4] == ("Ticket", "Case", "Environment", "Result")
    assert ("SKAIS-501", "TC-501", "skais-uat", "failed") in [r[:4] for r in trace]
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True)}
    assert summary["Risks"] == "'=HYPERLINK(1)"  # kept as text, not run as a formula


def test_finalise_through_the_page(tested: dict[str, Any], test_manager: Any, client_for: Any) -> None:
    report = TestReportFactory(delivery=tested["delivery"], owner=test_manager)
    client = client_for(test_manager)
    response = client.post(f"/testing/reports/{report.pk}/finalise/", {"reason": ""}, follow=True)
    assert "Give a recommendation before finalising the report." in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    client.post(
        f"/testing/reports/{report.pk}/edit/",
        {"due_date": report.due_date.isoformat(), "owner": test_manager.pk, "recommendation": "go"},
    )
    client.post(f"/testing/reports/{report.pk}/finalise/", {"reason": "done"})
    report.refresh_from_db()
    assert report.status == ReportStatus.FINAL and report.recommendation == "go"
    assert 'id="report-finalise"' not in client.get(f"/testing/reports/{report.pk}/").content.decode()


def test_create_page_and_permissions(
    tested: dict[str, Any], test_manager: Any, domain_support: Any, finance_user: Any, client_for: Any
) -> None:
    client = client_for(test_manager)
    due = (timezone.localdate() + dt.timedelta(days=4)).isoformat()
    response = client.post(
        "/testing/reports/new/",
        {"delivery": tested["delivery"].pk, "due_date": due, "owner": test_manager.pk},
    )
    report = TestReport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/testing/reports/{report.pk}/"
    assert client.get("/testing/reports/?export=csv").status_code == 200
    # domain specialists read reports but do not create them; finance sees none
    ds = client_for(domain_support)
    assert ds.get(f"/testing/reports/{report.pk}/").status_code == 200
    assert ds.get("/testing/reports/new/").status_code == 403
    assert client_for(finance_user).get(f"/testing/reports/{report.pk}/").status_code == 404


def test_api_lists_reports_with_content(tested: dict[str, Any], test_manager: Any, client_for: Any) -> None:
    report = TestReportFactory(
        delivery=tested["delivery"], due_date=timezone.localdate() - dt.timedelta(days=1)
    )
    client = client_for(test_manager)
    listed = client.get("/api/v1/testing/reports").json()
    assert listed == [
        {
            "id": report.pk,
            "delivery": str(tested["delivery"]),
            "due_date": report.due_date.isoformat(),
            "status": "draft",
            "recommendation": "",
            "overdue": True,
        }
    ]
    one = client.get(f"/api/v1/testing/reports/{report.pk}").json()
    assert one["content"]["open_defects"][0]["title"] == "Amount off by a cent"


def test_report_page_queries_do_not_grow(tested: dict[str, Any], test_manager: Any, client_for: Any) -> None:
    from tests.helpers import assert_queries_do_not_grow

    report = TestReportFactory(delivery=tested["delivery"], owner=test_manager)
    client = client_for(test_manager)

    def more() -> None:
        ticket = TicketFactory(delivery=tested["delivery"])
        case = TestCaseFactory(tickets=[ticket])
        RunCaseFactory(run=tested["uat_run"], case=case)
        failed = ExecutionFactory(run=tested["uat_run"], case=case, status="failed")
        DefectFactory(execution=failed, tickets=[ticket])

    more()
    assert_queries_do_not_grow(more, lambda: client.get(f"/testing/reports/{report.pk}/"))
