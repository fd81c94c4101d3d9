"""The API and the command line of calculation runs, and the acceptance check that the file-only
`compute-year` and a run stored in the database give the same figures."""

from __future__ import annotations

import datetime as dt
import hashlib
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tests.pensions.test_runs import CODES, import_tax
from tugi.core.roles import Role
from tugi.pensions.models import CalculationRun, InsuredYear, RunKind, RunPersonResult, RunStatus
from tugi.pensions.services import runs as services
from tugi.pensions.services.taxfiles import taxfile_import

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return Path(settings.DATA_DIR)


@pytest.fixture
def ds(make_user: Any) -> Any:
    return make_user(Role.DOMAIN_SUPPORT, username="ds")


@pytest.fixture
def second(make_user: Any) -> Any:
    return make_user(Role.DOMAIN_SUPPORT, username="ds2")


def test_api_create_compute_approve_apply(
    tmp_path: Path, ds: Any, second: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    import_tax(tmp_path, ds, 2024, CODES[:10])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(ds).post(
            "/api/v1/pensions/runs", {"kind": "year-shares", "year": 2024}, content_type="application/json"
        )
    assert response.status_code == 201, response.content
    run_id = response.json()["id"]
    body = client_for(ds).get(f"/api/v1/pensions/runs/{run_id}").json()
    assert body["status"] == "computed" and body["counts"]["persons"] == 10
    assert len(body["results_hash"]) == 64 and "anomalies" in body["review"]
    listed = client_for(second).get("/api/v1/pensions/runs?status=computed").json()
    assert [r["id"] for r in listed["items"]] == [run_id]
    # the same person cannot approve
    response = client_for(ds).post(
        f"/api/v1/pensions/runs/{run_id}/approve", {}, content_type="application/json"
    )
    assert response.status_code == 403 and "Four eyes" in response.json()["detail"]
    response = client_for(second).post(
        f"/api/v1/pensions/runs/{run_id}/approve", {"reason": "ok"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "approved"
    response = client_for(second).post(
        f"/api/v1/pensions/runs/{run_id}/apply", {}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "applied"
    assert InsuredYear.objects.filter(year=2024).count() == 10
    response = client_for(second).post(
        f"/api/v1/pensions/runs/{run_id}/apply", {}, content_type="application/json"
    )
    assert response.status_code == 422


def test_api_refuses_bad_input_and_forbidden_users(ds: Any, finance_user: Any, client_for: Any) -> None:
    response = client_for(ds).post(
        "/api/v1/pensions/runs", {"kind": "indexation", "index": "1.05"}, content_type="application/json"
    )
    assert response.status_code == 422 and "effective_date" in response.json()["errors"]
    response = client_for(finance_user).post(
        "/api/v1/pensions/runs", {"kind": "year-shares", "year": 2024}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not CalculationRun.objects.exists()
    assert client_for(ds).get("/api/v1/pensions/runs/999").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_cli_run_creates_and_computes_with_figures(tmp_path: Path, make_user: Any) -> None:
    ds = make_user(Role.DOMAIN_SUPPORT, username="ds")
    import_tax(tmp_path, ds, 2024, CODES[:8])
    out, err = StringIO(), StringIO()
    call_command("pensions", "run", "year-shares", "--year", "2024", "--user", "ds", stdout=out, stderr=err)
    run = CalculationRun.objects.get()
    assert run.status == RunStatus.COMPUTED and run.computed_by == ds
    text = out.getvalue()
    assert "persons=8" in text and f"results_sha256={run.results_hash}" in text
    assert "average_used=" in text
    with pytest.raises(CommandError, match="No active user"):
        call_command(
            "pensions", "run", "year-shares", "--year", "2024", "--user", "nobody", stdout=out, stderr=err
        )
    with pytest.raises(CommandError, match="between 1999"):
        call_command(
            "pensions", "run", "recalculation", "--year", "1980", "--user", "ds", stdout=out, stderr=err
        )
    with pytest.raises(CommandError, match="year-shares run of 2023 has not been applied"):
        call_command(
            "pensions", "run", "recalculation", "--year", "2023", "--user", "ds", stdout=out, stderr=err
        )


def test_compute_year_on_a_generated_file_equals_the_stored_run(
    tmp_path: Path, ds: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Acceptance: `compute-year` (file in, file out) and a year-shares run stored in the database
    give the same figures for every person."""
    folder = tmp_path / "gen"
    call_command(
        "pensions",
        "generate",
        "--persons",
        "40",
        "--years",
        "2023",
        "--out",
        str(folder),
        "--seed",
        "7",
        stdout=StringIO(),
        stderr=StringIO(),
    )
    tax = folder / "tax-2023.csv"
    taxfile_import(path=tax, original_name=tax.name, actor=ds, year=2023)
    out = StringIO()
    results = tmp_path / "results.csv"
    call_command(
        "pensions",
        "compute-year",
        "--year",
        "2023",
        "--tax-file",
        str(tax),
        "--out",
        str(results),
        stdout=out,
    )
    printed = dict(line.split("=", 1) for line in out.getvalue().split() if "=" in line)
    run = services.run_create(kind=RunKind.YEAR_SHARES, year=2023, actor=ds)
    with django_capture_on_commit_callbacks(execute=True):
        services.run_compute(run=run, actor=ds)
    run.refresh_from_db()
    assert run.status == RunStatus.COMPUTED, run.error
    assert printed["average"] == run.totals["average_proposed"]
    assert printed["sha256"] == run.results_hash == hashlib.sha256(results.read_bytes()).hexdigest()
    lines = results.read_text().strip().splitlines()[1:]
    stored = {r.person_code: r for r in RunPersonResult.objects.filter(run=run)}
    assert len(lines) == len(stored) == run.counts["persons"]
    for line in lines:
        code, _year, part, base, fraction, funded, ins, joint = line.split(";")
        row = stored[code]
        assert (str(row.pension_part), str(row.insured_base), str(row.service_fraction)) == (
            part,
            base,
            fraction,
        )
        assert (str(row.funded_factor), str(row.insurance_share), str(row.joint_share or "")) == (
            funded,
            ins,
            joint,
        )


def test_indexation_cli_needs_date_and_index(ds: Any) -> None:
    with pytest.raises(CommandError):
        call_command(
            "pensions",
            "run",
            "indexation",
            "--index",
            "1.05",
            "--user",
            "ds",
            stdout=StringIO(),
            stderr=StringIO(),
        )
    with pytest.raises(CommandError, match="greater than zero"):
        call_command(
            "pensions", "run", "indexation", "--date", dt.date(2025, 4, 1).isoformat(), "--index", "-1",
            "--user", "ds", stdout=StringIO(), stderr=StringIO(),
        )  # fmt: skip
