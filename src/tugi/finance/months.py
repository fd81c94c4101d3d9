"""Month arithmetic of the finance area: runs, periods and overpayments count in calendar months."""

from __future__ import annotations

import datetime as dt


def add_months(day: dt.date, count: int) -> dt.date:
    """The first day of the month ``count`` months after ``day``'s month (negative: before)."""
    index = day.year * 12 + day.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(day: dt.date) -> dt.date:
    """The last day of ``day``'s month."""
    return add_months(day, 1) - dt.timedelta(days=1)
