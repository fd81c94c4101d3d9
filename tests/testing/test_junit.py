"""JUnit XML import: tests matched to cases by their automated name or a stored mapping,
executions created, unmatched names listed; the same report twice creates nothing; a bad file
is refused with a clear message and nothing stored."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.helpers import exactly_one_audit_event, no_audit_event
from tests.testing.factories import TestCaseFactory, TestRunFactory
from tugi.core.roles import Role
from tugi.core.services import token_create
from tugi.testing.models import Execution, JUnitCaseResult, JUnitImport, JUnitMapping, RunCase
from tugi.testing.services.junit import junit_import, junit_map

pytestmark = pytest.mark.django_db

PYTEST_XML = b"""<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="5" timestamp="2026-03-02T10:00:00">
  <testcase classname="tests.test_pension" name="test_amount" time="0.12"/>
  <testcase classname="tests.test_pension" name="test_index" time="0.30">
    <failure message="assert 512.3 == 515.0">AssertionError: wrong amount</failure>
  </testcase>
  <testcase classname="tests.test_pension" name="test_letter" time="0.01">
    <error message="fixture 'db' not found"/>
  </testcase>
  <testcase classname="tests.test_pension" name="test_slow" time="0"><skipped message="slow"/></testcase>
  <testcase classname="tests.test_other" name="test_unknown" time="0.2"/>
</testsuite></testsuites>"""

SUREFIRE_XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="ee.sotsiaal.PensionTest" tests="1" failures="0">
  <testcase name="calculatesAmount" classname="ee.sotsiaal.PensionTest" time="0.5"/>
</testsuite>"""


@pytest.fixture
def run() -> Any:
    TestCaseFactory(key="TC-1", automated=True, automated_name="tests.test_pension::test_amount")
    TestCaseFactory(key="TC-2", automated=True, automated_name="tests.test_pension.test_index")
    TestCaseFactory(key="TC-3", automated=True, automated_name="tests.test_pension::test_letter")
    TestCaseFactory(key="TC-4", automated=True, automated_name="tests.test_pension::test_slow")
    return TestRunFactory()


def test_import_creates_executions_with_statuses_and_lists_unmatched(run: Any, test_manager: Any) -> None:
    with exactly_one_audit_event("testing.junit_imported") as events:
        imp, created = junit_import(run=run, content=PYTEST_XML, actor=test_manager, filename="report.xml")
    assert created
    assert (imp.total, imp.passed, imp.failed, imp.skipped, imp.matched) == (5, 2, 2, 1, 4)
    statuses = {e.case.key: e.status for e in Execution.objects.filter(run=run)}
    assert statuses == {"TC-1": "passed", "TC-2": "failed", "TC-3": "failed", "TC-4": "not_run"}
    executions = Execution.objects.filter(run=run)
    assert {e.source for e in executions} == {"junit"}
    assert all(e.case_version == e.case.current_version for e in executions)
    assert "wrong amount" in executions.get(case__key="TC-2").comment
    assert set(RunCase.objects.filter(run=run).values_list("case__key", flat=True)) == {
        "TC-1",
        "TC-2",
        "TC-3",
        "TC-4",
    }
    unmatched = list(JUnitCaseResult.objects.filter(case__isnull=True).values_list("name", flat=True))
    assert unmatched == ["tests.test_other.test_unknown"]
    assert events[0].after["unmatched"] == unmatched
    assert events[0].after["executions_created"] == 4


def test_the_same_report_imported_twice_creates_no_duplicates(run: Any, test_manager: Any) -> None:
    first, _ = junit_import(run=run, content=PYTEST_XML, actor=test_manager)
    with no_audit_event():
        again, created = junit_import(run=run, content=PYTEST_XML, actor=test_manager)
    assert not created and again == first
    assert Execution.objects.filter(run=run).count() == 4
    assert JUnitImport.objects.count() == 1 and JUnitCaseResult.objects.count() == 5


def test_a_mapping_makes_the_next_import_match(run: Any, test_manager: Any, client_for: Any) -> None:
    junit_import(run=run, content=PYTEST_XML, actor=test_manager)
    client = client_for(test_manager)
    page = client.get("/testing/junit/mapping/").content.decode()
    assert "tests.test_other.test_unknown" in page
    bad = client.post(
        "/testing/junit/mapping/", {"name": "tests.test_other.test_unknown", "case_key": "TC-404"}
    )
    assert bad.status_code == 422 and "No test case with this key." in bad.content.decode()
    assert not JUnitMapping.objects.exists()
    with exactly_one_audit_event("testing.junit_mapped"):
        response = client.post(
            "/testing/junit/mapping/", {"name": "tests.test_other.test_unknown", "case_key": "TC-1"}
        )
    assert response.status_code == 302
    assert (
        "tests.test_other.test_unknown"
        not in client.get("/testing/junit/mapping/").content.decode().split("Mappings")[0]
    )
    other_run = TestRunFactory()
    imp, _ = junit_import(run=other_run, content=PYTEST_XML, actor=test_manager)
    assert imp.matched == 5
    assert Execution.objects.filter(run=other_run, case__key="TC-1").count() == 2


