"""Import of personalised social tax files: whole-file validation, stored once, nothing on error."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from tests.helpers import exactly_one_audit_event, no_audit_event
from tugi.core.identity import make_code
from tugi.core.imports import ImportError_
from tugi.core.roles import Role
from tugi.pensions import selectors_taxfiles as selectors
from tugi.pensions.models import TaxFile
from tugi.pensions.services.taxfiles import taxfile_import

pytestmark = pytest.mark.django_db

HEADER = "person_code;payer_code;year;month;social_tax;funded_pension;submitted_at"
P1 = make_code(dt.date(1980, 5, 17), "M", 11)
P2 = make_code(dt.date(1991, 2, 3), "F", 22)
P3 = make_code(dt.date(1958, 12, 30), "M", 33)


def tax_rows(year: int = 2024) -> list[str]:
    return [
        f"{P1};10000018;{year};1;660.00;0;{year}-02-10T08:00:00+02:00",
        f"{P1};10000018;{year};2;660.00;0;{year}-03-10T08:00:00+02:00",
        f"{P2};10000018;{year};1;330.50;1;{year}-02-10T08:00:00+02:00",
        f"{P2};10000026;{year};2;100.00;1;{year}-03-11T09:30:00+02:00",
        f"{P3};10000026;{year};3;0.00;0;{year}-04-10T08:00:00+03:00",
    ]


def write_csv(folder: Path, lines: list[str], name: str = "tax.csv", header: str = HEADER) -> Path:
    path = folder / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return Path(settings.DATA_DIR)


@pytest.fixture
def files(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    return folder


def stored_files(data_dir: Path) -> list[Path]:
    folder = data_dir / "pensions" / "tax"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_good_file_is_stored_once_as_parquet_with_its_manifest(
    domain_support: Any, files: Path, data_dir: Path
) -> None:
    path = write_csv(files, tax_rows())
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    with exactly_one_audit_event("pensions.tax_file_imported") as events:
        tax_file, created = taxfile_import(path=path, original_name="mta-2024.csv", actor=domain_support)
    assert created
    assert events[0].actor == domain_support
    assert tax_file.sha256 == sha
    assert tax_file.year == 2024
    assert tax_file.months == [1, 2, 3]
    assert (tax_file.rows, tax_file.persons, tax_file.payers) == (5, 3, 2)
    assert tax_file.total_tax == Decimal("1750.50")
    assert tax_file.submitted_from == dt.datetime(2024, 2, 10, 6, 0, tzinfo=dt.UTC)
    assert tax_file.submitted_to == dt.datetime(2024, 4, 10, 5, 0, tzinfo=dt.UTC)
    assert tax_file.imported_by == domain_support
    assert tax_file.original_name == "mta-2024.csv"
    assert tax_file.path == f"pensions/tax/2024-{sha}.parquet"
    assert stored_files(data_dir) == [data_dir / tax_file.path]
    assert selectors.tax_parquet_paths(2024) == [data_dir / tax_file.path]
    manifest = selectors.tax_manifests(2024)[0]
    assert manifest["sha256"] == sha and manifest["rows"] == 5 and manifest["total_tax"] == "1750.50"
    summary = selectors.tax_file_month_summary(tax_file)
    assert [(m["month"], m["rows"], m["total_tax"]) for m in summary] == [
        (1, 2, Decimal("990.50")),
        (2, 2, Decimal("760.00")),
        (3, 1, Decimal("0.00")),
    ]


def test_the_same_file_again_changes_nothing(domain_support: Any, files: Path, data_dir: Path) -> None:
    path = write_csv(files, tax_rows())
    first, _ = taxfile_import(path=path, original_name="a.csv", actor=domain_support)
    stored = stored_files(data_dir)
    with no_audit_event():
        again, created = taxfile_import(path=path, original_name="renamed.csv", actor=domain_support)
    assert not created
    assert again == first
    assert TaxFile.objects.count() == 1
    assert stored_files(data_dir) == stored


def test_several_files_of_a_year_are_kept_in_a_stable_order(
    domain_support: Any, files: Path, data_dir: Path
) -> None:
    january = write_csv(files, tax_rows()[:1], "jan.csv")
    correction = write_csv(
        files, [f"{P1};10000018;2024;1;700.00;0;2024-03-01T08:00:00+02:00"], "correction.csv"
    )
    a, _ = taxfile_import(path=january, original_name="jan.csv", actor=domain_support)
    b, _ = taxfile_import(path=correction, original_name="correction.csv", actor=domain_support)
    expected = sorted([a, b], key=lambda tf: tf.sha256)
    assert [m["sha256"] for m in selectors.tax_manifests(2024)] == [tf.sha256 for tf in expected]
    assert selectors.tax_parquet_paths(2024) == [data_dir / tf.path for tf in expected]
    assert selectors.tax_manifests(2023) == [] and selectors.tax_parquet_paths(2023) == []


BAD_FILES = [
    pytest.param(
        lambda rows: [rows[0], "12345678901;10000018;2024;1;10.00;0;2024-02-10T08:00:00+02:00", *rows[1:]],
        3,
        "person_code",
        id="invalid personal code on line 3",
    ),
    pytest.param(
        lambda rows: [rows[0], rows[1], rows[2].replace(";2024;1;", ";2024;13;")],
        4,
        "month",
        id="month 13",
    ),
    pytest.param(
        lambda rows: [rows[0], rows[1].replace("660.00", "-5.00")], 3, "social_tax", id="negative tax"
    ),
    pytest.param(
        lambda rows: [rows[0], rows[1].replace("660.00", "abc")], 3, "social_tax", id="non-numeric tax"
    ),
    pytest.param(lambda rows: [rows[0], rows[1].replace(";2024;2;", ";2023;2;")], 3, "year", id="wrong year"),
]


@pytest.mark.parametrize(("change", "line", "field"), BAD_FILES)
def test_a_bad_line_rejects_the_whole_file_and_nothing_is_stored(
    domain_support: Any, files: Path, data_dir: Path, change: Any, line: int, field: str
) -> None:
    path = write_csv(files, change(tax_rows()))
    with no_audit_event(), pytest.raises(ImportError_) as caught:
        taxfile_import(path=path, original_name="bad.csv", actor=domain_support, year=2024)
    assert (line, field) in [(e.line, e.field) for e in caught.value.errors], caught.value.errors
    assert not TaxFile.objects.exists()
    assert stored_files(data_dir) == []


def test_a_missing_column_is_reported_on_the_header_line(
    domain_support: Any, files: Path, data_dir: Path
) -> None:
    header = HEADER.replace(";funded_pension", "")
    rows = [";".join(r.split(";")[:5] + r.split(";")[6:]) for r in tax_rows()]
    path = write_csv(files, rows, header=header)
    with no_audit_event(), pytest.raises(ImportError_) as caught:
        taxfile_import(path=path, original_name="bad.csv", actor=domain_support)
    assert (1, "funded_pension") in [(e.line, e.field) for e in caught.value.errors]
    assert not TaxFile.objects.exists() and stored_files(data_dir) == []


def test_a_file_of_another_year_than_asked_is_refused(domain_support: Any, files: Path) -> None:
    path = write_csv(files, tax_rows(2023))
    with no_audit_event(), pytest.raises(ImportError_) as caught:
        taxfile_import(path=path, original_name="a.csv", actor=domain_support, year=2024)
    assert {e.field for e in caught.value.errors} == {"year"}
    assert not TaxFile.objects.exists()


def test_only_a_user_who_may_add_tax_files_imports(make_user: Any, files: Path, data_dir: Path) -> None:
    path = write_csv(files, tax_rows())
    with no_audit_event(), pytest.raises(PermissionDenied):
        taxfile_import(path=path, original_name="a.csv", actor=make_user(Role.FINANCE))
    assert not TaxFile.objects.exists() and stored_files(data_dir) == []


def test_a_generated_year_imports(domain_support: Any, tmp_path: Path) -> None:
    generate = pytest.importorskip("tugi.engine.generate")
    out = tmp_path / "gen"
    generate.generate(30, range(2024, 2025), out, seed=3)
    tax_file, created = taxfile_import(
        path=out / "tax-2024.csv", original_name="tax-2024.csv", actor=domain_support
    )
    assert created and tax_file.year == 2024 and tax_file.months == list(range(1, 13))
    assert tax_file.persons <= 30 and tax_file.rows >= tax_file.persons
