"""Filters of the overpayment list."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from tugi.core.filters import TugiFilterSet

from ..models import (
    OVERPAYMENT_OPEN,
    Overpayment,
    OverpaymentCause,
    OverpaymentSource,
    OverpaymentStatus,
    RecoveryMethod,
)


class OverpaymentFilter(TugiFilterSet):
    status = filters.ChoiceFilter(label=_("Status"), choices=OverpaymentStatus.choices)
    source = filters.ChoiceFilter(label=_("Detected from"), choices=OverpaymentSource.choices)
    cause = filters.ChoiceFilter(label=_("Cause"), choices=OverpaymentCause.choices)
    recovery_method = filters.ChoiceFilter(label=_("Recovery method"), choices=RecoveryMethod.choices)
    near_limitation = filters.BooleanFilter(method="near", label=_("Near limitation"))

    class Meta:
        model = Overpayment
        fields: list[str] = []

    def near(self, qs: Any, name: str, value: Any) -> Any:
        if not value:
            return qs
        from ..selectors_overpayments import limitation_warning_days

        today = dt.date.today()
        return qs.filter(
            status__in=OVERPAYMENT_OPEN,
            limitation_date__lte=today + dt.timedelta(days=limitation_warning_days(today)),
        )
