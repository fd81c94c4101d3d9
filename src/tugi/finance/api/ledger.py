"""The finance API: the journal and the monthly trial balance.

No ``from __future__ import annotations``: django-ninja resolves the annotations at import."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router

from tugi.core.permissions import require

from .. import selectors_ledger as selectors
from ..models import EntryKind

router = Router(tags=["finance"])


@router.get("/ledger/entries", response=list[dict[str, Any]], summary="Journal entries (by period and kind)")
def entries_list(request: HttpRequest, period: str = "", kind: str = "") -> Any:
    require(request.user, "finance.view_journalentry")
    qs = selectors.entries().prefetch_related("lines").order_by("number")
    if period:
        qs = qs.filter(period=selectors.parse_period(period))
    if kind:
        if kind not in EntryKind.values:
            raise ValidationError({"kind": f"Unknown kind {kind}."})
        qs = qs.filter(kind=kind)
    return [selectors.entry_json(e) for e in qs[:1000]]


@router.get(
    "/ledger/trial-balance", response=dict[str, Any], summary="Trial balance (saldoandmik) of a month"
)
def trial_balance(request: HttpRequest, period: str = "") -> Any:
    require(request.user, "finance.view_journalentry")
    month = selectors.parse_period(period)
    rows = selectors.trial_balance(month)
    totals = selectors.trial_balance_totals(month, rows)
    return {
        "period": f"{month:%Y-%m}",
        "due": selectors.due_date(month).isoformat(),
        "closed": selectors.is_closed(month),
        "rows": [r.as_dict() for r in rows],
        "totals": {k: (f"{v:.2f}" if k != "rows" else int(v)) for k, v in totals.items()},
    }
