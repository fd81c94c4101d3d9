"""The scalar rules beyond the published scenarios: exact rounding, limits, bad input."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from tugi.engine import rules


def test_rounding_is_half_up_on_the_exact_value() -> None:
    assert rules.round_fraction(Fraction(20135, 10000), 3) == Decimal("2.014")
    assert rules.round_fraction(Fraction(20134999, 10000000), 3) == Decimal("2.013")
    assert rules.round_fraction(Fraction(-5, 1000), 2) == Decimal("-0.01")
    assert rules.half_up_div(5, 2) == 3 and rules.half_up_div(4, 3) == 1


def test_pension_part_never_hits_a_binary_float_edge() -> None:
    # 1.65 EUR social tax -> 1.00 exactly; 0.01 -> 0.0060606 -> 0.01
    assert rules.pension_part("1.65") == Decimal("1.00")
    assert rules.pension_part("0.01") == Decimal("0.01")
    assert rules.pension_part(0) == Decimal("0.00")


def test_service_fraction_uses_the_exact_insured_base() -> None:
    # 12 × 540 × 0.33 = 2138.40 is the full-year threshold of 2019
    assert rules.service_fraction("2138.40", "540") == Decimal("1.0000")
    assert rules.service_fraction("2138.39", "540") == Decimal("1.0000")  # 0.9999953 rounds up to 1
    assert rules.service_fraction("2138.00", "540") == Decimal("0.9998")
    assert rules.service_fraction("0", "540") == Decimal("0.0000")


def test_funded_factor_limits() -> None:
    assert rules.funded_factor(0, 0) == Decimal("1.0000")
    with pytest.raises(rules.RuleInputError):
        rules.funded_factor(2, 1)


def test_bad_inputs_are_refused_with_a_message() -> None:
    with pytest.raises(rules.RuleInputError, match="social tax must not be negative"):
        rules.pension_part("-1")
    with pytest.raises(rules.RuleInputError, match="average"):
        rules.insurance_share("100", "0", "1")
    with pytest.raises(rules.RuleInputError, match="minimum wage"):
        rules.service_fraction("100", "0")
    with pytest.raises(rules.RuleInputError, match="service fractions"):
        rules.year_average("100", "0")
    with pytest.raises(ValueError):
        rules.pension_part(1.5)  # type: ignore[arg-type]  # floats are refused


def test_amount_breakdown_components() -> None:
    result = rules.old_age_amount(
        base_amount="235.3079", year_value="7.2062", service_years="44", adjustment_factor="0.96"
    )
    assert result.service_part == Decimal("317.0728")
    assert result.before_adjustment == Decimal("552.3807")
    assert result.amount == Decimal("530.29")  # 530.285472 -> 530.29


def test_index_not_reducing() -> None:
    assert rules.index_not_reducing("0.98") == Decimal(1)
    assert rules.index_not_reducing("1") == Decimal(1)
    assert rules.index_not_reducing("1.079") == Decimal("1.079")


def test_indexed_year_value_needs_totals() -> None:
    with pytest.raises(rules.RuleInputError):
        rules.indexed_year_value("7.104", "1.016", "100", "0")
