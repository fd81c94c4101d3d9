"""Reads of the sub-ledger: the journal, one entry, the monthly trial balance (saldoandmik) and
account balances the reports reconcile with."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum

from tugi.core.money import summed

from .models import EntryKind, JournalEntry, JournalLine, LedgerAccount, PeriodClose
from .months import add_months
from .months import parse_period as parse_period

ZERO = Decimal("0.00")


def due_date(period: dt.date) -> dt.date:
    """The trial balance of a month goes to RTK by the 25th of the next month."""
    return add_months(period, 1).replace(day=25)


def entries() -> QuerySet[JournalEntry]:
    return JournalEntry.objects.select_related("created_by", "reverses").annotate(total=Sum("lines__debit"))


def entry_get(pk: Any) -> JournalEntry:
    return JournalEntry.objects.select_related("created_by", "reverses").get(pk=pk)


def entry_reversal(entry: JournalEntry) -> JournalEntry | None:
    return JournalEntry.objects.filter(reverses=entry).first()


def can_reverse(entry: JournalEntry) -> bool:
    return entry.kind != EntryKind.REVERSAL and entry_reversal(entry) is None


_SOURCE_PAGES = {
    "finance.paymentrun": "finance:run_detail",
    "finance.overpayment": "finance:overpayment_detail",
}


def source_url(entry: JournalEntry) -> str:
    """The page of the object the entry was posted for, where it has one."""
    from django.urls import NoReverseMatch, reverse

    name = _SOURCE_PAGES.get(entry.source_type)
    if entry.source_type == "finance.recovery" and entry.source_id:
        from .models import Recovery

        op_id = Recovery.objects.filter(pk=entry.source_id).values_list("overpayment_id", flat=True).first()
        name, source_id = "finance:overpayment_detail", str(op_id or "")
    else:
        source_id = entry.source_id
    if not name or not source_id:
        return ""
    try:
        return reverse(name, args=[source_id])
    except NoReverseMatch:
        return ""


def closed_periods() -> list[PeriodClose]:
    return list(PeriodClose.objects.select_related("closed_by").order_by("-period"))


def is_closed(period: dt.date) -> bool:
    return PeriodClose.objects.filter(period=period.replace(day=1)).exists()


@dataclass
class Row:
    """One trial balance row: the dimensions, the opening balance, the month's turnover and the
    closing balance (debit positive)."""

    account: str
    partner: str
    activity: str
    source: str
    cash_flow: str
    opening: Decimal
    debit: Decimal
    credit: Decimal

    @property
    def closing(self) -> Decimal:
        return self.opening + self.debit - self.credit

    @property
    def closing_debit(self) -> Decimal:
        return self.closing if self.closing > 0 else ZERO

    @property
    def closing_credit(self) -> Decimal:
        return -self.closing if self.closing < 0 else ZERO

    def as_dict(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "partner": self.partner,
            "activity": self.activity,
            "source": self.source,
            "cash_flow": self.cash_flow,
            "opening": f"{self.opening:.2f}",
            "debit": f"{self.debit:.2f}",
            "credit": f"{self.credit:.2f}",
            "closing_debit": f"{self.closing_debit:.2f}",
            "closing_credit": f"{self.closing_credit:.2f}",
        }


DIMENSIONS = ("account", "partner", "activity", "source", "cash_flow")


def trial_balance(period: dt.date) -> list[Row]:
    """Per (account, partner, activity, source, cash-flow): the balance before ``period``, the
    month's debit and credit turnover and the closing balance at its end."""
    period = period.replace(day=1)
    rows: dict[tuple[str, ...], Row] = {}
    grouped = (
        JournalLine.objects.filter(entry__period__lte=period)
        .values(*DIMENSIONS)
        .annotate(
            before_d=Sum("debit", filter=Q(entry__period__lt=period)),
            before_c=Sum("credit", filter=Q(entry__period__lt=period)),
            d=Sum("debit", filter=Q(entry__period=period)),
            c=Sum("credit", filter=Q(entry__period=period)),
        )
        .order_by(*DIMENSIONS)
    )
    for g in grouped:
        key = tuple(g[d] for d in DIMENSIONS)
        row = Row(
            account=key[0],
            partner=key[1],
            activity=key[2],
            source=key[3],
            cash_flow=key[4],
            opening=summed(g["before_d"]) - summed(g["before_c"]),
            debit=summed(g["d"]),
            credit=summed(g["c"]),
        )
        if row.opening or row.debit or row.credit:
            rows[key] = row
    return list(rows.values())


