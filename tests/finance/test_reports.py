"""The financial reports: each total equals the ledger (data built through the posting rules on
ORM objects), the pages with chart and reconciliation line, XLSX export and the API."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse as url
from openpyxl import load_workbook

from tugi.finance.models import JournalLine
from tugi.finance.selectors_reports import ageing_report, overpayments_report, payments_report, returns_report
from tugi.finance.services.postings import (
    post_overpayment_decided,
    post_recovery,
    post_return,
    post_run_accrual,
    post_run_payment,
)

from .factories import IBANS, ledger_overpayment, ledger_recovery, ledger_return, ledger_run, pensioner

pytestmark = pytest.mark.django_db
D = Decimal
JAN, FEB, MAR = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)


@pytest.fixture
def books(finance_user: Any) -> dict[str, Any]:
    """Two months of runs with a return, three overpayments with recoveries, all posted."""
    a = pensioner(amount="800.00")
    b = pensioner(amount="500.00", iban=IBANS[1])
    actor = finance_user
    jan = ledger_run(month=JAN, lines=[(a, "800.00", "0.00"), (b, "500.00", "20.00")], actor=actor)
    feb = ledger_run(month=FEB, lines=[(a, "800.00", "30.00"), (b, "500.00", "0.00")], actor=actor)
    for run in (jan, feb):
        post_run_accrual(run=run, actor=actor)
        post_run_payment(run=run, actor=actor)
    ledger_run(month=MAR, lines=[(a, "999.00", "0.00")], actor=actor, status="computed")  # not released
    line = feb.lines.get(person=b.person)
    post_return(
        line=line,
        event=ledger_return(line=line, reason="AC04", on=dt.date(2026, 2, 9), actor=actor),
        actor=actor,
    )
    old = ledger_overpayment(pension=a, amount="400.00", decided_on=dt.date(2025, 1, 10), actor=actor)
    new = ledger_overpayment(
        pension=b, amount="120.00", decided_on=dt.date(2026, 1, 20), actor=actor, cause="agency"
    )
    mid = ledger_overpayment(pension=b, amount="60.00", decided_on=dt.date(2025, 12, 1), actor=actor)
    for op in (old, new, mid):
        post_overpayment_decided(overpayment=op, amount=op.decided_amount, on=op.decided_on, actor=actor)
    for op, kind, amount, on in [
        (old, "offset", "30.00", dt.date(2026, 2, 5)),
        (new, "repayment", "20.00", dt.date(2026, 1, 25)),
        (new, "write_off", "50.00", dt.date(2026, 2, 20)),
        (new, "write_off_reversal", "-50.00", dt.date(2026, 2, 27)),
        (mid, "waiver", "60.00", dt.date(2026, 2, 1)),
    ]:
        post_recovery(
            recovery=ledger_recovery(overpayment=op, kind=kind, amount=amount, on=on, actor=actor),
            actor=actor,
        )
    return {"a": a, "b": b, "old": old, "new": new, "mid": mid}


def test_payments_report_equals_ledger(books: dict[str, Any]) -> None:
    report = payments_report(JAN, MAR)
    assert report.totals["gross"] == D("2600.00") and report.totals["net"] == D("2550.00")
    assert report.totals["deduction"] == D("50.00") and report.totals["count"] == 4
    assert report.reconciles, report.checks
    assert [c["ledger"] for c in report.checks] == [D("2600.00"), D("2550.00")]
    # amounts are cents whatever the database adds them as (SQLite: binary floats)
    assert {v.as_tuple().exponent for row in report.rows for v in row[3:6]} == {-2}
    only_feb = payments_report(FEB, FEB)
    assert only_feb.totals["gross"] == D("1300.00") and only_feb.reconciles


def test_returns_report_equals_ledger(books: dict[str, Any]) -> None:
    report = returns_report(JAN, MAR)
    assert report.rows == [["2026-02", "AC04", 1, D("500.00")]]
    assert report.reconciles and report.checks[0]["ledger"] == D("500.00")
    assert returns_report(JAN, JAN).totals["amount"] == 0


def test_ageing_report_buckets_and_equals_receivable(books: dict[str, Any]) -> None:
    report = ageing_report(dt.date(2026, 2, 28))
    buckets = {r[0]: (r[1], r[2]) for r in report.rows}
    assert buckets["0–30"] == (0, D("0.00"))
    assert buckets["31–90"] == (1, D("100.00"))  # new: 120 − 20 repaid; write-off reversed
    assert buckets["> 365"] == (1, D("370.00"))  # old: 400 − 30 offset; mid is waived
    assert report.totals["balance"] == D("470.00") and report.reconciles
    receivable = JournalLine.objects.filter(account="103560")
    assert sum(x.debit - x.credit for x in receivable) == D("470.00")


def test_overpayments_report_equals_ledger(books: dict[str, Any]) -> None:
    report = overpayments_report(JAN, MAR)
    assert report.totals == {
        "new": D("120.00"),
        "recovered": D("50.00"),
        "waived": D("60.00"),
        "written_off": D("0.00"),
    }
    assert report.reconciles, report.checks
    assert ["2026-01", "agency", D("120.00"), D("20.00"), D("0.00"), D("0.00")] in report.rows
    feb = overpayments_report(FEB, FEB)
    assert feb.totals["written_off"] == 0 and feb.reconciles


def test_difference_is_shown(books: dict[str, Any], finance_user: Any) -> None:
    """An overpayment decided without a posting makes the report differ from the ledger."""
    ledger_overpayment(pension=books["a"], amount="15.00", decided_on=dt.date(2026, 2, 2), actor=finance_user)
    report = overpayments_report(JAN, MAR)
    assert not report.reconciles and report.checks[0]["difference"] == D("15.00")


@pytest.mark.parametrize("name", ["payments", "returns", "ageing", "overpayments"])
def test_report_pages_chart_and_xlsx(
    books: dict[str, Any], finance_user: Any, client_for: Any, name: str
) -> None:
    client = client_for(finance_user)
    page = client.get(url("finance:report_view", args=[name]) + "?from=2026-01&to=2026-02")
    html = page.content.decode()
    assert page.status_code == 200 and 'data-ok="true"' in html and "reconciles with the ledger" in html
    body = html.split('id="report-reconciliation"')[1].split("</main>")[0]
    assert "<svg" in body and "style=" not in body and "<script" not in body
    xlsx = client.get(url("finance:report_view", args=[name]) + "?from=2026-01&to=2026-02&export=xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == [name, "totals", "ledger"]
    assert list(book["ledger"].iter_rows(values_only=True))[1][3] == 0


def test_report_page_bad_period_names_field(finance_user: Any, client_for: Any) -> None:
    page = client_for(finance_user).get(url("finance:report_view", args=["payments"]) + "?from=2026-1x")
    assert page.status_code == 400 and 'data-field="from"' in page.content.decode()


def test_report_api(books: dict[str, Any], finance_user: Any, client_for: Any) -> None:
    client = client_for(finance_user)
    data = client.get("/api/v1/finance/reports/payments?from=2026-01&to=2026-02").json()
    assert data["totals"]["gross"] == "2600.00" and data["reconciles"] is True
    bad = client.get("/api/v1/finance/reports/payments?from=2026-01&to=2026-13")
    assert bad.status_code in (400, 422) and '"to"' in bad.content.decode()
    unknown = client.get("/api/v1/finance/reports/nothing")
    assert unknown.status_code in (400, 422) and "name" in unknown.content.decode()


def test_report_index_and_rights(finance_user: Any, make_user: Any, client_for: Any) -> None:
    html = client_for(finance_user).get(url("finance:report_index")).content.decode()
    assert all(f'data-report="{n}"' in html for n in ("payments", "returns", "ageing", "overpayments"))
    assert client_for(make_user()).get(url("finance:report_index")).status_code == 403
    assert client_for(finance_user).get(url("finance:report_view", args=["nothing"])).status_code == 404
