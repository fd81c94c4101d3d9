"""The testing journey in the browser (the issue's): the test manager creates a run from a plan,
executes its cases, raises a defect from a failure, imports a JUnit report of the automated case
and produces the delivery's test report as a PDF."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tests.delivery.factories import DeliveryFactory, TicketFactory
from tests.testing.factories import TestCaseFactory, TestPlanFactory
from tugi.core.roles import Role
from tugi.delivery.models import DeliveryStatus
from tugi.testing.models import Defect, Execution, JUnitImport, TestReport, TestRun

pytestmark = pytest.mark.django_db(transaction=True)

JUNIT = b"""<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="skais" tests="2" failures="0">
  <testcase classname="tests.test_indexation" name="test_index_2031" time="0.4"/>
  <testcase classname="tests.test_other" name="test_not_mapped" time="0.1"/>
</testsuite>
"""


def test_run_execute_defect_junit_and_pdf_report(
    page: Any, login: Any, make_user: Any, tmp_path: Any
) -> None:
    manager = make_user(Role.TEST_MANAGER, username="kati", first_name="Kati", last_name="Testijuht")
    delivery = DeliveryFactory(system="SKAIS", version="2031.1", status=DeliveryStatus.IN_UAT)
    ticket = TicketFactory(key="SKAIS-7001", title="Indekseerimine 2031", delivery=delivery)
    manual = TestCaseFactory(key="TC-71", title="Uus summa otsusel", tickets=[ticket])
    passing = TestCaseFactory(key="TC-72", title="Teavitus saadetakse", tickets=[ticket])
    automated = TestCaseFactory(
        key="TC-73",
        title="Indeks rakendub (automaattest)",
        automated=True,
        automated_name="tests.test_indexation.test_index_2031",
        tickets=[ticket],
    )
    plan = TestPlanFactory(name="SKAIS 2031.1 UAT", delivery=delivery, cases=[manual, passing, automated])
    junit_file = tmp_path / "pytest.xml"
    junit_file.write_bytes(JUNIT)

    # 1. a run from the plan (the first request loads every URL module: give it time)
    page.goto("/accounts/login/", timeout=60_000)
    login(manager.username)
    page.goto(f"/testing/plans/{plan.pk}/")
    page.click("#plan-start-run")
    page.wait_for_url("**/runs/new/?plan=*")
    page.fill("#id_environment_name", "skais-uat")
    page.fill("#id_version", "2031.1")
    page.click("#form-submit")
    page.wait_for_url("**/testing/runs/*/")
    run = TestRun.objects.get()
    assert run.plan == plan
    assert page.locator("#run-progress").get_attribute("data-total") == "3"

    # 2. execute the manual cases: one passes, one fails with a comment
    form = page.locator("form.execute-form[data-case='TC-72']")
    form.locator("select[name=status]").select_option("passed")
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**/runs/{run.pk}/#case-{passing.pk}")
    form = page.locator("form.execute-form[data-case='TC-71']")
    form.locator("select[name=status]").select_option("failed")
    form.locator("textarea[name=comment]").fill("Otsusel on vana summa.")
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**/runs/{run.pk}/#case-{manual.pk}")
    assert page.locator("#run-cases tr[data-key='TC-71']").get_attribute("data-status") == "failed"
    assert page.locator("#run-cases tr[data-key='TC-72']").get_attribute("data-status") == "passed"
    failed = Execution.objects.get(case=manual)

    # 3. raise a defect from the failed execution: steps, environment and version are filled in
    page.click("a[data-raise-defect='TC-71']")
    page.wait_for_url("**/defects/new/?execution=*")
    assert page.locator("#id_environment").input_value() == "skais-uat"
    if not page.locator("#id_title").input_value():
        page.fill("#id_title", "Otsusel on vana summa")
    page.select_option("#id_severity", "high")
    page.click("#form-submit")
    page.wait_for_url("**/testing/defects/*/")
    defect = Defect.objects.get()
    assert defect.execution == failed and defect.severity == "high"
    assert list(defect.tickets.all()) == [ticket]

    # 4. import the JUnit report of the automated case into the run
    page.goto(f"/testing/runs/{run.pk}/")
    page.click("#run-junit")
    page.wait_for_url(f"**/runs/{run.pk}/junit/")
    page.set_input_files("#id_file", str(junit_file))
    page.click("#junit-submit")
    page.wait_for_url("**/testing/junit/*/")
    assert JUnitImport.objects.get().run == run
    assert Execution.objects.get(case=automated).status == "passed"

    # 5. the delivery's test report: traceability with the defect, then the PDF
    page.goto("/testing/reports/")
    page.click("#report-add")
    page.wait_for_url("**/reports/new/")
    page.select_option("#id_delivery", str(delivery.pk))
    page.fill("#id_due_date", (timezone.localdate() + dt.timedelta(days=3)).isoformat())
    page.click("#form-submit")
    page.wait_for_url("**/testing/reports/*/")
    report = TestReport.objects.get()
    trace = page.locator("#report-trace")
    assert trace.locator("tr[data-case='TC-71']").get_attribute("data-result") == "failed"
    assert defect.key in trace.locator("tr[data-case='TC-71']").inner_text()
    assert trace.locator("tr[data-case='TC-73']").get_attribute("data-result") == "passed"
    assert page.locator(f"#report-defects tr[data-defect='{defect.key}']").is_visible()
    with page.expect_download() as info:
        page.click("#report-pdf")
    pdf = tmp_path / "report.pdf"
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert info.value.suggested_filename == f"test-report-{report.pk}.pdf"
