"""Validity periods: ``valid_from`` up to and including ``valid_to`` (``None`` = open-ended).

Pure Python helpers shared by every app that keeps dated values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol, TypeVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class Dated(Protocol):
    valid_from: dt.date
    valid_to: dt.date | None


D = TypeVar("D", bound=Dated)


def check_period(valid_from: dt.date | None, valid_to: dt.date | None) -> None:
    """Refuse a period that ends before it starts."""
    if valid_from and valid_to and valid_to < valid_from:
        raise ValidationError({"valid_to": _("The end of validity cannot be before its start.")})


def covers(valid_from: dt.date, valid_to: dt.date | None, day: dt.date) -> bool:
    return valid_from <= day and (valid_to is None or day <= valid_to)


def select_as_of(values: Iterable[D], day: dt.date) -> D | None:
    """The value valid on ``day``; where periods overlap, the one that started last wins."""
    candidates = [v for v in values if covers(v.valid_from, v.valid_to, day)]
    if not candidates:
        return None
    return max(candidates, key=lambda v: v.valid_from)


def overlaps(a_from: dt.date, a_to: dt.date | None, b_from: dt.date, b_to: dt.date | None) -> bool:
    return (a_to is None or b_from <= a_to) and (b_to is None or a_from <= b_to)
