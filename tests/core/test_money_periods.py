"""Money (exact Decimals, half-up rounding, Estonian display) and validity periods."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from tugi.core.money import MoneyError, format_eur, round_cents, round_half_up, to_decimal
from tugi.core.periods import check_period, covers, overlaps, select_as_of

NBSP = "\u00a0"
D = dt.date

# --- money ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0.1, 1.0, float("nan"), True])
def test_to_decimal_refuses_floats_and_bools(value: object) -> None:
    with pytest.raises(MoneyError):
        to_decimal(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["", "  ", "abc", "1,5", "NaN", "Infinity", None, [1]])
def test_to_decimal_refuses_what_is_not_a_finite_amount(value: object) -> None:
    with pytest.raises(MoneyError):
        to_decimal(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.1", Decimal("0.1")),
        (" 1 234.56 ", Decimal("1234.56")),
        (7, Decimal(7)),
        (Decimal("2.5"), Decimal("2.5")),
    ],
)
def test_to_decimal_is_exact(value: object, expected: Decimal) -> None:
    result = to_decimal(value)  # type: ignore[arg-type]
    assert isinstance(result, Decimal)
    assert result == expected


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        ("2.0135", 3, "2.014"),
        ("2.0125", 3, "2.013"),  # half-even would give 2.012
        ("0.0005", 3, "0.001"),
        ("-2.0135", 3, "-2.014"),
        ("1.5", 0, "2"),
        ("2.5", 0, "3"),  # half-even would give 2
        ("1234.5678", 2, "1234.57"),
    ],
)
def test_round_half_up(value: str, places: int, expected: str) -> None:
    result = round_half_up(value, places)
    assert result == Decimal(expected)
    assert str(result) == expected  # the exponent is the requested number of places


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.005", "0.01"),
        ("-0.005", "-0.01"),
        ("0.125", "0.13"),
        ("0.004999", "0.00"),
        ("10", "10.00"),
        (Decimal("2.675"), "2.68"),
    ],
)
def test_round_cents_rounds_half_up_away_from_zero(value: object, expected: str) -> None:
    assert str(round_cents(value)) == expected  # type: ignore[arg-type]


def test_round_cents_refuses_floats() -> None:
    with pytest.raises(MoneyError):
        round_cents(2.675)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", f"0,00{NBSP}€"),
        ("5", f"5,00{NBSP}€"),
        ("1234.5", f"1{NBSP}234,50{NBSP}€"),
        ("1234567.891", f"1{NBSP}234{NBSP}567,89{NBSP}€"),
        ("-1234.005", f"-1{NBSP}234,01{NBSP}€"),
        ("999.995", f"1{NBSP}000,00{NBSP}€"),
        ("-0.001", f"0,00{NBSP}€"),
    ],
)
def test_format_eur(value: str, expected: str) -> None:
    assert format_eur(Decimal(value)) == expected


@given(st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, allow_infinity=False, places=4))
def test_round_cents_is_within_half_a_cent_and_halves_go_away_from_zero(value: Decimal) -> None:
    rounded = round_cents(value)
    assert abs(rounded - value) <= Decimal("0.005")
    if abs(rounded - value) == Decimal("0.005"):
        assert abs(rounded) > abs(value)


# --- periods -------------------------------------------------------------------------------------
# DatedQuerySet.as_of / overlapping are the SQL forms of covers() / overlaps(). No model uses
# DatedModel yet and the kernel's tests add no model of their own, so only the pure helpers are
# tested here; the first area with a dated model should test as_of against select_as_of.


def test_check_period_refuses_an_end_before_the_start() -> None:
    with pytest.raises(ValidationError) as info:
        check_period(D(2025, 2, 1), D(2025, 1, 31))
    assert list(info.value.message_dict) == ["valid_to"]


@pytest.mark.parametrize(
    ("valid_from", "valid_to"), [(D(2025, 1, 1), D(2025, 1, 1)), (D(2025, 1, 1), None), (None, D(2025, 1, 1))]
)
def test_check_period_accepts_one_day_and_open_periods(valid_from: D | None, valid_to: D | None) -> None:
    check_period(valid_from, valid_to)


def test_covers_is_inclusive_at_both_ends_and_open_without_an_end() -> None:
    start, end = D(2025, 1, 1), D(2025, 12, 31)
    assert covers(start, end, start)
    assert covers(start, end, end)
    assert not covers(start, end, D(2024, 12, 31))
    assert not covers(start, end, D(2026, 1, 1))
    assert covers(start, None, D(2099, 1, 1))
    assert not covers(start, None, D(2024, 12, 31))


@dataclass(frozen=True)
class Rate:
    valid_from: dt.date
    valid_to: dt.date | None
    value: str


RATES = [
    Rate(D(2023, 1, 1), D(2023, 12, 31), "2023"),
    Rate(D(2024, 1, 1), None, "2024+"),
    Rate(D(2024, 7, 1), D(2024, 12, 31), "second half of 2024"),
]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2022, 12, 31), None),
        (D(2023, 1, 1), "2023"),
        (D(2023, 12, 31), "2023"),
        (D(2024, 1, 1), "2024+"),
        (D(2024, 7, 1), "second half of 2024"),  # overlapping: the one that started last wins
        (D(2024, 12, 31), "second half of 2024"),
        (D(2025, 1, 1), "2024+"),
    ],
)
def test_select_as_of(day: D, expected: str | None) -> None:
    chosen = select_as_of(RATES, day)
    assert (chosen.value if chosen else None) == expected


def test_select_as_of_on_nothing_is_none() -> None:
    assert select_as_of([], D(2025, 1, 1)) is None


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((D(2025, 1, 1), D(2025, 1, 31)), (D(2025, 1, 31), D(2025, 2, 28)), True),  # share one day
        ((D(2025, 1, 1), D(2025, 1, 31)), (D(2025, 2, 1), D(2025, 2, 28)), False),  # touch, no overlap
        ((D(2025, 1, 1), None), (D(2030, 1, 1), D(2030, 1, 2)), True),
        ((D(2025, 1, 1), None), (D(2020, 1, 1), D(2024, 12, 31)), False),
        ((D(2025, 1, 1), None), (D(2020, 1, 1), None), True),
        ((D(2025, 3, 1), D(2025, 3, 5)), (D(2025, 1, 1), D(2025, 12, 31)), True),  # contained
    ],
)
def test_overlaps_is_symmetric(a: tuple[D, D | None], b: tuple[D, D | None], expected: bool) -> None:
    assert overlaps(*a, *b) is expected
    assert overlaps(*b, *a) is expected


@given(
    start=st.dates(min_value=D(2000, 1, 1), max_value=D(2030, 1, 1)),
    length=st.one_of(st.none(), st.integers(min_value=0, max_value=400)),
    day=st.dates(min_value=D(1999, 1, 1), max_value=D(2032, 1, 1)),
)
def test_covers_agrees_with_overlaps_of_a_single_day(start: D, length: int | None, day: D) -> None:
    end = None if length is None else start + dt.timedelta(days=length)
    assert covers(start, end, day) == overlaps(start, end, day, day)


def test_working_days_skip_weekends_and_estonian_public_holidays() -> None:
    import datetime as dt

    from tugi.core.workdays import is_working_day, next_working_day, working_days_between

    assert not is_working_day(dt.date(2026, 2, 24))  # Independence Day, a Tuesday
    assert not is_working_day(dt.date(2026, 6, 23)) and not is_working_day(dt.date(2026, 6, 24))
    assert next_working_day(dt.date(2026, 4, 3)) == dt.date(2026, 4, 6)  # Good Friday → Monday after Easter
    assert next_working_day(dt.date(2026, 11, 23)) == dt.date(2026, 11, 23)
    assert working_days_between(dt.date(2026, 12, 23), dt.date(2026, 12, 31)) == 4  # 24–27 Dec off