def trial_balance_totals(period: dt.date, rows: list[Row] | None = None) -> dict[str, Decimal]:
    rows = trial_balance(period) if rows is None else rows
    return {
        "debit": sum((r.debit for r in rows), ZERO),
        "credit": sum((r.credit for r in rows), ZERO),
        "closing_debit": sum((r.closing_debit for r in rows), ZERO),
        "closing_credit": sum((r.closing_credit for r in rows), ZERO),
        "rows": Decimal(len(rows)),
    }


#: The CSV header of the saldoandmik file (annex 6 order, then the amounts).
SALDO_HEADER = [
    "account",
    "partner",
    "activity",
    "source",
    "cash_flow",
    "opening",
    "debit",
    "credit",
    "closing_debit",
    "closing_credit",
]


def saldoandmik_rows(period: dt.date) -> list[list[str]]:
    """The header and one line per trial balance row, amounts with a dot and two decimals."""
    return [SALDO_HEADER, *([r.as_dict()[k] for k in SALDO_HEADER] for r in trial_balance(period))]


def role_code(role: str) -> str:
    account = LedgerAccount.objects.filter(role=role).first()
    if account is not None:
        return account.code
    from .services.ledger import chart

    return next(str(a["code"]) for a in chart()["accounts"] if a["role"] == role)


def account_balance(role: str, *, upto: dt.date | None = None, by: str = "posted_on") -> Decimal:
    """Debit minus credit of the account of ``role``; ``upto`` a posting date (inclusive)."""
    qs = JournalLine.objects.filter(account=role_code(role))
    if upto is not None:
        qs = qs.filter(**{f"entry__{by}__lte": upto})
    s = qs.aggregate(d=Sum("debit"), c=Sum("credit"))
    return summed(s["d"]) - summed(s["c"])


def overpayment_ledger_balances(upto: dt.date | None = None) -> dict[int, Decimal]:
    """Receivable balance per overpayment from the journal."""
    qs = JournalLine.objects.filter(account=role_code("overpayment_receivable"), overpayment__isnull=False)
    if upto is not None:
        qs = qs.filter(entry__posted_on__lte=upto)
    out: dict[int, Decimal] = {}
    for r in qs.values("overpayment_id").annotate(d=Sum("debit"), c=Sum("credit")):
        out[r["overpayment_id"]] = summed(r["d"]) - summed(r["c"])
    return out


def entry_json(e: JournalEntry) -> dict[str, Any]:
    return {
        "id": e.pk,
        "number": e.number,
        "kind": e.kind,
        "posted_on": e.posted_on.isoformat(),
        "period": f"{e.period:%Y-%m}",
        "memo": e.memo,
        "source_type": e.source_type,
        "source_id": e.source_id,
        "reverses": e.reverses.number if e.reverses_id and e.reverses else None,
        "lines": [
            {
                "account": line.account,
                "partner": line.partner,
                "activity": line.activity,
                "source": line.source,
                "cash_flow": line.cash_flow,
                "budget_line": line.budget_line,
                "benefit_type": line.benefit_type,
                "debit": f"{line.debit:.2f}",
                "credit": f"{line.credit:.2f}",
                "overpayment": line.overpayment_id,
            }
            for line in e.lines.all()
        ],
    }
