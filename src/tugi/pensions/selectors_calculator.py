"""What-if calculations for the calculator pages (nothing is stored, so nothing is audited).

``old_age`` computes one old-age pension's components (PENSIONS.md § 5) with the parameters in
force on a date or with a given base amount and year value. ``indexation_model`` proposes the new
base amount and year value for an index (PENSIONS.md § 7) with the register's own totals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import ParameterName
from .selectors_parameters import parameters

if TYPE_CHECKING:
    from tugi.engine.parameters import ParamValue


@dataclass
class OldAgeResult:
    breakdown: Any  # tugi.engine.rules.AmountBreakdown
    base_amount: Decimal
    year_value: Decimal
    on: dt.date | None
    used: list[ParamValue]  # the parameter values behind base amount and year value (with a date)


def _entry(name: str, on: dt.date, field: str) -> ParamValue:
    from tugi.engine.parameters import ParameterMissing

    try:
        return parameters().entry(name, on)
    except ParameterMissing:
        labels = dict(ParameterName.choices)
        raise ValidationError(
            {
                field: _("No %(name)s is recorded for %(date)s.")
                % {"name": labels[name], "date": on.strftime("%d.%m.%Y")}
            }
        ) from None


def old_age(
    *,
    on: dt.date | None,
    base_amount: Decimal | None,
    year_value: Decimal | None,
    service_years: Decimal,
    insurance_shares: Decimal = Decimal(0),
    joint_shares: Decimal = Decimal(0),
    adjustment_factor: Decimal = Decimal(1),
) -> OldAgeResult:
    """One old-age pension: with the parameters in force on ``on`` or the given base / year value."""
    from tugi.engine.rules import old_age_amount

    used: list[ParamValue] = []
    if base_amount is None or year_value is None:
        if on is None:
            raise ValidationError({"on": _("Give a date, or a base amount and a year value.")})
        base_entry = _entry(ParameterName.BASE_AMOUNT, on, "on")
        value_entry = _entry(ParameterName.YEAR_VALUE, on, "on")
        used = [base_entry, value_entry]
        base_amount, year_value = base_entry.value, value_entry.value
    breakdown = old_age_amount(
        base_amount=base_amount,
        year_value=year_value,
        service_years=service_years,
        insurance_shares=insurance_shares,
        joint_shares=joint_shares,
        adjustment_factor=adjustment_factor,
    )
    return OldAgeResult(breakdown=breakdown, base_amount=base_amount, year_value=year_value, on=on, used=used)


@dataclass
class IndexationModel:
    on: dt.date
    index: Decimal
    base_amount: Decimal  # before indexation
    year_value: Decimal
    extra_base: Decimal
    pensions: int  # in payment on the date (0 when the totals were given)
    total_base: Decimal  # TB
    total_years: Decimal  # TS
    ratio: Decimal | None  # TB / (TS × year value), the check of PENSIONS.md § 7
    proposal: Any  # tugi.engine.pensions_calc.IndexationProposal
    totals_from_register: bool
    used: list[ParamValue]


def indexation_model(
    *,
    on: dt.date,
    index: Decimal,
    base_amount: Decimal | None = None,
    year_value: Decimal | None = None,
    extra_base: Decimal | None = None,
    total_base: Decimal | None = None,
    total_years: Decimal | None = None,
) -> IndexationModel:
    """The indexation proposal for ``index`` on ``on``: base amount and year value in force the day
    before, the extraordinary increase recorded for that date (unless given), and the register's
    totals of the pensions in payment on the date (unless both totals are given)."""
    from tugi.engine.pensions_calc import indexation_proposal, register_totals

    used: list[ParamValue] = []
    day_before = on - dt.timedelta(days=1)
    if base_amount is None:
        entry = _entry(ParameterName.BASE_AMOUNT, day_before, "on")
        used.append(entry)
        base_amount = entry.value
    if year_value is None:
        entry = _entry(ParameterName.YEAR_VALUE, day_before, "on")
        used.append(entry)
        year_value = entry.value
    if extra_base is None:
        extra_base = Decimal(0)
        for entry in parameters().entries(ParameterName.EXTRA_BASE_INCREASE):
            if entry.valid_from == on:
                extra_base = entry.value
                used.append(entry)
    pensions = 0
    from_register = total_base is None or total_years is None
    if from_register:
        from .selectors_register import pensions_table

        table = pensions_table(on)
        pensions = table.num_rows
        total_base, total_years = register_totals(table, base_amount=base_amount)
    assert total_base is not None and total_years is not None
    if not total_years:
        raise ValidationError(
            {
                "total_years": _(
                    "The register has no pensions in payment on %(date)s: give the total base amounts "
                    "and the total years and shares yourself."
                )
                % {"date": on.strftime("%d.%m.%Y")}
            }
        )
    proposal = indexation_proposal(
        base_amount=base_amount,
        year_value=year_value,
        index=index,
        total_base=total_base,
        total_years=total_years,
        extra_base=extra_base,
    )
    ratio = None
    if total_years and year_value:
        ratio = (Decimal(total_base) / (Decimal(total_years) * year_value)).quantize(Decimal("0.0001"))
    return IndexationModel(
        on=on,
        index=index,
        base_amount=base_amount,
        year_value=year_value,
        extra_base=extra_base,
        pensions=pensions,
        total_base=Decimal(total_base),
        total_years=Decimal(total_years),
        ratio=ratio,
        proposal=proposal,
        totals_from_register=from_register,
        used=used,
    )
