"""Importing persons from a CSV file: a bad line is reported and nothing is stored; a good file runs
as a job whose progress bar reaches 100 %, and the persons list then shows the new persons."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tugi.core.identity import make_code
from tugi.core.models import AuditEvent, Job, JobStatus, Person

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "personal_code;first_name;last_name;date_of_death\n"


def _csv_file(lines: list[str]) -> dict[str, Any]:
    return {"name": "isikud.csv", "mimeType": "text/csv", "buffer": (HEADER + "".join(lines)).encode()}


def _good_rows() -> list[str]:
    return [
        f"{make_code(dt.date(1958, 4, 2), 'F', 11)};Leida;Importaja;\n",
        f"{make_code(dt.date(1961, 9, 30), 'M', 12)};Peeter;Importaja;\n",
        f"{make_code(dt.date(1949, 1, 15), 'F', 13)};Helju;Importaja;2025-02-01\n",
    ]


def test_bad_line_is_reported_then_a_good_file_imports_as_a_job(
    page: Any, login: Any, nav: Any, domain_support: Any
) -> None:
    login("ds")
    nav("/persons/")
    page.click("#person-import")
    page.wait_for_url("**/persons/import/")

    good = _good_rows()
    bad = [good[0], "3800101000X;Vigane;Kood;\n", good[2]]  # line 3 of the file: a bad code
    page.set_input_files("#id_file", files=[_csv_file(bad)])
    page.click("#import-submit")

    errors = page.locator("#import-errors li")
    assert errors.count() == 1
    assert errors.first.get_attribute("data-line") == "3"
    assert errors.first.get_attribute("data-column") == "personal_code"
    assert "3" in errors.first.inner_text()
    assert not Person.objects.exists()
    assert not Job.objects.exists()
    assert not AuditEvent.objects.filter(event_type="core.persons_imported").exists()

    page.set_input_files("#id_file", files=[_csv_file(good)])
    page.click("#import-submit")
    page.wait_for_url("**/jobs/*/")

    progress = page.locator("#job-progress[data-status='succeeded']")
    progress.wait_for(timeout=20_000)
    assert page.locator("#job-bar").get_attribute("value") == "100"
    assert page.locator("#job-percent").inner_text() == "100"
    job = Job.objects.get(kind="persons-import")
    assert job.status == JobStatus.SUCCEEDED
    assert job.result["created"] == 3
    assert job.actor == domain_support

    page.goto("/persons/?name=Importaja")
    table = page.locator("main table")
    for first_name in ("Leida", "Peeter", "Helju"):
        assert table.locator("tr", has_text=first_name).count() == 1
    assert Person.objects.filter(last_name="Importaja").count() == 3


def test_job_page_polls_until_the_job_finishes(page: Any, login: Any, domain_support: Any) -> None:
    job = Job.objects.create(
        kind="persons-import",
        key="polling-test",
        title="Import",
        actor=domain_support,
        status=JobStatus.RUNNING,
        percent=40,
    )
    login("ds")
    page.goto(f"/jobs/{job.uid}/")
    assert page.locator("#job-bar").get_attribute("value") == "40"
    assert page.locator("#job-progress").get_attribute("data-status") == "running"

    Job.objects.filter(pk=job.pk).update(percent=70)
    page.locator("#job-bar[value='70']").wait_for(timeout=10_000)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.SUCCEEDED, percent=100, result={"created": 2})
    page.locator("#job-progress[data-status='succeeded']").wait_for(timeout=10_000)
    assert page.locator("#job-percent").inner_text() == "100"
    assert page.locator("#job-progress").get_attribute("hx-get") is None  # polling stopped
