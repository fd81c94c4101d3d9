"""The financial reports: payments by benefit type, month and budget line; returns by reason;
overpayment receivables by age; overpayments new, recovered, waived and written off by cause.
Each report carries its totals and a reconciliation with the sub-ledger."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tugi.core.money import summed

from .models import (
    BankEvent,
    BankEventKind,
    EntryKind,
    JournalLine,
    LineStatus,
    Overpayment,
    PaymentLine,
    Recovery,
    RecoveryKind,
    RunStatus,
)
from .months import month_end
from .selectors_ledger import account_balance, parse_period, role_code

ZERO = Decimal("0.00")

REPORTS: dict[str, Any] = {
    "payments": gettext_lazy("Payments by benefit type"),
    "returns": gettext_lazy("Returns by reason"),
    "ageing": gettext_lazy("Overpayment receivables by age"),
    "overpayments": gettext_lazy("Overpayments by cause"),
}

TOTAL_LABELS: dict[str, Any] = {
    "gross": gettext_lazy("Gross"),
    "deduction": gettext_lazy("Deduction"),
    "net": gettext_lazy("Net"),
    "count": gettext_lazy("Count"),
    "amount": gettext_lazy("Amount"),
    "balance": gettext_lazy("Balance"),
    "new": gettext_lazy("New"),
    "recovered": gettext_lazy("Recovered"),
    "waived": gettext_lazy("Waived"),
    "written_off": gettext_lazy("Written off"),
}

#: (label, lowest age in days, highest age in days or None)
AGE_BUCKETS: list[tuple[str, int, int | None]] = [
    ("0–30", 0, 30),
    ("31–90", 31, 90),
    ("91–365", 91, 365),
    ("> 365", 366, None),
]


@dataclass
class Report:
    name: str
    title: str
    header: list[str]
    rows: list[list[Any]]
    totals: dict[str, Decimal]
    #: what the report says and what the ledger says, per compared total
    checks: list[dict[str, Any]] = field(default_factory=list)
    #: (label, value) for the chart
    chart: list[tuple[str, Decimal]] = field(default_factory=list)

    @property
    def reconciles(self) -> bool:
        return all(c["difference"] == 0 for c in self.checks)

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "header": self.header,
            "rows": [[_plain(v) for v in row] for row in self.rows],
            "totals": {k: _plain(v) for k, v in self.totals.items()},
            "reconciles": self.reconciles,
            "checks": [{k: _plain(v) for k, v in c.items()} for c in self.checks],
        }


def _plain(v: Any) -> Any:
    if isinstance(v, Decimal):
        return f"{v:.2f}"
    if isinstance(v, dt.date):
        return v.isoformat()
    return v if v is None or isinstance(v, int | float | bool) else str(v)


def _check(label: str, report: Decimal, ledger: Decimal) -> dict[str, Any]:
    return {"label": label, "report": report, "ledger": ledger, "difference": report - ledger}


def _ledger(
    role: str, side: str, kinds: Sequence[str], start: dt.date, end: dt.date, **extra: Any
) -> Decimal:
    """The sum of ``side`` (debit/credit) on ``role``'s account in entries of ``kinds`` whose
    period is within ``start``–``end`` (months)."""
    qs = JournalLine.objects.filter(
        account=role_code(role),
        entry__kind__in=kinds,
        entry__period__gte=start,
        entry__period__lte=end,
        **extra,
    )
    return summed(qs.aggregate(s=Sum(side))["s"])


def _chart(groups: dict[Any, Decimal]) -> list[tuple[str, Decimal]]:
    return [(f"{k:%Y-%m}" if isinstance(k, dt.date) else str(k), v) for k, v in sorted(groups.items())]


def payments_report(start: dt.date, end: dt.date) -> Report:
    """(a) Paid lines of released runs for the months paid for: gross, deduction, net, count."""
    lines = PaymentLine.objects.filter(
        run__status=RunStatus.RELEASED, status=LineStatus.PAY, run__month__gte=start, run__month__lte=end
    )
    grouped = (
        lines.values("benefit_type", "run__month", "budget_line")
        .annotate(gross=Sum("gross"), deduction=Sum("deduction"), net=Sum("net"), n=Count("id"))
        .order_by("run__month", "benefit_type", "budget_line")
    )
    rows, by_month = [], defaultdict[Any, Decimal](lambda: ZERO)
    totals = {"gross": ZERO, "deduction": ZERO, "net": ZERO, "count": Decimal(0)}
    for g in grouped:
        gross, deduction, net = summed(g["gross"]), summed(g["deduction"]), summed(g["net"])
        rows.append(
            [f"{g['run__month']:%Y-%m}", g["benefit_type"], g["budget_line"], gross, deduction, net, g["n"]]
        )
        by_month[g["run__month"]] += gross
        totals["gross"] += gross
        totals["deduction"] += deduction
        totals["net"] += net
        totals["count"] += g["n"]
    accrual = [EntryKind.ACCRUAL]
    checks = [
        _check(
            _("Gross = accrual expense debits"),
            totals["gross"],
            _ledger("benefit_expense", "debit", accrual, start, end),
        ),
        _check(
            _("Net = payment bank credits"),
            totals["net"],
            _ledger("bank", "credit", [EntryKind.PAYMENT], start, end),
        ),
    ]
    header = [
        _("Month"),
        _("Benefit type"),
        _("Budget line"),
        _("Gross"),
        _("Deduction"),
        _("Net"),
        _("Count"),
    ]
    return Report("payments", str(REPORTS["payments"]), header, rows, totals, checks, _chart(by_month))


def returns_report(start: dt.date, end: dt.date) -> Report:
    """(b) Returned and rejected payments by reason and month (booking date): count and sum."""
    events = BankEvent.objects.filter(
        kind__in=[BankEventKind.RETURN, BankEventKind.REJECTED],
        booked_on__gte=start,
        booked_on__lte=month_end(end),
        line__isnull=False,
    )
    grouped = (
        events.annotate(month=TruncMonth("booked_on"))
        .values("month", "reason_code")
        .annotate(n=Count("id"), total=Sum("amount"))
        .order_by("month", "reason_code")
    )
    rows, by_reason = [], defaultdict[Any, Decimal](lambda: ZERO)
    totals = {"count": Decimal(0), "amount": ZERO}
    for g in grouped:
        month = g["month"].date() if isinstance(g["month"], dt.datetime) else g["month"]
        amount = summed(g["total"])
        rows.append([f"{month:%Y-%m}", g["reason_code"], g["n"], amount])
        by_reason[g["reason_code"] or "—"] += amount
        totals["count"] += g["n"]
        totals["amount"] += amount
    checks = [
        _check(
            _("Returns = return bank debits"),
            totals["amount"],
            _ledger("bank", "debit", [EntryKind.RETURN], start, end),
        ),
    ]
    header = [_("Month"), _("Reason"), _("Count"), _("Amount")]
    return Report("returns", str(REPORTS["returns"]), header, rows, totals, checks, _chart(by_reason))


def _month(value: dt.date | None) -> dt.date:
    assert value is not None
    return value.replace(day=1)


def _age_from(op: Overpayment) -> dt.date:
    return op.decided_on or op.notified_on or op.detected_on


def ageing_report(at: dt.date) -> Report:
    """(c) The balance of each decided overpayment at ``at`` by days since the decision."""
    decided = Overpayment.objects.filter(decided_amount__isnull=False, decided_on__lte=at)
    recovered = dict(
        Recovery.objects.filter(on__lte=at, overpayment__in=decided)
        .values("overpayment_id")
        .annotate(s=Sum("amount"))
        .values_list("overpayment_id", "s")
    )
    buckets: dict[str, list[Any]] = {label: [0, ZERO] for label, _lo, _hi in AGE_BUCKETS}
    for op in decided:
        balance = (op.decided_amount or ZERO) - summed(recovered.get(op.pk))
        if balance == 0:
            continue
        age = (at - _age_from(op)).days
        for label, lo, hi in AGE_BUCKETS:
            if age >= lo and (hi is None or age <= hi):
                buckets[label][0] += 1
                buckets[label][1] += balance
                break
    rows = [[label, n, amount] for label, (n, amount) in buckets.items()]
    totals = {"count": Decimal(sum(r[1] for r in rows)), "balance": sum((r[2] for r in rows), ZERO)}
    ledger = account_balance("overpayment_receivable", upto=at)
    checks = [_check(_("Balance = receivable account balance"), totals["balance"], ledger)]
    header = [_("Age (days)"), _("Count"), _("Balance")]
    chart = [(str(r[0]), r[2]) for r in rows]
    return Report("ageing", str(REPORTS["ageing"]), header, rows, totals, checks, chart)


_RECOVERED = [RecoveryKind.OFFSET, RecoveryKind.REPAYMENT, RecoveryKind.ESTATE]
_WRITTEN_OFF = [RecoveryKind.WRITE_OFF, RecoveryKind.WRITE_OFF_REVERSAL]


def overpayments_report(start: dt.date, end: dt.date) -> Report:
    """(d) Per month and cause: decided (new), recovered, waived and written off (less reversals)."""
    last = month_end(end)
    table: dict[tuple[dt.date, str], dict[str, Decimal]] = defaultdict(
        lambda: {"new": ZERO, "recovered": ZERO, "waived": ZERO, "written_off": ZERO}
    )
    for op in Overpayment.objects.filter(decided_on__gte=start, decided_on__lte=last, decided_amount__gt=0):
        table[(_month(op.decided_on), op.cause)]["new"] += op.decided_amount or ZERO
    column: dict[str, str] = {str(k): "recovered" for k in _RECOVERED} | {
        str(k): "written_off" for k in _WRITTEN_OFF
    }
    column[RecoveryKind.WAIVER] = "waived"
    for r in (
        Recovery.objects.filter(on__gte=start, on__lte=last)
        .annotate(month=TruncMonth("on"))
        .values("month", "overpayment__cause", "kind")
        .annotate(s=Sum("amount"))
    ):
        month = r["month"].date() if isinstance(r["month"], dt.datetime) else r["month"]
        table[(month, r["overpayment__cause"])][column[r["kind"]]] += summed(r["s"])
    rows, by_month = [], defaultdict[Any, Decimal](lambda: ZERO)
    totals = {"new": ZERO, "recovered": ZERO, "waived": ZERO, "written_off": ZERO}
    for (month, cause), v in sorted(table.items()):
        rows.append([f"{month:%Y-%m}", cause, v["new"], v["recovered"], v["waived"], v["written_off"]])
        by_month[month] += v["new"]
        for k in totals:
            totals[k] += v[k]
    written = _ledger("overpayment_receivable", "credit", [EntryKind.WRITE_OFF], start, end) - _ledger(
        "overpayment_receivable", "debit", [EntryKind.WRITE_OFF_REVERSAL], start, end
    )
    checks = [
        _check(
            _("New = receivable debits of decisions"),
            totals["new"],
            _ledger("overpayment_receivable", "debit", [EntryKind.OVERPAYMENT], start, end),
        ),
        _check(
            _("Recovered = receivable credits of offsets and repayments"),
            totals["recovered"],
            _ledger("overpayment_receivable", "credit", [EntryKind.OFFSET, EntryKind.REPAYMENT], start, end),
        ),
        _check(
            _("Waived = receivable credits of waivers"),
            totals["waived"],
            _ledger("overpayment_receivable", "credit", [EntryKind.WAIVER], start, end),
        ),
        _check(
            _("Written off = receivable credits of write-offs less reversals"), totals["written_off"], written
        ),
    ]
    header = [_("Month"), _("Cause"), _("New"), _("Recovered"), _("Waived"), _("Written off")]
    return Report(
        "overpayments", str(REPORTS["overpayments"]), header, rows, totals, checks, _chart(by_month)
    )


def report(name: str, start: dt.date, end: dt.date) -> Report:
    """The report ``name`` for the months ``start``–``end`` (the ageing report at ``end``'s last day)."""
    if name == "payments":
        return payments_report(start, end)
    if name == "returns":
        return returns_report(start, end)
    if name == "ageing":
        return ageing_report(min(month_end(end), dt.date.today()))
    if name == "overpayments":
        return overpayments_report(start, end)
    raise KeyError(name)


def bars(chart: list[tuple[str, Decimal]], width: int = 400) -> dict[str, Any]:
    """A horizontal bar chart for an inline SVG 640 wide: each bar's label, value, y and width (bars
    start at 110 and leave room after them for a value of up to 14 characters)."""
    top = max((abs(v) for _k, v in chart), default=ZERO)
    out = []
    for i, (label, value) in enumerate(chart):
        w = int(abs(value) / top * width) if top else 0
        out.append({"label": label, "value": value, "y": i * 24, "text_y": i * 24 + 14, "width": w})
    return {"bars": out, "height": max(24, len(out) * 24)}


def report_period(start: str | None, end: str | None) -> tuple[dt.date, dt.date]:
    """``from``/``to`` months (YYYY-MM); by default the year up to this month. Bad input names the field."""
    today = dt.date.today().replace(day=1)
    first = parse_period(start, "from") if start else today.replace(month=1)
    last = parse_period(end, "to") if end else today
    if last < first:
        raise ValidationError({"to": _("The last month is before the first.")})
    return first, last
