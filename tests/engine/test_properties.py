"""Property tests: the vectorised Ibis expressions equal the scalar rules (the definition)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import ibis
import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tugi.engine import pensions_calc, rules, yearly

cents = st.integers(min_value=0, max_value=3_000_000)  # social tax of a person-year up to 30 000 EUR


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    people=st.lists(st.tuples(cents, st.integers(0, 100)), min_size=1, max_size=40),
    wage=st.integers(min_value=30_000, max_value=120_000),
    average=st.integers(min_value=100_000, max_value=600_000),
    year=st.sampled_from([2020, 2021]),
)
def test_person_figures_and_shares_equal_the_scalar_rules(
    duck: Any, people: list[tuple[int, int]], wage: int, average: int, year: int
) -> None:
    tax = [t for t, _ in people]
    funded = [t * p // 100 for t, p in people]  # the part of the tax paid in pillar-II months
    wage_dec = Decimal(wage).scaleb(-2)
    # two months per person: the funded part in January, the rest in February
    rows = []
    for i, (total, part) in enumerate(zip(tax, funded, strict=True)):
        rows.append((f"p{i:04d}", "1", year, 1, part, True))
        rows.append((f"p{i:04d}", "1", year, 2, total - part, False))
    tax_table = pa.table(
        {
            "person_code": [r[0] for r in rows],
            "payer_code": [r[1] for r in rows],
            "year": pa.array([r[2] for r in rows], pa.int16()),
            "month": pa.array([r[3] for r in rows], pa.int8()),
            "social_tax_cents": pa.array([r[4] for r in rows], pa.int64()),
            "funded": [r[5] for r in rows],
            "submitted_at": pa.array(
                [dt.datetime(year, 3, 1, tzinfo=dt.UTC)] * len(rows), pa.timestamp("us", tz="UTC")
            ),
        }
    )
    avg = Decimal(average).scaleb(-2)
    result = yearly.compute_year(duck, tax_table, year=year, minimum_wage=wage_dec, average=avg)
    got = {r["person_code"]: r for r in result.table.to_pylist()}
    for i, (total, part) in enumerate(zip(tax, funded, strict=True)):
        row = got[f"p{i:04d}"]
        social = Decimal(total).scaleb(-2)
        pp = rules.pension_part(social)
        sf = rules.service_fraction(social, wage_dec)
        ff = rules.funded_factor(Decimal(part).scaleb(-2), social)
        assert row["pension_part"] == pp
        assert row["insured_base"] == rules.insured_base(social)
        assert row["service_fraction"] == sf
        assert row["funded_factor"] == ff
        assert row["insurance_share"] == rules.insurance_share(pp, avg, ff)
        expected_joint = rules.joint_share(pp, avg, sf, ff) if rules.joint_share_applies(year) else None
        assert row["joint_share"] == expected_joint


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    pp=st.lists(st.integers(0, 5_000_000), min_size=1, max_size=30),
    sf=st.integers(0, 10_000),
    ff=st.integers(8_000, 10_000),
    average=st.integers(1, 1_000_000),
)
def test_shares_at_any_magnitude_equal_the_scalar_rules(
    duck: Any, pp: list[int], sf: int, ff: int, average: int
) -> None:
    """Including exact halves: pension parts, service fractions and factors chosen freely."""
    table = pa.table(
        {
            "person_code": [str(i) for i in range(len(pp))],
            "pension_part_c": pa.array(pp, pa.int64()),
            "service_fraction_u": pa.array([sf] * len(pp), pa.int64()),
            "funded_factor_u": pa.array([ff] * len(pp), pa.int64()),
        }
    )
    expr = yearly.shares(ibis.memtable(table), year=2021, average_cents=average)
    out = duck.to_pyarrow(expr.order_by("person_code"))
    avg = Decimal(average).scaleb(-2)
    by_code = {r["person_code"]: r for r in out.to_pylist()}
    for i, value in enumerate(pp):
        row = by_code[str(i)]
        part, service, factor = Decimal(value).scaleb(-2), Decimal(sf).scaleb(-4), Decimal(ff).scaleb(-4)
        assert Decimal(row["insurance_share_u"]).scaleb(-3) == rules.insurance_share(part, avg, factor)
        assert Decimal(row["joint_share_u"]).scaleb(-3) == rules.joint_share(part, avg, service, factor)


def test_exact_halves_round_up_in_the_vectorised_code(duck: Any) -> None:
    # 4027.00 / 2000.00 = 2.0135 exactly -> 2.014 (half-up on the exact value)
    table = pa.table(
        {
            "person_code": ["a"],
            "pension_part_c": pa.array([402_700], pa.int64()),
            "service_fraction_u": pa.array([10_000], pa.int64()),
            "funded_factor_u": pa.array([10_000], pa.int64()),
        }
    )
    row = duck.to_pyarrow(yearly.shares(ibis.memtable(table), year=2021, average_cents=200_000)).to_pylist()[
        0
    ]
    assert row["insurance_share_u"] == 2014
    assert row["joint_share_u"] == rules.joint_share("4027.00", "2000.00", "1", "1").scaleb(3)


amount_rows = st.lists(
    st.tuples(
        st.integers(0, 6_000),  # service years, 2 decimals
        st.integers(0, 60_000),  # insurance shares, 3 decimals
        st.integers(0, 20_000),  # joint shares
        st.integers(500_000, 1_500_000),  # adjustment factor, 6 decimals
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=40, deadline=None)
@given(
    rows=amount_rows,
    base=st.integers(1_000_000, 5_000_000),  # 100.0000–500.0000
    value=st.integers(40_000, 200_000),  # 4.0000–20.0000
)
def test_amounts_equal_the_scalar_rule(rows: list[tuple[int, int, int, int]], base: int, value: int) -> None:
    table = pa.table(
        {
            "pension_id": pa.array(range(len(rows)), pa.int64()),
            "service_years": yearly.units_to_decimal_array(pa.array([r[0] for r in rows], pa.int64()), 2, 6),
            "insurance_shares": yearly.units_to_decimal_array(
                pa.array([r[1] for r in rows], pa.int64()), 3, 9
            ),
            "joint_shares": yearly.units_to_decimal_array(pa.array([r[2] for r in rows], pa.int64()), 3, 9),
            "adjustment_factor": yearly.units_to_decimal_array(
                pa.array([r[3] for r in rows], pa.int64()), 6, 8
            ),
        }
    )
    base_d, value_d = Decimal(base).scaleb(-4), Decimal(value).scaleb(-4)
    result = pensions_calc.recompute_amounts(table, base_amount=base_d, year_value=value_d, con=_DUCK)
    for (years, ins, joint, adj), amount in zip(rows, result.column("new_amount").to_pylist(), strict=True):
        expected = rules.old_age_amount(
            base_amount=base_d,
            year_value=value_d,
            service_years=Decimal(years).scaleb(-2),
            insurance_shares=Decimal(ins).scaleb(-3),
            joint_shares=Decimal(joint).scaleb(-3),
            adjustment_factor=Decimal(adj).scaleb(-6),
        ).amount
        assert amount == expected


_DUCK = yearly.connect("duckdb")
