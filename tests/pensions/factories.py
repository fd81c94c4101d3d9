"""Factories for the pensions area (synthetic data only).

Other helpers: add your own factories at the END of this file with small additive edits.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory

from tests.factories import PersonFactory, UserFactory
from tugi.pensions.models import (
    AmountReason,
    CalculationRun,
    InsuredYear,
    Pension,
    PensionAmount,
    PensionRule,
    PensionStatus,
    PensionType,
    RunKind,
    RunStatus,
)


class PensionTypeFactory(factory.django.DjangoModelFactory):
    """The default old-age type (get-or-create by code, as ``pension_type_ensure_defaults`` does)."""

    class Meta:
        model = PensionType
        django_get_or_create = ("code",)

    code = "old-age"
    name = "Old-age pension"
    rule = PensionRule.OLD_AGE
    legal_reference = "RPKS § 7"


class CalculationRunFactory(factory.django.DjangoModelFactory):
    """A plain run row (default: an applied year-shares run), e.g. to own ``InsuredYear`` rows."""

    class Meta:
        model = CalculationRun

    kind = RunKind.YEAR_SHARES
    year = 2024
    status = RunStatus.APPLIED
    created_by = factory.SubFactory(UserFactory)


def applied_year_run(year: int) -> CalculationRun:
    """The applied year-shares run of ``year`` (one per year: the model allows only one)."""
    run = CalculationRun.objects.filter(kind=RunKind.YEAR_SHARES, year=year, status=RunStatus.APPLIED).first()
    return run or CalculationRunFactory(year=year)


class InsuredYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InsuredYear

    person_code = factory.LazyFunction(lambda: PersonFactory.build().personal_code)
    year = 2024
    pension_part = Decimal("3600.00")
    insured_base = Decimal("18000.00")
    service_fraction = Decimal("1.0000")
    funded_factor = Decimal("1.0000")
    insurance_share = Decimal("0.000")
    joint_share = Decimal("1.000")
    run = factory.LazyAttribute(lambda o: applied_year_run(o.year))


class PensionFactory(factory.django.DjangoModelFactory):
    """A pension row only (no amount); use ``pension_with_amount`` for one with its first amount."""

    class Meta:
        model = Pension

    person = factory.SubFactory(PersonFactory)
    pension_type = factory.SubFactory(PensionTypeFactory)
    start_date = dt.date(2023, 5, 1)
    service_years = Decimal("20.00")
    adjustment_factor = Decimal("1.000000")
    insurance_shares = Decimal("15.250")
    joint_shares = Decimal("2.100")
    status = PensionStatus.IN_PAYMENT


class PensionAmountFactory(factory.django.DjangoModelFactory):
    """An amount row copying the pension's figures (the amount is NOT recomputed: set it)."""

    class Meta:
        model = PensionAmount

    pension = factory.SubFactory(PensionFactory)
    valid_from = factory.LazyAttribute(lambda a: a.pension.start_date)
    amount = Decimal("750.00")
    base_amount = Decimal("300.000000")
    year_value = Decimal("10.000000")
    service_years = factory.LazyAttribute(lambda a: a.pension.service_years)
    insurance_shares = factory.LazyAttribute(lambda a: a.pension.insurance_shares)
    joint_shares = factory.LazyAttribute(lambda a: a.pension.joint_shares)
    adjustment_factor = factory.LazyAttribute(lambda a: a.pension.adjustment_factor)
    reason = AmountReason.NEW


def pension_with_amount(*, amount: Decimal | str = "750.00", **pension_kwargs: Any) -> Pension:
    """A pension in payment with one 'new' amount row (figures are not recomputed)."""
    pension = PensionFactory(**pension_kwargs)
    PensionAmountFactory(pension=pension, amount=Decimal(str(amount)))
    return pension
