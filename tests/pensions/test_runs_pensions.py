"""Recalculation of working pensioners and indexation runs: staged amounts, review, atomic apply."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from tests.factories import PersonFactory
from tests.helpers import exactly_one_audit_event, no_audit_event
from tests.pensions.factories import CalculationRunFactory, InsuredYearFactory, pension_with_amount
from tugi.core.roles import Role
from tugi.pensions.audit_events import PensionEvent
from tugi.pensions.models import (
    AmountReason,
    CalculationRun,
    Pension,
    PensionAmount,
    RunKind,
    RunPensionResult,
    RunStatus,
)
from tugi.pensions.services import runs as services
from tugi.pensions.services import runs_apply

pytestmark = pytest.mark.django_db

BASE_2022, VALUE_2022 = Decimal("255.7562"), Decimal("7.718")  # in force from 2022-04-01 (files)


def amount(base: Decimal, value: Decimal, years: Decimal, adjustment: Decimal = Decimal(1)) -> Decimal:
    return ((base + years * value) * adjustment).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def pension(years: str = "20", ins: str = "10.5", joint: str = "1.2", **kw: Any) -> Pension:
    total = Decimal(years) + Decimal(ins) + Decimal(joint)
    return pension_with_amount(
        amount=kw.pop("amount", amount(BASE_2022, VALUE_2022, total)),
        service_years=Decimal(years),
        insurance_shares=Decimal(ins),
        joint_shares=Decimal(joint),
        start_date=dt.date(2022, 5, 1),
        **kw,
    )


@pytest.fixture
def ds(make_user: Any) -> Any:
    return make_user(Role.DOMAIN_SUPPORT, username="ds")


@pytest.fixture
def second(make_user: Any) -> Any:
    return make_user(Role.DOMAIN_SUPPORT, username="ds2")


def compute(run: CalculationRun, actor: Any, capture: Any) -> CalculationRun:
    with capture(execute=True):
        services.run_compute(run=run, actor=actor)
    run.refresh_from_db()
    return run


@pytest.fixture
def pensions() -> list[Pension]:
    return [pension(years=str(10 + i), ins=f"{i}.25", joint=f"0.{i}") for i in range(8)]


@pytest.fixture
def indexation(pensions: list[Pension], ds: Any, django_capture_on_commit_callbacks: Any) -> CalculationRun:
    run = services.run_create(
        kind=RunKind.INDEXATION, effective_date=dt.date(2023, 4, 1), index="1.0500", actor=ds
    )
    return compute(run, ds, django_capture_on_commit_callbacks)


def test_indexation_recomputes_every_pension_with_the_proposed_parameters(
    indexation: CalculationRun, pensions: list[Pension]
) -> None:
    from tugi.engine import rules

    run = indexation
    assert run.status == RunStatus.COMPUTED, run.error
    assert run.counts["pensions"] == 8
    base = rules.indexed_base(BASE_2022, Decimal("1.05"))
    assert Decimal(run.totals["base_amount"]) == base
    assert run.totals["base_amount_source"] == "proposal" and run.totals["year_value_source"] == "proposal"
    value = Decimal(run.totals["year_value"])
    for p in pensions:
        staged = RunPensionResult.objects.get(run=run, pension=p)
        years = p.service_years + p.insurance_shares + p.joint_shares
        assert staged.new_amount == amount(base, value, years)
        assert staged.old_amount == amount(BASE_2022, VALUE_2022, years)
        assert staged.added_share is None
    check = run.review["total_check"]
    assert check["ok"] is True, check
    assert {a["key"]: a["count"] for a in run.review["anomalies"]} == {
        "falls": 0,
        "deceased": 0,
        "no_amount": 0,
    }
    assert len(run.review["largest_increases"]) == 8 and run.review["largest_decreases"] == []
    # the register is untouched until applied
    assert PensionAmount.objects.count() == 8


def test_indexation_same_inputs_same_hash(
    indexation: CalculationRun, ds: Any, django_capture_on_commit_callbacks: Any
) -> None:
    again = services.run_create(
        kind=RunKind.INDEXATION, effective_date=dt.date(2023, 4, 1), index="1.05", actor=ds
    )
    again = compute(again, ds, django_capture_on_commit_callbacks)
    assert again.results_hash == indexation.results_hash


def test_indexation_apply_adds_an_amount_row_per_pension(indexation: CalculationRun, second: Any) -> None:
    services.run_approve(run=indexation, actor=second)
    with exactly_one_audit_event(PensionEvent.RUN_APPLIED):
        services.run_apply(run=indexation, actor=second)
    rows = PensionAmount.objects.filter(run=indexation)
    assert rows.count() == 8
    row = rows.first()
    assert row is not None
    assert row.reason == AmountReason.INDEXATION and row.valid_from == dt.date(2023, 4, 1)
    assert row.base_amount == Decimal(indexation.totals["base_amount"])
    staged = RunPensionResult.objects.get(run=indexation, pension=row.pension)
    assert row.amount == staged.new_amount


def test_a_confirmed_year_value_for_the_date_wins(
    pensions: list[Pension], ds: Any, second: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from tugi.pensions.services.parameters import parameter_confirm, parameter_propose

    value = parameter_propose(
        name="year_value", valid_from=dt.date(2023, 4, 1), value=Decimal("8.3"), unit="EUR", actor=ds
    )
    parameter_confirm(value=value, actor=second)
    run = services.run_create(
        kind=RunKind.INDEXATION, effective_date=dt.date(2023, 4, 1), index="1.05", actor=ds
    )
    run = compute(run, ds, django_capture_on_commit_callbacks)
    assert Decimal(run.totals["year_value"]) == Decimal("8.3")
    assert run.totals["year_value_source"] == "database"
    assert run.totals["year_value_proposed"] != run.totals["year_value"]


def test_indexation_review_flags_falls_and_deceased(
    pensions: list[Pension], ds: Any, django_capture_on_commit_callbacks: Any
) -> None:
    too_high = pension(amount=Decimal("5000.00"))
    dead = pension(person=PersonFactory(date_of_death=dt.date(2023, 2, 1)))
    run = services.run_create(
        kind=RunKind.INDEXATION, effective_date=dt.date(2023, 4, 1), index="1.05", actor=ds
    )
    run = compute(run, ds, django_capture_on_commit_callbacks)
    anomalies = {a["key"]: a for a in run.review["anomalies"]}
    assert anomalies["falls"]["count"] == 1 and anomalies["falls"]["sample"][0]["pension"] == too_high.pk
    assert anomalies["deceased"]["count"] == 1 and anomalies["deceased"]["sample"][0]["pension"] == dead.pk
    assert anomalies["falls"]["sample"][0]["code"].endswith("****")
    assert run.review["largest_decreases"][0]["pension"] == too_high.pk
    assert run.review["total_check"]["ok"] is False


def test_an_index_not_above_1_reduces_no_pension(
    pensions: list[Pension], ds: Any, django_capture_on_commit_callbacks: Any
) -> None:
    pension(amount=Decimal("5000.00"))
    run = services.run_create(
        kind=RunKind.INDEXATION, effective_date=dt.date(2023, 4, 1), index="0.9800", actor=ds
    )
    run = compute(run, ds, django_capture_on_commit_callbacks)
    assert run.status == RunStatus.COMPUTED, run.error
    for staged in RunPensionResult.objects.filter(run=run):
        assert staged.new_amount >= staged.old_amount
    assert {a["key"]: a["count"] for a in run.review["anomalies"]}["falls"] == 0


def test_a_changed_register_blocks_approval(
    indexation: CalculationRun, pensions: list[Pension], second: Any
) -> None:
    pensions[0].status = "ended"
    pensions[0].ended_on = dt.date(2023, 3, 1)
    pensions[0].save()
    with no_audit_event(), pytest.raises(ValidationError, match="pension register"):
        services.run_approve(run=indexation, actor=second)


@pytest.fixture
def working(pensions: list[Pension]) -> dict[str, Any]:
    """Three working pensioners insured in 2024 (one already has the share), shares applied."""
    shares_run = CalculationRunFactory(kind=RunKind.YEAR_SHARES, year=2024, status=RunStatus.APPLIED)
    for p, joint in zip(pensions[:3], ["0.800", "1.250", "0.333"], strict=True):
        InsuredYearFactory(
            person_code=p.person.personal_code, year=2024, joint_share=Decimal(joint), run=shares_run
        )
    Pension.objects.filter(pk=pensions[2].pk).update(last_share_year=2024)
    InsuredYearFactory(year=2024, run=shares_run)  # insured, not a pensioner
    return {"pensions": pensions, "shares_run": shares_run}


@pytest.fixture
def recalculation(
    working: dict[str, Any], ds: Any, django_capture_on_commit_callbacks: Any
) -> CalculationRun:
    run = services.run_create(kind=RunKind.RECALCULATION, year=2024, actor=ds)
    return compute(run, ds, django_capture_on_commit_callbacks)


def test_recalculation_adds_the_years_joint_share_to_working_pensioners(
    recalculation: CalculationRun, working: dict[str, Any]
) -> None:
    run = recalculation
    assert run.status == RunStatus.COMPUTED, run.error
    assert run.effective_date == dt.date(2025, 4, 1)
    assert run.counts == {"pensions": 2, "pensions_in_payment": 8, "skipped": 1}
    first = working["pensions"][0]
    staged = RunPensionResult.objects.get(run=run, pension=first)
    assert staged.added_share == Decimal("0.800")
    assert staged.joint_shares == first.joint_shares + Decimal("0.800")
    assert staged.insurance_shares == first.insurance_shares
    years = first.service_years + first.insurance_shares + staged.joint_shares
    assert staged.new_amount == amount(BASE_2022, VALUE_2022, years)
    assert run.inputs["year_shares_run"]["id"] == working["shares_run"].pk


def test_recalculation_apply_moves_the_sums_on(
    recalculation: CalculationRun, working: dict[str, Any], second: Any
) -> None:
    services.run_approve(run=recalculation, actor=second)
    services.run_apply(run=recalculation, actor=second)
    first = Pension.objects.get(pk=working["pensions"][0].pk)
    assert first.joint_shares == working["pensions"][0].joint_shares + Decimal("0.800")
    assert first.last_share_year == 2024
    row = PensionAmount.objects.get(run=recalculation, pension=first)
    assert row.reason == AmountReason.RECALCULATION and row.valid_from == dt.date(2025, 4, 1)
    assert row.joint_shares == first.joint_shares
    untouched = Pension.objects.get(pk=working["pensions"][5].pk)
    assert untouched.last_share_year is None


def test_apply_is_atomic_when_a_step_fails_half_way(
    recalculation: CalculationRun, working: dict[str, Any], second: Any, monkeypatch: Any
) -> None:
    services.run_approve(run=recalculation, actor=second)
    before_amounts = PensionAmount.objects.count()
    before_sums = list(Pension.objects.order_by("pk").values_list("joint_shares", "last_share_year"))

    def broken(run: CalculationRun) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(runs_apply, "update_pension_sums", broken)
    with no_audit_event(), pytest.raises(RuntimeError, match="disk full"):
        services.run_apply(run=recalculation, actor=second)
    assert PensionAmount.objects.count() == before_amounts
    assert list(Pension.objects.order_by("pk").values_list("joint_shares", "last_share_year")) == before_sums
    recalculation.refresh_from_db()
    assert recalculation.status == RunStatus.APPROVED
    monkeypatch.undo()
    services.run_apply(run=recalculation, actor=second)
    assert PensionAmount.objects.count() == before_amounts + 2


def test_recalculation_needs_the_years_shares_applied(
    ds: Any, django_capture_on_commit_callbacks: Any
) -> None:
    run = services.run_create(kind=RunKind.RECALCULATION, year=2023, actor=ds)
    run = compute(run, ds, django_capture_on_commit_callbacks)
    assert run.status == RunStatus.FAILED
    assert "year-shares run of 2023 has not been applied" in run.error


def test_only_one_applied_indexation_per_date(
    indexation: CalculationRun, ds: Any, second: Any, django_capture_on_commit_callbacks: Any
) -> None:
    services.run_approve(run=indexation, actor=second)
    services.run_apply(run=indexation, actor=second)
    other = services.run_create(
        kind=RunKind.INDEXATION, effective_date=dt.date(2023, 4, 1), index="1.05", actor=ds
    )
    other = compute(other, ds, django_capture_on_commit_callbacks)
    services.run_approve(run=other, actor=second)
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        services.run_apply(run=other, actor=second)
    assert PensionAmount.objects.filter(run=other).count() == 0


def test_payments_informed_notifies_finance(
    indexation: CalculationRun, second: Any, finance_user: Any
) -> None:
    from tugi.core.models import Notification

    services.run_approve(run=indexation, actor=second)
    services.run_apply(run=indexation, actor=second)
    from tugi.core.models import AuditEvent

    services.run_mark_payments_informed(run=indexation, actor=second)
    services.run_mark_payments_informed(run=indexation, actor=second)  # twice: recorded once
    events = AuditEvent.objects.filter(event_type=PensionEvent.RUN_PAYMENTS_INFORMED)
    assert events.count() == 1
    assert Notification.objects.filter(user=finance_user, dedup_key__endswith=":payments").count() == 1
    indexation.refresh_from_db()
    assert indexation.review["payments_informed"]["by"] == "ds2"


def test_the_fast_register_read_equals_pensions_table(pensions: list[Pension]) -> None:
    """On PostgreSQL the runs read the register with COPY; it must give pensions_table's rows."""
    from tests.pensions.factories import PensionAmountFactory
    from tugi.pensions.selectors_register import pensions_table
    from tugi.pensions.selectors_runs import register_table

    dead = pension(person=PersonFactory(date_of_death=dt.date(2023, 2, 1)))
    PensionAmountFactory(pension=dead, valid_from=dt.date(2023, 1, 1), amount=Decimal("812.34"))
    PensionAmountFactory(pension=dead, valid_from=dt.date(2023, 6, 1), amount=Decimal("999.99"))  # later
    pension_with_amount(status="ended", ended_on=dt.date(2023, 1, 31))
    future = pension()
    Pension.objects.filter(pk=future.pk).update(start_date=dt.date(2023, 5, 1))
    Pension.objects.create(
        person=PersonFactory(), pension_type=pensions[0].pension_type, start_date=dt.date(2022, 1, 1)
    )  # no amount row
    on = dt.date(2023, 4, 1)
    fast, reference = register_table(on), pensions_table(on)
    assert fast.schema == reference.schema
    assert fast.to_pylist() == reference.to_pylist()
    assert fast.num_rows == 10


def test_compute_now_without_a_job(pensions: list[Pension], ds: Any, second: Any) -> None:
    """The demo loader and the benchmark compute in-process; the result is the same as the job's."""
    run = services.run_create(
        kind=RunKind.INDEXATION, effective_date=dt.date(2023, 4, 1), index="1.05", actor=ds
    )
    with exactly_one_audit_event(PensionEvent.RUN_COMPUTED):
        run = services.run_compute_now(run=run, actor=ds)
    assert run.status == RunStatus.COMPUTED and run.job_id is None and run.computed_by == ds
    assert RunPensionResult.objects.filter(run=run).count() == 8
    services.run_approve(run=run, actor=second)
    services.run_apply(run=run, actor=second)
    with pytest.raises(ValidationError, match="cannot be computed"):
        services.run_compute_now(run=run, actor=ds)
