"""Forms of the pension calculator and the indexation modelling page (GET forms, nothing stored)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tugi.core.forms import TugiForm, date_input


def _decimal(label: Any, *, required: bool = False, places: int = 6, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(label=label, required=required, max_digits=18, decimal_places=places, **kwargs)


class CalculatorForm(TugiForm):
    on = forms.DateField(
        label=_("Date"),
        required=False,
        widget=date_input(),
        help_text=_("The base amount and year value in force on this date are used."),
    )
    base_amount = _decimal(
        _("Base amount"), min_value=Decimal(0), help_text=_("Or give your own, with a year value.")
    )
    year_value = _decimal(_("Year value"), min_value=Decimal(0))
    service_years = _decimal(
        _("Years of service before 1999"),
        required=True,
        places=2,
        min_value=Decimal(0),
        max_value=Decimal(80),
    )
    insurance_shares = _decimal(
        _("Insurance shares 1999–2020"), places=3, min_value=Decimal(0), initial=Decimal(0)
    )
    joint_shares = _decimal(_("Joint shares from 2021"), places=3, min_value=Decimal(0), initial=Decimal(0))
    adjustment_factor = _decimal(
        _("Adjustment factor"),
        min_value=Decimal("0.000001"),
        initial=Decimal(1),
        help_text=_("1 unless the pension was taken early or deferred."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        own = [data.get("base_amount"), data.get("year_value")]
        if any(v is not None for v in own):
            if data.get("base_amount") is None:
                self.add_error("base_amount", _("Give the base amount too, or clear the year value."))
            if data.get("year_value") is None:
                self.add_error("year_value", _("Give the year value too, or clear the base amount."))
            if data.get("on"):
                self.add_error(
                    "on", _("Give either a date or your own base amount and year value, not both.")
                )
        elif not data.get("on") and "on" not in self.errors:
            self.add_error("on", _("Give a date, or a base amount and a year value."))
        for name, default in (("insurance_shares", 0), ("joint_shares", 0), ("adjustment_factor", 1)):
            if data.get(name) is None and name not in self.errors:
                data[name] = Decimal(default)
        return data


def next_first_of_april(today: dt.date | None = None) -> dt.date:
    today = today or dt.date.today()
    this_year = dt.date(today.year, 4, 1)
    return this_year if today <= this_year else dt.date(today.year + 1, 4, 1)


class IndexationForm(TugiForm):
    on = forms.DateField(label=_("Indexation date"), widget=date_input(), help_text=_("Usually 1 April."))
    index = _decimal(
        _("Pension index"), required=True, places=4, min_value=Decimal("0.0001"), help_text=_("e.g. 1.079")
    )
    extra_base = _decimal(
        _("Extraordinary base increase"),
        places=4,
        min_value=Decimal(0),
        help_text=_("Empty: the increase recorded for the date, if any."),
    )
    base_amount = _decimal(
        _("Base amount before indexation"),
        min_value=Decimal(0),
        help_text=_("Empty: the value in force the day before."),
    )
    year_value = _decimal(
        _("Year value before indexation"),
        min_value=Decimal(0),
        help_text=_("Empty: the value in force the day before."),
    )
    total_base = _decimal(
        _("Total of base amounts (TB)"),
        places=2,
        min_value=Decimal(0),
        help_text=_("Empty: from the register."),
    )
    total_years = _decimal(
        _("Total of years and shares (TS)"),
        places=3,
        min_value=Decimal(0),
        help_text=_("Empty: from the register."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [data.get("total_base") is not None, data.get("total_years") is not None]
        if any(given) and not all(given):
            field = "total_years" if given[0] else "total_base"
            self.add_error(field, _("Give both totals, or neither to use the register's."))
        return data
