"""Calculation runs of year shares: compute in the background, review, four eyes, apply once.

Small synthetic populations (a few dozen persons); tax files go in through the real import.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import PersonFactory
from tests.helpers import exactly_one_audit_event, no_audit_event
from tugi.core.identity import make_code
from tugi.core.models import AuditEvent, Job, Notification, Topic, UserSubscription
from tugi.core.roles import Role
from tugi.pensions.audit_events import PensionEvent
from tugi.pensions.models import CalculationRun, InsuredYear, RunKind, RunPersonResult, RunStatus
from tugi.pensions.services import runs as services
from tugi.pensions.services.taxfiles import taxfile_import

pytestmark = pytest.mark.django_db

HEADER = "person_code;payer_code;year;month;social_tax;funded_pension;submitted_at"


def person_codes(n: int) -> list[str]:
    return [make_code(dt.date(1960 + i % 40, 1 + i % 12, 1 + i % 28), "MF"[i % 2], 100 + i) for i in range(n)]


def tax_lines(year: int, codes: list[str], *, months: range = range(1, 13), scale: int = 1) -> list[str]:
    lines = []
    for i, code in enumerate(codes):
        monthly = Decimal(200 + 37 * i) * scale
        for month in months:
            if i % 7 == 3 and month > 6:
                continue  # a gap: half a year
            funded = 1 if i % 3 == 0 else 0
            lines.append(
                f"{code};10000018;{year};{month};{monthly:.2f};{funded};{year}-{month:02d}-10T08:00:00+02:00"
            )
        if i % 5 == 0:  # a second payer
            lines.append(f"{code};10000026;{year};3;{Decimal(50 + i):.2f};0;{year}-04-10T08:00:00+03:00")
    if codes:  # an extreme earner: a share above 10
        lines.append(f"{codes[-1]};10000034;{year};12;500000.00;0;{year}-12-20T08:00:00+02:00")
    return lines


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


def import_tax(tmp_path: Path, ds: Any, year: int, codes: list[str], name: str = "tax.csv", **kw: Any) -> Any:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *tax_lines(year, codes, **kw)]) + "\n", encoding="utf-8")
    tax_file, _created = taxfile_import(path=path, original_name=name, actor=ds, year=year)
    return tax_file


def compute(run: CalculationRun, actor: Any, capture: Any) -> CalculationRun:
    with capture(execute=True):
        services.run_compute(run=run, actor=actor)
    run.refresh_from_db()
    return run


CODES = person_codes(30)


@pytest.fixture
def year_run(tmp_path: Path, ds: Any, django_capture_on_commit_callbacks: Any) -> CalculationRun:
    import_tax(tmp_path, ds, 2024, CODES)
    run = services.run_create(kind=RunKind.YEAR_SHARES, year=2024, actor=ds)
    return compute(run, ds, django_capture_on_commit_callbacks)


def test_year_shares_run_stages_every_person_and_leaves_the_register_alone(year_run: CalculationRun) -> None:
    assert year_run.status == RunStatus.COMPUTED, year_run.error
    assert year_run.counts["persons"] == 30
    assert RunPersonResult.objects.filter(run=year_run).count() == 30
    assert not InsuredYear.objects.exists()
    assert Decimal(year_run.totals["average_used"]) == Decimal(year_run.totals["average_proposed"])
    assert year_run.totals["average_source"] == "proposal"
    assert len(year_run.inputs["tax_files"]) == 1
    assert year_run.inputs["parameters"]["minimum_wage"]["value"] == "820"
    assert len(year_run.results_hash) == 64 and len(year_run.inputs_hash) == 64
    assert year_run.duration_ms is not None
    job = Job.objects.get(pk=year_run.job_id)
    assert job.status == "succeeded" and job.percent == 100


def test_the_stored_run_matches_the_engine_on_the_same_file(year_run: CalculationRun) -> None:
    """What `compute-year` computes from the file is what the run stored in the database."""
    from tugi.engine.yearly import compute_year, connect, results_sha256
    from tugi.pensions.selectors_taxfiles import tax_parquet_paths

    result = compute_year(connect(), tax_parquet_paths(2024), year=2024, minimum_wage=Decimal(820))
    assert results_sha256(result.table) == year_run.results_hash
    assert str(result.average_proposed) == year_run.totals["average_proposed"]
    stored = {
        r.person_code: (r.pension_part, r.service_fraction, r.joint_share)
        for r in RunPersonResult.objects.filter(run=year_run)
    }
    for row in result.table.to_pylist():
        assert stored[row["person_code"]] == (
            row["pension_part"],
            row["service_fraction"],
            row["joint_share"],
        )


def test_same_inputs_give_byte_identical_results(
    year_run: CalculationRun, ds: Any, django_capture_on_commit_callbacks: Any
) -> None:
    again = services.run_create(kind=RunKind.YEAR_SHARES, year=2024, actor=ds)
    again = compute(again, ds, django_capture_on_commit_callbacks)
    assert again.results_hash == year_run.results_hash
    assert again.inputs_hash == year_run.inputs_hash


def test_the_person_who_computed_cannot_approve(year_run: CalculationRun, ds: Any) -> None:
    with no_audit_event(), pytest.raises(PermissionDenied, match="Four eyes"):
        services.run_approve(run=year_run, actor=ds)
    year_run.refresh_from_db()
    assert year_run.status == RunStatus.COMPUTED


def test_a_second_person_approves_and_applies_once(year_run: CalculationRun, second: Any) -> None:
    with exactly_one_audit_event(PensionEvent.RUN_APPROVED):
        services.run_approve(run=year_run, actor=second, reason="checked the review")
    with exactly_one_audit_event(PensionEvent.RUN_APPLIED):
        services.run_apply(run=year_run, actor=second)
    year_run.refresh_from_db()
    assert year_run.status == RunStatus.APPLIED and year_run.applied_by == second
    assert InsuredYear.objects.filter(year=2024, run=year_run).count() == 30
    staged = RunPersonResult.objects.get(run=year_run, person_code=CODES[4])
    stored = InsuredYear.objects.get(person_code=CODES[4], year=2024)
    assert (stored.pension_part, stored.joint_share) == (staged.pension_part, staged.joint_share)
    with no_audit_event(), pytest.raises(ValidationError, match="Only an approved run"):
        services.run_apply(run=year_run, actor=second)
    assert InsuredYear.objects.count() == 30


def test_apply_replaces_the_persons_figures_of_the_year(year_run: CalculationRun, second: Any) -> None:
    from tests.pensions.factories import CalculationRunFactory, InsuredYearFactory

    earlier = CalculationRunFactory(year=2000)  # not an applied run of 2024
    old = InsuredYearFactory(person_code=CODES[0], year=2024, pension_part=Decimal("1.00"), run=earlier)
    InsuredYearFactory(person_code=CODES[0], year=2023, run=earlier)
    services.run_approve(run=year_run, actor=second)
    services.run_apply(run=year_run, actor=second)
    assert not InsuredYear.objects.filter(pk=old.pk).exists()
    assert InsuredYear.objects.get(person_code=CODES[0], year=2024).run_id == year_run.pk
    assert InsuredYear.objects.filter(person_code=CODES[0], year=2023).exists()


def test_a_new_tax_file_blocks_approval(
    year_run: CalculationRun, second: Any, ds: Any, tmp_path: Path
) -> None:
    import_tax(tmp_path, ds, 2024, CODES[:3], name="correction.csv", months=range(12, 13), scale=2)
    with (
        no_audit_event(),
        pytest.raises(ValidationError, match=r"tax files of the year.*compute the run again"),
    ):
        services.run_approve(run=year_run, actor=second)


def test_a_confirmed_average_blocks_approval_and_is_used_after_recomputing(
    year_run: CalculationRun, second: Any, ds: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from tugi.pensions.services.parameters import parameter_confirm, parameter_propose

    value = parameter_propose(
        name="average_social_tax",
        valid_from=dt.date(2024, 1, 1),
        value=Decimal("4567.33"),
        unit="EUR",
        actor=ds,
    )
    parameter_confirm(value=value, actor=second)
    with pytest.raises(ValidationError, match="the parameters"):
        services.run_approve(run=year_run, actor=second)
    year_run = compute(year_run, ds, django_capture_on_commit_callbacks)
    assert year_run.totals["average_used"] == "4567.33"
    assert year_run.totals["average_source"] == "confirmed"
    services.run_approve(run=year_run, actor=second)


def test_review_flags_shares_above_10_and_unknown_persons(year_run: CalculationRun) -> None:
    anomalies = {a["key"]: a for a in year_run.review["anomalies"]}
    assert anomalies["share_above_10"]["count"] == 1
    assert anomalies["share_above_10"]["sample"][0]["code"] == CODES[-1][:7] + "****"
    assert anomalies["unknown_persons"]["count"] == 30
    assert sum(b["count"] for b in year_run.review["histogram"]["buckets"]) == 30
    assert len(year_run.review["largest_shares"]) == 20
    assert all(r["code"].endswith("****") for r in year_run.review["largest_shares"])


def test_known_persons_are_not_flagged(
    tmp_path: Path, ds: Any, django_capture_on_commit_callbacks: Any
) -> None:
    codes = person_codes(6)
    for code in codes[:4]:
        PersonFactory(personal_code=code)
    import_tax(tmp_path, ds, 2022, codes)
    run = compute(
        services.run_create(kind=RunKind.YEAR_SHARES, year=2022, actor=ds),
        ds,
        django_capture_on_commit_callbacks,
    )
    anomalies = {a["key"]: a for a in run.review["anomalies"]}
    assert anomalies["unknown_persons"]["count"] == 2


def test_a_year_without_tax_files_fails_with_the_error_kept(
    ds: Any, django_capture_on_commit_callbacks: Any
) -> None:
    run = services.run_create(kind=RunKind.YEAR_SHARES, year=2023, actor=ds)
    run = compute(run, ds, django_capture_on_commit_callbacks)
    assert run.status == RunStatus.FAILED
    assert "No social tax file of 2023" in run.error
    assert AuditEvent.objects.filter(event_type=PensionEvent.RUN_FAILED, object_id=str(run.pk)).count() == 1
    with pytest.raises(ValidationError):
        services.run_approve(run=run, actor=ds)


def test_create_validates_its_input(ds: Any, finance_user: Any) -> None:
    with no_audit_event():
        with pytest.raises(ValidationError, match="between 1999"):
            services.run_create(kind=RunKind.YEAR_SHARES, year=1990, actor=ds)
        with pytest.raises(ValidationError, match="Enter the year"):
            services.run_create(kind=RunKind.RECALCULATION, actor=ds)
        with pytest.raises(ValidationError, match="date"):
            services.run_create(kind=RunKind.INDEXATION, index="1.05", actor=ds)
        with pytest.raises(ValidationError, match="greater than zero"):
            services.run_create(
                kind=RunKind.INDEXATION, effective_date=dt.date(2025, 4, 1), index="0", actor=ds
            )
        with pytest.raises(PermissionDenied):
            services.run_create(kind=RunKind.YEAR_SHARES, year=2024, actor=finance_user)
    assert not CalculationRun.objects.exists()
    with exactly_one_audit_event(PensionEvent.RUN_CREATED):
        run = services.run_create(kind=RunKind.RECALCULATION, year=2024, actor=ds)
    assert run.effective_date == dt.date(2025, 4, 1) and run.status == RunStatus.DRAFT


def test_discard_needs_a_reason_and_removes_the_staged_rows(year_run: CalculationRun, second: Any) -> None:
    with no_audit_event(), pytest.raises(ValidationError, match="reason"):
        services.run_discard(run=year_run, actor=second, reason=" ")
    with exactly_one_audit_event(PensionEvent.RUN_DISCARDED):
        services.run_discard(run=year_run, actor=second, reason="a correction file is coming")
    year_run.refresh_from_db()
    assert year_run.status == RunStatus.DISCARDED
    assert not RunPersonResult.objects.filter(run=year_run).exists()
    with pytest.raises(ValidationError, match="cannot be discarded"):
        services.run_discard(run=year_run, actor=second, reason="again")


def test_each_stage_notifies_the_mass_calculation_topic(
    tmp_path: Path, ds: Any, second: Any, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    watcher = make_user(Role.DOMAIN_SUPPORT, username="watcher")
    UserSubscription.objects.create(
        topic=Topic.objects.get(code="mass-calculation"), user=watcher, channel="in_app"
    )
    import_tax(tmp_path, ds, 2024, CODES[:5])
    run = services.run_create(kind=RunKind.YEAR_SHARES, year=2024, actor=ds)
    run = compute(run, ds, django_capture_on_commit_callbacks)
    services.run_approve(run=run, actor=second)
    services.run_apply(run=run, actor=second)
    notes = list(Notification.objects.filter(user=watcher).order_by("pk"))
    assert [n.dedup_key.rsplit(":", 1)[1] for n in notes] == ["started", "computed", "approved", "applied"]
    computed = notes[1]
    assert "average_used" in computed.body and run.results_hash in computed.body
    assert computed.url == f"/pensions/runs/{run.pk}/"
    # the same stage again reaches nobody twice
    from tugi.pensions.services.runs_notify import announce

    assert announce(run, "applied", second) == {"emails": 0, "in_app": 0}
