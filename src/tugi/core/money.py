"""Money and rounding: the one place where Tugi rounds.

Amounts are ``Decimal`` built from strings or integers, never from floats. Every rounding is
half-up (EU regulation 1103/97 art. 5), unlike Python's default half-even.
Pure Python: the calculation engine may use it too.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
NBSP = "\u00a0"


class MoneyError(ValueError):
    """A value that cannot be an exact amount."""


def to_decimal(value: str | int | Decimal) -> Decimal:
    """An exact Decimal from a string, an int or a Decimal; floats are refused."""
    if isinstance(value, bool | float):
        raise MoneyError(f"{value!r} is a binary float; give the amount as a string")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace(" ", "")
        if not text:
            raise MoneyError("empty amount")
        try:
            result = Decimal(text)
        except InvalidOperation as exc:
            raise MoneyError(f"{value!r} is not a number") from exc
    else:
        raise MoneyError(f"{value!r} is not an amount")
    if not result.is_finite():
        raise MoneyError(f"{value!r} is not a finite number")
    return result


def round_half_up(value: Decimal | int | str, places: int) -> Decimal:
    """Round to ``places`` decimals, halves away from zero (0.0005 -> 0.001)."""
    exponent = Decimal(1).scaleb(-places)
    return to_decimal(value).quantize(exponent, rounding=ROUND_HALF_UP)


def round_cents(value: Decimal | int | str) -> Decimal:
    """Round an amount to cents, half-up."""
    return round_half_up(value, 2)


def summed(value: Decimal | None) -> Decimal:
    """A database ``SUM`` of amounts as exact cents: ``None`` (no rows) is 0.00, and the total is
    rounded half-up to cents because SQLite adds decimals as binary floats."""
    return round_cents(value if value is not None else Decimal(0))


def format_eur(value: Decimal) -> str:
    """Estonian display: space as thousands separator, comma as decimal mark, euro sign after."""
    rounded = round_cents(value)
    sign = "-" if rounded < 0 else ""
    whole, _, frac = f"{abs(rounded):.2f}".partition(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{NBSP.join(groups)},{frac}{NBSP}€"
