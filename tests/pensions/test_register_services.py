"""The pension register's writes: grant, suspend / resume / end, death, correction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import PersonFactory
from tests.helpers import exactly_one_audit_event, no_audit_event
from tests.pensions.factories import PensionTypeFactory, pension_with_amount
from tugi.core.models import AuditEvent
from tugi.pensions.audit_events import PensionEvent
from tugi.pensions.models import AmountReason, Pension, PensionAmount, PensionStatus, PensionType
from tugi.pensions.services.register import (
    amount_correct,
    pension_end,
    pension_grant,
    pension_resume,
    pension_suspend,
    pension_type_ensure_defaults,
    pensions_end_deceased,
)

pytestmark = pytest.mark.django_db


def grant(actor: Any, **kwargs: Any) -> Pension:
    values: dict[str, Any] = {
        "person": PersonFactory(),
        "pension_type": PensionTypeFactory(),
        "start_date": dt.date(2022, 6, 1),
        "service_years": Decimal("44"),
        "adjustment_factor": Decimal("1"),
        "insurance_shares": Decimal("0"),
        "joint_shares": Decimal("0"),
    }
    values.update(kwargs)
    return pension_grant(actor=actor, **values)


def test_default_types_are_created_once(system: Any) -> None:
    with exactly_one_audit_event(PensionEvent.PENSION_TYPE_SAVED):
        (old_age,) = pension_type_ensure_defaults()
    assert old_age.code == "old-age" and old_age.rule == "old_age" and "§ 7" in old_age.legal_reference
    with no_audit_event():
        pension_type_ensure_defaults()
    assert PensionType.objects.count() == 1


def test_grant_computes_the_amount_with_the_parameters_in_force_on_the_start_date(
    domain_support: Any,
) -> None:
    # PENSIONS.md § 5 published check: 2022: 255.7562 + 44 × 7.718 = 595.35
    with exactly_one_audit_event(PensionEvent.PENSION_CREATED) as events:
        pension = grant(domain_support)
    (row,) = pension.amounts.all()
    assert row.amount == Decimal("595.35")
    assert (row.base_amount, row.year_value) == (Decimal("255.7562"), Decimal("7.718"))
    assert row.reason == AmountReason.NEW and row.valid_from == dt.date(2022, 6, 1)
    assert pension.status == PensionStatus.IN_PAYMENT and pension.last_share_year == 2021
    after = events[0].after
    assert after["amount"]["amount"] == "595.35"
    assert pension.person.personal_code not in str(after)


def test_grant_uses_the_earlier_parameters_the_day_before_indexation(domain_support: Any) -> None:
    pension = grant(domain_support, start_date=dt.date(2017, 3, 31))
    assert pension.amounts.get().base_amount == Decimal("153.3035")
    pension = grant(domain_support, start_date=dt.date(2017, 4, 1))
    assert pension.amounts.get().amount == Decimal("415.65")  # 161.9038 + 44 × 5.767


def test_grant_adds_an_extraordinary_base_increase_after_the_last_base_amount(domain_support: Any) -> None:
    pension = grant(domain_support, start_date=dt.date(2023, 2, 1), service_years=Decimal("0"))
    row = pension.amounts.get()
    assert row.base_amount == Decimal("275.7562")  # 255.7562 + 20.00 from 2023-01-01
    assert row.amount == Decimal("275.76")


def test_grant_with_shares_and_adjustment(domain_support: Any) -> None:
    pension = grant(
        domain_support,
        service_years=Decimal("20"),
        insurance_shares=Decimal("15.250"),
        joint_shares=Decimal("1.750"),
        adjustment_factor=Decimal("1.08"),
    )
    # (255.7562 + 37 × 7.718) × 1.08 = (255.7562 + 285.566) × 1.08 = 584.627976
    assert pension.amounts.get().amount == Decimal("584.63")


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("service_years", {"service_years": Decimal("-1")}),
        ("service_years", {"service_years": "abc"}),
        ("insurance_shares", {"insurance_shares": Decimal("1.2345")}),
        ("adjustment_factor", {"adjustment_factor": Decimal("0")}),
        ("start_date", {"start_date": dt.date(2010, 1, 1)}),
    ],
)
def test_bad_figures_are_refused_with_the_field_and_nothing_changes(
    domain_support: Any, field: str, kwargs: dict[str, Any]
) -> None:
    person, kind = PersonFactory(), PensionTypeFactory()
    with no_audit_event(), pytest.raises(ValidationError) as caught:
        grant(domain_support, person=person, pension_type=kind, **kwargs)
    assert field in caught.value.message_dict
    assert not Pension.objects.exists() and not PensionAmount.objects.exists()


def test_a_second_open_pension_of_the_same_type_is_refused(domain_support: Any) -> None:
    pension = grant(domain_support)
    with pytest.raises(ValidationError) as caught:
        grant(domain_support, person=pension.person)
    assert "pension_type" in caught.value.message_dict


def test_only_domain_support_may_grant(finance_user: Any, test_manager: Any) -> None:
    for user in (finance_user, test_manager):
        with pytest.raises(PermissionDenied):
            grant(user)


def test_suspend_resume_and_end(domain_support: Any) -> None:
    pension = pension_with_amount()
    with exactly_one_audit_event(PensionEvent.PENSION_CHANGED) as events:
        pension_suspend(pension=pension, actor=domain_support, reason="residence check")
    assert events[0].before == {"status": "in_payment"} and events[0].reason == "residence check"
    with pytest.raises(ValidationError):
        pension_suspend(pension=pension, actor=domain_support, reason="again")
    pension_resume(pension=pension, actor=domain_support, reason="resident")
    pension.refresh_from_db()
    assert pension.status == PensionStatus.IN_PAYMENT
    with exactly_one_audit_event(PensionEvent.PENSION_CHANGED):
        pension_end(
            pension=pension, ended_on=dt.date(2025, 12, 31), actor=domain_support, reason="moved abroad"
        )
    pension.refresh_from_db()
    assert (pension.status, pension.ended_on) == (PensionStatus.ENDED, dt.date(2025, 12, 31))


def test_a_change_needs_a_reason_and_a_sane_date(domain_support: Any) -> None:
    pension = pension_with_amount()
    with no_audit_event():
        with pytest.raises(ValidationError) as caught:
            pension_suspend(pension=pension, actor=domain_support, reason=" ")
        assert "reason" in caught.value.message_dict
        with pytest.raises(ValidationError) as caught:
            pension_end(pension=pension, ended_on=dt.date(2020, 1, 1), actor=domain_support, reason="x")
        assert "ended_on" in caught.value.message_dict
    pension.refresh_from_db()
    assert pension.status == PensionStatus.IN_PAYMENT


def test_the_date_of_death_ends_the_persons_pensions(domain_support: Any) -> None:
    died = PersonFactory(date_of_death=dt.date(2025, 8, 14))
    paid = pension_with_amount(person=died)
    suspended = pension_with_amount(
        person=died, status=PensionStatus.SUSPENDED, pension_type=PensionTypeFactory(code="other")
    )
    alive = pension_with_amount()
    with exactly_one_audit_event(PensionEvent.PENSION_CHANGED):
        assert pensions_end_deceased(actor=domain_support) == 2
    for pension in (paid, suspended):
        pension.refresh_from_db()
        assert (pension.status, pension.ended_on) == (PensionStatus.ENDED, dt.date(2025, 8, 14))
    alive.refresh_from_db()
    assert alive.status == PensionStatus.IN_PAYMENT
    with no_audit_event():
        assert pensions_end_deceased(actor=domain_support) == 0


def test_a_dead_persons_pension_cannot_be_resumed(domain_support: Any) -> None:
    pension = pension_with_amount(
        person=PersonFactory(date_of_death=dt.date(2025, 1, 2)), status=PensionStatus.SUSPENDED
    )
    with pytest.raises(ValidationError):
        pension_resume(pension=pension, actor=domain_support, reason="x")


def test_a_correction_adds_a_dated_row_with_the_parameters_in_force(domain_support: Any) -> None:
    pension = grant(domain_support)
    with exactly_one_audit_event(PensionEvent.PENSION_AMOUNT_CORRECTED) as events:
        row = amount_correct(
            pension=pension,
            valid_from=dt.date(2022, 9, 1),
            service_years=Decimal("45"),
            insurance_shares=Decimal("0"),
            joint_shares=Decimal("0"),
            adjustment_factor=Decimal("1"),
            actor=domain_support,
            reason="service year missing",
        )
    assert row.reason == AmountReason.CORRECTION and row.amount == Decimal("603.07")  # 255.7562 + 45 × 7.718
    assert events[0].before["amount"] == "595.35" and events[0].after["amount"] == "603.07"
    pension.refresh_from_db()
    assert pension.service_years == Decimal("45")
    assert list(pension.amounts.values_list("amount", flat=True)) == [Decimal("603.07"), Decimal("595.35")]


def test_a_correction_cannot_go_behind_the_latest_amount_or_change_nothing(domain_support: Any) -> None:
    pension = grant(domain_support)
    figures = {
        "service_years": Decimal("44"),
        "insurance_shares": Decimal("0"),
        "joint_shares": Decimal("0"),
        "adjustment_factor": Decimal("1"),
    }
    with no_audit_event():
        with pytest.raises(ValidationError) as caught:
            amount_correct(
                pension=pension, valid_from=dt.date(2022, 5, 1), actor=domain_support, reason="x", **figures
            )
        assert "valid_from" in caught.value.message_dict
        with pytest.raises(ValidationError):
            amount_correct(
                pension=pension, valid_from=dt.date(2022, 9, 1), actor=domain_support, reason="x", **figures
            )
    assert pension.amounts.count() == 1
    assert AuditEvent.objects.filter(event_type=PensionEvent.PENSION_AMOUNT_CORRECTED).count() == 0


def test_the_daily_job_ends_the_pensions_of_the_dead(
    system: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from tugi.core.registry import registry
    from tugi.core.services import job_start

    pension = pension_with_amount(person=PersonFactory(date_of_death=dt.date(2025, 5, 6)))
    periodic = registry.periodic["pensions-end-deceased"]
    assert periodic.every == dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind="pensions-end-deceased", key="test", actor=system, params={})
    job.refresh_from_db()
    assert job.status == "succeeded" and job.result == {"ended": 1}
    pension.refresh_from_db()
    assert (pension.status, pension.ended_on) == (PensionStatus.ENDED, dt.date(2025, 5, 6))
