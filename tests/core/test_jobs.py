"""Background jobs: idempotent start, progress, failure with a clear message, the HTMX partial."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from tests.helpers import exactly_one_audit_event, no_audit_event
from tugi.core.audit import CoreEvent
from tugi.core.identity import make_code
from tugi.core.models import AuditEvent, Job, JobStatus, Person
from tugi.core.services import job_run, job_start
from tugi.core.uploads import store_upload

pytestmark = pytest.mark.django_db

CODES = [make_code(dt.date(1950 + n, 1 + n % 12, 1 + n), "MF"[n % 2], n) for n in range(3)]
GOOD = (
    "personal_code;first_name;last_name\n"
    + "".join(f"{c};Eesnimi;Perenimi{n}\n" for n, c in enumerate(CODES))
).encode()
BAD = f"personal_code;first_name;last_name\n{CODES[0]};Mari;Tamm\n38001010008;Jaan;Saar\n".encode()


def start_import(content: bytes, actor: Any) -> Job:
    digest, _path = store_upload(content, ".csv")
    return job_start(
        kind="persons-import",
        key=digest,
        actor=actor,
        params={"sha256": digest, "reason": "test"},
        title="Import",
    )


def test_start_twice_returns_the_same_job_and_audits_once(
    domain_support: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True), exactly_one_audit_event(CoreEvent.JOB_STARTED):
        first = start_import(GOOD, domain_support)
    first.refresh_from_db()
    assert first.status == JobStatus.SUCCEEDED  # the immediate backend ran it on commit
    with django_capture_on_commit_callbacks(execute=True) as callbacks, no_audit_event():
        second = start_import(GOOD, domain_support)
    assert second.pk == first.pk
    assert callbacks == []  # not enqueued again
    assert Job.objects.count() == 1
    assert AuditEvent.objects.filter(event_type=CoreEvent.JOB_STARTED).count() == 1
    assert Person.objects.count() == 3


def test_start_enqueues_only_after_commit(
    domain_support: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = start_import(GOOD, domain_support)
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    assert not Person.objects.exists()


def test_run_stores_progress_100_and_the_result(
    domain_support: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        job = start_import(GOOD, domain_support)
    seen = set(AuditEvent.objects.values_list("pk", flat=True))
    job = job_run(str(job.uid))
    new = AuditEvent.objects.exclude(pk__in=seen).order_by("pk")
    assert [e.event_type for e in new] == [CoreEvent.PERSONS_IMPORTED, CoreEvent.JOB_FINISHED]
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.percent == 100
    assert job.result == {"rows": 3, "created": 3, "updated": 0, "unchanged": 0}
    assert job.started_at is not None and job.finished_at is not None
    assert job.started_at <= job.finished_at
    finished = AuditEvent.objects.get(event_type=CoreEvent.JOB_FINISHED)
    assert finished.after["status"] == JobStatus.SUCCEEDED
    assert finished.actor == domain_support
    assert finished.request_id == f"job-{job.uid}"


def test_a_finished_job_is_not_run_again(
    domain_support: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = start_import(GOOD, domain_support)
    Person.objects.all().delete()
    with no_audit_event():
        job_run(str(job.uid))
    assert not Person.objects.exists()


def test_bad_file_fails_the_job_with_a_message_naming_the_line(
    domain_support: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        job = start_import(BAD, domain_support)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.finished_at is not None
    assert "line 3, personal_code" in job.message
    assert not Person.objects.exists()
    assert AuditEvent.objects.get(event_type=CoreEvent.JOB_FINISHED).after["status"] == JobStatus.FAILED


def test_a_failed_job_can_be_started_again(
    domain_support: Any, django_capture_on_commit_callbacks: Any
) -> None:
    digest, _path = store_upload(GOOD, ".csv")
    failed = Job.objects.create(
        kind="persons-import",
        key=digest,
        title="Import",
        actor=domain_support,
        params={"sha256": digest},
        status=JobStatus.FAILED,
        percent=40,
        message="worker died",
    )
    with django_capture_on_commit_callbacks(execute=True), exactly_one_audit_event(CoreEvent.JOB_STARTED):
        job = job_start(kind="persons-import", key=digest, actor=domain_support, params={"sha256": digest})
    assert job.pk == failed.pk
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.message == ""
    assert Person.objects.count() == 3


def test_unknown_kind_is_refused(domain_support: Any) -> None:
    with no_audit_event(), pytest.raises(ValidationError) as info:
        job_start(kind="no-such-kind", key="1", actor=domain_support)
    assert "kind" in info.value.message_dict
    assert not Job.objects.exists()


def test_an_unexpected_error_fails_the_job_without_leaking_details(
    domain_support: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        job = job_start(kind="persons-import", key="gone", actor=domain_support, params={"sha256": "0" * 64})
    job = job_run(str(job.uid))  # the upload does not exist
    assert job.status == JobStatus.FAILED
    assert "FileNotFoundError" in job.message
    assert "0" * 64 not in job.message


# --- pages ---------------------------------------------------------------------------------------


def test_progress_partial_polls_until_finished_then_triggers(
    domain_support: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        job = start_import(GOOD, domain_support)
    client = client_for(domain_support)
    url = reverse("core:job_progress", args=[job.uid])
    running = client.get(url, HTTP_HX_REQUEST="true")
    assert running.status_code == 200
    assert "HX-Trigger" not in running
    assert 'hx-get="' + url in running.content.decode()
    job_run(str(job.uid))
    done = client.get(url, HTTP_HX_REQUEST="true")
    assert done["HX-Trigger"] == "jobFinished"
    html = done.content.decode()
    assert '<progress class="job-bar' in html and 'value="100"' in html
    assert "hx-get" not in html  # polling stops
    assert 'data-status="succeeded"' in html


def test_job_page_shows_the_progress_bar(domain_support: Any, client_for: Any) -> None:
    job = Job.objects.create(kind="persons-import", key="k", title="Import", actor=domain_support, percent=40)
    page = client_for(domain_support).get(reverse("core:job_detail", args=[job.uid])).content.decode()
    assert 'id="job-bar"' in page and 'value="40"' in page


def test_import_page_with_a_bad_file_shows_the_lines_and_stores_nothing(
    domain_support: Any, client_for: Any
) -> None:
    upload = SimpleUploadedFile("persons.csv", BAD, content_type="text/csv")
    with no_audit_event():
        response = client_for(domain_support).post(
            reverse("core:person_import"), {"file": upload}, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="import-errors"' in html
    assert "line 3, personal_code" in html
    assert not Person.objects.exists()
    assert not Job.objects.exists()


def test_import_page_with_a_good_file_starts_a_job_and_shows_it(
    domain_support: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(domain_support)
    upload = SimpleUploadedFile("persons.csv", GOOD, content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:person_import"), {"file": upload, "reason": "yearly sync"})
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("core:job_detail", args=[job.uid])
    job.refresh_from_db()
    assert (job.status, job.actor, job.params["reason"]) == (
        JobStatus.SUCCEEDED,
        domain_support,
        "yearly sync",
    )
    assert Person.objects.count() == 3
    assert AuditEvent.objects.get(event_type=CoreEvent.PERSONS_IMPORTED).reason == "yearly sync"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'data-status="succeeded"' in page.content.decode()


def test_uploading_the_same_file_twice_runs_it_once(
    domain_support: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(domain_support)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("core:person_import"), {"file": SimpleUploadedFile("p.csv", GOOD)})
    assert Job.objects.count() == 1
    assert AuditEvent.objects.filter(event_type=CoreEvent.PERSONS_IMPORTED).count() == 1


def test_two_users_importing_the_same_file_each_see_their_own_job(
    domain_support: Any, make_user: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from tugi.core.roles import Role

    colleague = make_user(Role.FINANCE, username="colleague")
    locations = []
    for user in (domain_support, colleague):
        client = client_for(user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("core:person_import"), {"file": SimpleUploadedFile("p.csv", GOOD)})
        assert response.status_code == 302
        locations.append(response["Location"])
        assert client.get(response["Location"]).status_code == 200  # not another user's job: 404
    assert locations[0] != locations[1]
    second = Job.objects.get(actor=colleague)
    assert second.result == {"rows": 3, "created": 0, "updated": 0, "unchanged": 3}
    assert Person.objects.count() == 3


def test_import_command_rejects_a_bad_file_naming_the_line(domain_support: Any, tmp_path: Any) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    path = tmp_path / "persons.csv"
    path.write_bytes(BAD)
    with translation.override("en"), pytest.raises(CommandError, match="line 3, personal_code"):
        call_command("import_persons", str(path), "--user", "ds", stdout=StringIO(), stderr=StringIO())
    assert not Person.objects.exists()
    assert not Job.objects.exists()
    with pytest.raises(CommandError):
        call_command("import_persons", str(path), "--user", "nobody", stdout=StringIO(), stderr=StringIO())