def test_surefire_report_matches_classname_dot_name(test_manager: Any) -> None:
    TestCaseFactory(key="TC-9", automated=True, automated_name="ee.sotsiaal.PensionTest.calculatesAmount")
    run = TestRunFactory()
    imp, _ = junit_import(run=run, content=SUREFIRE_XML, actor=test_manager)
    assert imp.matched == 1 and Execution.objects.get(run=run).status == "passed"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<testsuites><testsuite>", "not well-formed XML"),
        (b"<html><body/></html>", "root element is <html>"),
        (b"<testsuite/>", "contains no test cases"),
        (b'<!DOCTYPE x [<!ENTITY a "b">]><testsuite/>', "document type declaration"),
    ],
)
def test_a_bad_file_is_refused_via_the_api_with_nothing_stored(
    run: Any, test_manager: Any, content: bytes, message: str
) -> None:
    _token, text = token_create(user=test_manager, name="ci", actor=test_manager)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {text}")
    with no_audit_event():
        response = client.post(
            f"/api/v1/testing/runs/{run.pk}/junit", content, content_type="application/xml"
        )
    assert response.status_code == 422
    assert message in str(response.json())
    assert not JUnitImport.objects.exists() and not Execution.objects.exists()


def test_api_raw_body_then_multipart_same_file_is_a_duplicate(run: Any, test_manager: Any) -> None:
    _token, text = token_create(user=test_manager, name="ci", actor=test_manager)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {text}")
    url = f"/api/v1/testing/runs/{run.pk}/junit"
    response = client.post(url, PYTEST_XML, content_type="application/xml", HTTP_X_FILENAME="junit.xml")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (
        body["matched"] == 4
        and body["unmatched"] == ["tests.test_other.test_unknown"]
        and not body["duplicate"]
    )
    response = client.post(url, {"file": SimpleUploadedFile("junit.xml", PYTEST_XML, "application/xml")})
    assert response.status_code == 200 and response.json()["duplicate"]
    assert Execution.objects.filter(run=run).count() == 4


def test_api_needs_the_right(run: Any, make_user: Any) -> None:
    finance = make_user(Role.FINANCE, username="fin3")
    _token, text = token_create(user=finance, name="ci", actor=finance)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {text}")
    response = client.post(f"/api/v1/testing/runs/{run.pk}/junit", PYTEST_XML, content_type="application/xml")
    assert response.status_code == 404
    assert (
        Client()
        .post(f"/api/v1/testing/runs/{run.pk}/junit", PYTEST_XML, content_type="application/xml")
        .status_code
        == 401
    )


def test_upload_page(run: Any, test_manager: Any, client_for: Any, domain_support: Any) -> None:
    client = client_for(test_manager)
    assert client.get(f"/testing/runs/{run.pk}/junit/").status_code == 200
    bad = client.post(
        f"/testing/runs/{run.pk}/junit/", {"file": SimpleUploadedFile("x.xml", b"<oops", "text/xml")}
    )
    assert bad.status_code == 422 and "not well-formed XML" in bad.content.decode()
    response = client.post(
        f"/testing/runs/{run.pk}/junit/", {"file": SimpleUploadedFile("report.xml", PYTEST_XML, "text/xml")}
    )
    imp = JUnitImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/testing/junit/{imp.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert "tests.test_other.test_unknown" in detail and "map to a case" in detail
    assert client_for(domain_support).get(f"/testing/runs/{run.pk}/junit/").status_code == 403


def test_map_service_replaces_an_earlier_mapping(run: Any, test_manager: Any) -> None:
    case_1, case_2 = TestCaseFactory(key="TC-50"), TestCaseFactory(key="TC-51")
    junit_map(name="a.b", case=case_1, actor=test_manager)
    with exactly_one_audit_event() as events:
        junit_map(name="a.b", case=case_2, actor=test_manager, reason="renamed")
    assert JUnitMapping.objects.get(name="a.b").case == case_2
    assert events[0].before == {"case": "TC-50"}
