"""Estonian working days: weekends and public holidays (rahvus- ja riigipühad) are not working days.

The holidays come from the maintained ``holidays`` package (country ``EE``: the Public Holidays and
Days of National Importance Act, incl. Good Friday, Easter Sunday and Pentecost), so a change of the
law arrives with a package update, not with a code hunt.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def estonian_holidays(year: int) -> frozenset[dt.date]:
    """The Estonian public holidays of ``year``."""
    return frozenset(holidays.country_holidays("EE", years=year).keys())


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in estonian_holidays(day.year)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    count = 0
    day = start + dt.timedelta(days=1)
    while day <= end:
        count += is_working_day(day)
        day += dt.timedelta(days=1)
    return count


def next_working_day(day: dt.date) -> dt.date:
    """``day`` itself if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day
