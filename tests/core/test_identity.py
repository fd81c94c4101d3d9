"""The Estonian personal code: validation with a field-named error, birth date and sex."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from tugi.core.identity import birth_date, clean_personal_code, make_code, sex

VALID = "38001010009"  # a man born 1 January 1980, serial 000


def _error_of(value: object) -> tuple[str | None, str]:
    """(error code, message) of the one error on ``personal_code``."""
    with pytest.raises(ValidationError) as info:
        clean_personal_code(value)
    assert list(info.value.error_dict) == ["personal_code"]
    (error,) = info.value.error_dict["personal_code"]
    (message,) = error.messages
    assert message
    return error.code, message


def test_accepts_a_valid_code_and_returns_it_compact() -> None:
    assert clean_personal_code(VALID) == VALID
    assert clean_personal_code(" 380 0101 0009 ") == VALID


@pytest.mark.parametrize(
    ("birth", "letter", "serial"),
    [
        (dt.date(1980, 1, 1), "M", 0),
        (dt.date(1961, 5, 17), "F", 123),
        (dt.date(1899, 12, 31), "F", 999),
        (dt.date(2004, 2, 29), "M", 42),
        (dt.date(2024, 12, 31), "F", 7),
    ],
)
def test_accepts_codes_built_by_make_code(birth: dt.date, letter: str, serial: int) -> None:
    code = make_code(birth, letter, serial)
    assert clean_personal_code(code) == code


def test_make_code_builds_the_known_example() -> None:
    assert make_code(dt.date(1980, 1, 1), "M", 0) == VALID


@pytest.mark.parametrize("value", ["3800101000", "380010100091", "3"])
def test_rejects_a_wrong_length(value: str) -> None:
    code, message = _error_of(value)
    assert code == "invalid_length"
    assert "11" in message and str(len(value)) in message


@pytest.mark.parametrize("value", ["3800101000a", "38001-10009", "3800101000O"])
def test_rejects_non_digits(value: str) -> None:
    assert _error_of(value)[0] == "invalid_format"


def test_rejects_a_wrong_check_digit() -> None:
    assert _error_of("38001010008")[0] == "invalid_checksum"


@pytest.mark.parametrize(
    "base",
    [
        "3801301000",  # month 13
        "3800230000",  # 30 February
        "9800101000",  # century digit 9
        "3810229000",  # 29 February 1981 (not a leap year)
    ],
)
def test_rejects_an_invalid_date(base: str) -> None:
    from stdnum.ee import ik

    code = base + ik.calc_check_digit(base + "0")  # the checksum is right, only the date is wrong
    assert _error_of(code)[0] == "invalid_date"


@pytest.mark.parametrize("value", ["", "   ", None])
def test_requires_a_value(value: object) -> None:
    assert _error_of(value)[0] == "required"


def test_error_names_the_field_the_caller_asks_for() -> None:
    with pytest.raises(ValidationError) as info:
        clean_personal_code("123", field="code")
    assert list(info.value.message_dict) == ["code"]


def test_birth_date_and_sex_come_from_the_code() -> None:
    assert birth_date(VALID) == dt.date(1980, 1, 1)
    assert sex(VALID) == "M"
    woman = make_code(dt.date(1961, 5, 17), "F", 123)
    assert (birth_date(woman), sex(woman)) == (dt.date(1961, 5, 17), "F")
    assert birth_date(make_code(dt.date(2010, 7, 4), "M", 1)) == dt.date(2010, 7, 4)
    assert birth_date(make_code(dt.date(1850, 3, 9), "F", 1)) == dt.date(1850, 3, 9)


@given(
    born=st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2199, 12, 31)),
    letter=st.sampled_from("MF"),
    serial=st.integers(min_value=0, max_value=999),
)
def test_make_code_is_always_valid_and_round_trips(born: dt.date, letter: str, serial: int) -> None:
    code = make_code(born, letter, serial)
    assert len(code) == 11
    assert clean_personal_code(code) == code
    assert birth_date(code) == born
    assert sex(code) == letter


@given(
    born=st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2199, 12, 31)),
    serial=st.integers(min_value=0, max_value=999),
    wrong=st.integers(min_value=1, max_value=9),
)
def test_any_other_check_digit_is_rejected(born: dt.date, serial: int, wrong: int) -> None:
    code = make_code(born, "F", serial)
    other = code[:10] + str((int(code[10]) + wrong) % 10)
    assert _error_of(other)[0] == "invalid_checksum"
