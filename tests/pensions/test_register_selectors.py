"""The register's reads that the mass calculations start from."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.factories import PersonFactory
from tests.helpers import assert_queries_do_not_grow
from tests.pensions.factories import PensionAmountFactory, PensionFactory, pension_with_amount
from tugi.pensions.models import PensionStatus
from tugi.pensions.selectors_register import (
    PENSIONS_TABLE_SCHEMA,
    current_amount,
    pensions_in_payment,
    pensions_table,
)

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 4, 1)


def test_pensions_in_payment_leaves_out_suspended_ended_and_future_pensions() -> None:
    paid = pension_with_amount()
    pension_with_amount(status=PensionStatus.SUSPENDED)
    pension_with_amount(status=PensionStatus.ENDED, ended_on=dt.date(2025, 1, 31))
    pension_with_amount(start_date=dt.date(2026, 5, 1))
    starts_that_day = pension_with_amount(start_date=DAY)

    assert set(pensions_in_payment(DAY)) == {paid, starts_that_day}


def test_pensions_table_has_the_figures_and_the_amount_valid_on_the_day() -> None:
    died = PersonFactory(date_of_death=dt.date(2026, 2, 3))
    pension = pension_with_amount(amount="700.00", person=died, adjustment_factor=Decimal("0.952000"))
    PensionAmountFactory(pension=pension, valid_from=dt.date(2025, 4, 1), amount=Decimal("731.10"))
    PensionAmountFactory(pension=pension, valid_from=dt.date(2027, 4, 1), amount=Decimal("999.99"))

    table = pensions_table(DAY)

    assert table.schema == PENSIONS_TABLE_SCHEMA
    row = table.to_pylist()[0]
    assert row == {
        "pension_id": pension.pk,
        "service_years": Decimal("20.00"),
        "insurance_shares": Decimal("15.250"),
        "joint_shares": Decimal("2.100"),
        "adjustment_factor": Decimal("0.952000"),
        "old_amount": Decimal("731.10"),
        "person_code": died.personal_code,
        "date_of_death": dt.date(2026, 2, 3),
    }


def test_pensions_table_of_an_empty_register_is_an_empty_table() -> None:
    table = pensions_table(DAY)
    assert table.num_rows == 0
    assert table.schema == PENSIONS_TABLE_SCHEMA


def test_a_pension_without_an_amount_row_has_a_null_old_amount() -> None:
    PensionFactory()
    assert pensions_table(DAY).column("old_amount").to_pylist() == [None]


def test_pensions_table_reads_in_one_query_however_many_pensions() -> None:
    for _ in range(3):
        pension_with_amount()

    def more() -> None:
        for _ in range(10):
            pension_with_amount()

    assert_queries_do_not_grow(more, lambda: pensions_table(DAY))
    assert pensions_table(DAY).num_rows == 13


def test_current_amount_is_the_latest_row_from_that_day_or_before() -> None:
    pension = pension_with_amount(amount="700.00")
    later = PensionAmountFactory(pension=pension, valid_from=dt.date(2025, 4, 1), amount=Decimal("731.10"))
    assert current_amount(pension, dt.date(2025, 4, 1)) == later
    assert current_amount(pension, dt.date(2025, 3, 31)).amount == Decimal("700.00")  # type: ignore[union-attr]
    assert current_amount(pension, dt.date(2020, 1, 1)) is None


def test_pensions_table_keeps_every_decimal_exact() -> None:
    big = pension_with_amount(
        amount="999999999999.99",
        service_years=Decimal("9999.99"),
        insurance_shares=Decimal("999999.999"),
        joint_shares=Decimal("0.001"),
        adjustment_factor=Decimal("0.952381"),
    )
    PensionFactory()  # no amount row: null next to values
    rows = {r["pension_id"]: r for r in pensions_table(DAY).to_pylist()}
    assert rows[big.pk]["old_amount"] == Decimal("999999999999.99")
    assert rows[big.pk]["service_years"] == Decimal("9999.99")
    assert rows[big.pk]["insurance_shares"] == Decimal("999999.999")
    assert rows[big.pk]["joint_shares"] == Decimal("0.001")
    assert rows[big.pk]["adjustment_factor"] == Decimal("0.952381")
    assert [r["old_amount"] for pk, r in rows.items() if pk != big.pk] == [None]
