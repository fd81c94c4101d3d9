"""What differs between benefit kinds when they are paid: the day of the month (SKA: pensions on
the 5th, family benefits on the 8th, other benefits on the 12th) and the ISO 20022 purpose code.
A payment day on a weekend or an Estonian public holiday moves to the next working day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tugi.core.workdays import next_working_day

from .models import Benefit


@dataclass(frozen=True)
class BenefitRules:
    payment_day: int
    purpose: str


RULES: dict[str, BenefitRules] = {
    Benefit.PENSION: BenefitRules(payment_day=5, purpose="PENS"),
    Benefit.FAMILY: BenefitRules(payment_day=8, purpose="BECH"),
    Benefit.OTHER: BenefitRules(payment_day=12, purpose="SSBE"),
}


def payment_date(benefit: str, month: dt.date) -> dt.date:
    """The day ``benefit`` for ``month`` is paid: its day of that month, or the next working day."""
    return next_working_day(month.replace(day=RULES[benefit].payment_day))


def purpose_code(benefit: str) -> str:
    return RULES[benefit].purpose
