"""The Estonian payment reference number (viitenumber), 7-3-1 method (Pangaliit): the base's digits
from the rightmost are weighted 7, 3, 1, 7, 3, 1, …; the check digit (10 − sum mod 10) mod 10 is
appended. Base 1 to 19 digits, so a reference number has 2 to 20."""

from __future__ import annotations

WEIGHTS = (7, 3, 1)


class ReferenceError_(ValueError):
    """Not a valid Estonian reference number (or base)."""


def check_digit(base: str) -> str:
    if not base.isdigit() or not 1 <= len(base) <= 19 or not base.isascii():
        raise ReferenceError_(f"a reference number base is 1 to 19 digits, not {base!r}")
    total = sum(int(d) * WEIGHTS[i % 3] for i, d in enumerate(reversed(base)))
    return str((10 - total % 10) % 10)


def make_reference(base: int | str) -> str:
    """``1234`` → ``"12344"``."""
    text = str(base)
    return text + check_digit(text)


def is_valid_reference(value: str) -> bool:
    text = (value or "").replace(" ", "")
    if not (text.isdigit() and text.isascii() and 2 <= len(text) <= 20):
        return False
    return check_digit(text[:-1]) == text[-1]
