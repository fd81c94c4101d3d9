"""Pages and API of the social tax files: upload, list, manifest, rejection, second import."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.base import ViewContract
from tests.helpers import no_audit_event
from tugi.core.models import AuditEvent, Job
from tugi.core.roles import Role
from tugi.core.services import job_run
from tugi.pensions.models import TaxFile

from .test_taxfiles import HEADER, P1, tax_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return Path(settings.DATA_DIR)


def csv_bytes(lines: list[str], header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


def upload(content: bytes, name: str = "mta-2024.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


_counter = iter(range(1, 10_000))


def make_tax_file(**changes: Any) -> TaxFile:
    """A manifest row without a stored file (enough for list and permission tests)."""
    from tests.factories import UserFactory

    n = next(_counter)
    data: dict[str, Any] = {
        "sha256": f"{n:064x}",
        "original_name": f"file-{n}.csv",
        "path": f"pensions/tax/2024-{n:064x}.parquet",
        "year": 2024,
        "months": [1, 2, 3],
        "rows": 10,
        "persons": 4,
        "payers": 2,
        "submitted_from": dt.datetime(2024, 2, 10, tzinfo=dt.UTC),
        "submitted_to": dt.datetime(2024, 4, 10, tzinfo=dt.UTC),
        "total_tax": Decimal("1234.56"),
        "imported_by": UserFactory(),
    }
    data.update(changes)
    return TaxFile.objects.create(**data)


class TestTaxFileViewContract(ViewContract):
    list_url = "pensions:taxfile_list"
    create_url = "pensions:taxfile_import"
    editor_role = Role.DOMAIN_SUPPORT
    viewer_role = Role.FINANCE
    create_event = "pensions.tax_file_imported"

    def make(self) -> Any:
        return make_tax_file()

    def detail_url(self, obj: Any) -> str:
        return reverse("pensions:taxfile_detail", args=[obj.pk])

    def create_data(self) -> dict[str, Any]:
        return {"file": upload(csv_bytes(tax_rows()), "contract.csv"), "year": "2024"}

    def bad_data(self) -> tuple[dict[str, Any], str]:
        return {"year": "2024"}, "file"

    def created(self, data: dict[str, Any]) -> Any:
        return TaxFile.objects.filter(original_name="contract.csv")


def test_upload_imports_and_shows_the_manifest_with_months(domain_support: Any, client_for: Any) -> None:
    client = client_for(domain_support)
    response = client.post(
        reverse("pensions:taxfile_import"), {"file": upload(csv_bytes(tax_rows()))}, follow=True
    )
    tax_file = TaxFile.objects.get()
    assert response.redirect_chain[-1][0] == reverse("pensions:taxfile_detail", args=[tax_file.pk])
    page = response.content.decode()
    assert "The file was imported: 5 rows of 3 persons for 2024." in page
    assert 'id="taxfile-rows">5<' in page
    assert 'data-month="1" data-rows="2" data-total="990.50"' in page
    assert tax_file.sha256 in page
    assert not list((Path(tax_file.path).parent).glob("*.csv"))  # the staged upload is gone


def test_a_bad_file_shows_its_lines_and_nothing_is_stored(
    domain_support: Any, client_for: Any, data_dir: Path
) -> None:
    rows = tax_rows()
    rows.insert(1, "12345678901;10000018;2024;1;10.00;0;2024-02-10T08:00:00+02:00")
    rows[3] = rows[3].replace(";2024;1;", ";2024;13;")
    with no_audit_event():
        response = client_for(domain_support).post(
            reverse("pensions:taxfile_import"), {"file": upload(csv_bytes(rows))}
        )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The file was rejected; nothing was stored." in page
    assert 'data-line="3" data-column="person_code"' in page
    assert 'data-line="5" data-column="month"' in page
    assert not TaxFile.objects.exists()
    assert not (data_dir / "pensions" / "tax").exists() or not any((data_dir / "pensions" / "tax").iterdir())
    assert not any((data_dir / "uploads").iterdir())


def test_the_same_file_again_says_when_it_was_imported(domain_support: Any, client_for: Any) -> None:
    client = client_for(domain_support)
    client.post(reverse("pensions:taxfile_import"), {"file": upload(csv_bytes(tax_rows()))})
    with no_audit_event():
        response = client.post(
            reverse("pensions:taxfile_import"),
            {"file": upload(csv_bytes(tax_rows()), "again.csv")},
            follow=True,
        )
    assert "This file was already imported on" in response.content.decode()
    assert TaxFile.objects.count() == 1


def test_a_year_that_does_not_match_the_file_is_refused(domain_support: Any, client_for: Any) -> None:
    response = client_for(domain_support).post(
        reverse("pensions:taxfile_import"), {"file": upload(csv_bytes(tax_rows(2023))), "year": "2024"}
    )
    assert response.status_code == 200
    assert 'data-column="year"' in response.content.decode()
    assert not TaxFile.objects.exists()


def test_a_large_file_is_imported_by_a_background_job(
    domain_support: Any, client_for: Any, monkeypatch: Any, data_dir: Path
) -> None:
    from tugi.pensions.views import taxfiles as views

    monkeypatch.setattr(views, "SYNC_IMPORT_BYTES", 10)
    response = client_for(domain_support).post(
        reverse("pensions:taxfile_import"), {"file": upload(csv_bytes(tax_rows()))}
    )
    job = Job.objects.get(kind="pensions-tax-import")
    assert response.status_code == 302 and response["Location"] == reverse("core:job_detail", args=[job.uid])
    job = job_run(str(job.uid))
    assert job.status == "succeeded", job.message
    tax_file = TaxFile.objects.get()
    assert job.result["tax_file"] == tax_file.pk and job.result["rows"] == 5
    assert not any((data_dir / "uploads").iterdir())


def test_a_bad_large_file_fails_its_job_with_the_lines(
    domain_support: Any, client_for: Any, monkeypatch: Any, data_dir: Path
) -> None:
    from tugi.pensions.views import taxfiles as views

    monkeypatch.setattr(views, "SYNC_IMPORT_BYTES", 10)
    rows = [*tax_rows(), tax_rows()[0].replace(";2024;1;", ";2024;0;")]
    client_for(domain_support).post(reverse("pensions:taxfile_import"), {"file": upload(csv_bytes(rows))})
    job = job_run(str(Job.objects.get(kind="pensions-tax-import").uid))
    assert job.status == "failed"
    assert "line 7" in job.message and "month" in job.message
    assert not TaxFile.objects.exists()
    assert not any((data_dir / "uploads").iterdir())


def test_list_filters_by_year_and_exports(auditor: Any, client_for: Any) -> None:
    make_tax_file(year=2023, original_name="old.csv", months=list(range(1, 13)))
    make_tax_file(year=2024, original_name="new.csv")
    client = client_for(auditor)
    page = client.get(reverse("pensions:taxfile_list"), {"year": "2023"}).content.decode()
    assert "old.csv" in page and "new.csv" not in page
    assert 'data-year="2023"' in page and 'data-complete="1"' in page
    response = client.get(reverse("pensions:taxfile_list"), {"export": "csv", "year": "2024"})
    lines = b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2 and "new.csv" in lines[1] and "1–3" in lines[1]


# --- API -------------------------------------------------------------------------------------------


def test_api_upload_returns_the_manifest_and_a_second_upload_changes_nothing(
    domain_support: Any, client_for: Any
) -> None:
    client = client_for(domain_support)
    url = "/api/v1/pensions/tax-files"
    response = client.post(url, {"file": upload(csv_bytes(tax_rows())), "year": "2024"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["new"] is True and body["rows"] == 5 and body["months"] == [1, 2, 3]
    assert body["total_tax"] == "1750.50" and body["imported_by"] == "ds"
    count = AuditEvent.objects.count()
    again = client.post(url, {"file": upload(csv_bytes(tax_rows()))})
    assert again.status_code == 200 and again.json()["new"] is False and again.json()["id"] == body["id"]
    assert AuditEvent.objects.count() == count
    listed = client.get(url, {"year": 2024}).json()
    assert listed["count"] == 1 and listed["items"][0]["sha256"] == body["sha256"]


def test_api_rejects_a_bad_file_with_its_lines(domain_support: Any, client_for: Any) -> None:
    rows = [*tax_rows(), f"{P1};10000018;2024;4;-1.00;0;2024-05-10T08:00:00+03:00"]
    with no_audit_event():
        response = client_for(domain_support).post(
            "/api/v1/pensions/tax-files", {"file": upload(csv_bytes(rows))}
        )
    assert response.status_code == 422
    assert {"line": 7, "field": "social_tax"}.items() <= response.json()["lines"][0].items()
    assert not TaxFile.objects.exists()


def test_api_upload_needs_the_right_to_add(make_user: Any, client_for: Any) -> None:
    client = client_for(make_user(Role.FINANCE))
    response = client.post("/api/v1/pensions/tax-files", {"file": upload(csv_bytes(tax_rows()))})
    assert response.status_code == 403
    assert not TaxFile.objects.exists()


def test_the_pensions_menu_lists_the_area_by_permission(domain_support: Any, make_user: Any) -> None:
    from tugi.core.navigation import navigation

    def items(user: Any) -> set[str]:
        areas = {a["key"]: a for a in navigation(user, "/")}
        return {i["url"] for i in areas["pensions"]["items"]} if "pensions" in areas else set()

    seen = items(domain_support)
    for name in ("taxfile_list", "parameter_list", "calculator"):
        assert reverse(f"pensions:{name}") in seen
    assert items(make_user()) == set()
