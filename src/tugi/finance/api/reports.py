"""The finance API: the financial reports with their totals and reconciliation with the ledger.

No ``from __future__ import annotations``: django-ninja resolves the annotations at import."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from tugi.core.permissions import require

from .. import selectors_reports as selectors

router = Router(tags=["finance"])


class PeriodIn(Schema):
    start: str = Field("", alias="from")
    end: str = Field("", alias="to")


@router.get("/reports/{name}", response=dict[str, Any], summary="A financial report for from–to months")
def report_get(request: HttpRequest, name: str, period: Query[PeriodIn]) -> Any:
    require(request.user, "finance.view_journalentry")
    if name not in selectors.REPORTS:
        raise ValidationError({"name": f"Unknown report {name}; one of {', '.join(selectors.REPORTS)}."})
    start, end = selectors.report_period(period.start or None, period.end or None)
    return selectors.report(name, start, end).as_json()
