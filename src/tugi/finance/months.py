"""Month arithmetic of the finance area: runs, periods and overpayments count in calendar months."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def add_months(day: dt.date, count: int) -> dt.date:
    """The first day of the month ``count`` months after ``day``'s month (negative: before)."""
    index = day.year * 12 + day.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(day: dt.date) -> dt.date:
    """The last day of ``day``'s month."""
    return add_months(day, 1) - dt.timedelta(days=1)


def parse_period(value: str, field: str = "period") -> dt.date:
    """``YYYY-MM`` → the first day of that month; anything else is refused naming ``field``."""
    match = _MONTH.match((value or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValidationError({field: _("Give the month as YYYY-MM.")})
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def month_first(month: Any, field: str = "month") -> dt.date:
    """``month`` (a date, "YYYY-MM" or "YYYY-MM-DD") as the first day of that month."""
    if isinstance(month, dt.datetime):
        month = month.date()
    if isinstance(month, dt.date):
        return month.replace(day=1)
    text = str(month or "").strip()
    if len(text) != 10:
        return parse_period(text, field)
    try:
        return dt.date.fromisoformat(text).replace(day=1)
    except ValueError:
        raise ValidationError({field: _("Give the month as YYYY-MM.")}) from None
