"""The sub-ledger: balanced posting only, append-only rows, reversal once, month close and the
first open month, the trial balance (saldoandmik) page, CSV and API, and the journal pages."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse as url

from tugi.core.models import AuditEvent
from tugi.finance.models import EntryKind, JournalEntry, JournalLine, LedgerImmutable, PeriodClose
from tugi.finance.selectors_ledger import trial_balance, trial_balance_totals
from tugi.finance.services.ledger import Posting, entry_reverse, period_close, post, reverse
from tugi.finance.services.postings import post_run_accrual, post_run_payment

from .factories import ledger_run, pensioner

pytestmark = pytest.mark.django_db

JAN, FEB, MAR = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)
D = Decimal


def _entry(actor: Any, amount: str = "10.00", on: dt.date = JAN) -> JournalEntry:
    return post(
        kind=EntryKind.ACCRUAL,
        on=on,
        memo="test",
        lines=[Posting("benefit_expense", debit=D(amount)), Posting("benefit_payable", credit=D(amount))],
        actor=actor,
    )


def test_post_fills_dimensions_numbers_and_audits(finance_user: Any) -> None:
    first = _entry(finance_user)
    second = _entry(finance_user, on=dt.date(2026, 1, 20))
    assert (first.number, second.number, first.period) == (1, 2, JAN)
    expense = first.lines.get(account="413000")
    assert (expense.partner, expense.activity, expense.source, expense.debit) == (
        "800699",
        "10201",
        "20",
        D("10"),
    )
    assert first.lines.get(account="203850").activity == ""
    event = AuditEvent.objects.get(event_type="finance.entry_posted", object_id=str(first.pk))
    assert event.actor == finance_user


def test_unbalanced_post_refused_and_nothing_stored(finance_user: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        post(
            kind=EntryKind.ACCRUAL,
            on=JAN,
            memo="bad",
            lines=[
                Posting("benefit_expense", debit=D("10.00")),
                Posting("benefit_payable", credit=D("9.99")),
            ],
            actor=finance_user,
        )
    assert "does not balance: debit 10.00, credit 9.99" in exc.value.message_dict["lines"][0]
    assert not JournalEntry.objects.exists() and not JournalLine.objects.exists()


@pytest.mark.parametrize(
    ("lines", "field", "words"),
    [
        (
            [Posting("benefit_expense", debit=D("1.005")), Posting("benefit_payable", credit=D("1.005"))],
            "debit",
            "cents",
        ),
        (
            [Posting("benefit_expense", debit=D("-1")), Posting("benefit_payable", credit=D("-1"))],
            "debit",
            "negative",
        ),
        ([Posting("benefit_expense", debit=D("1"), credit=D("1"))], "lines", "either a debit"),
        ([Posting("nonsense", debit=D("1")), Posting("bank", credit=D("1"))], "lines", "nonsense"),
        ([], "lines", "at least two"),
    ],
)
def test_bad_lines_refused(finance_user: Any, lines: list[Posting], field: str, words: str) -> None:
    with pytest.raises(ValidationError) as exc:
        post(kind=EntryKind.ACCRUAL, on=JAN, memo="bad", lines=lines, actor=finance_user)
    assert words in exc.value.message_dict[field][0]
    assert not JournalEntry.objects.exists()


def test_posted_rows_cannot_be_changed_or_deleted(finance_user: Any) -> None:
    entry = _entry(finance_user)
    line = entry.lines.first()
    assert line is not None
    entry.memo = "changed"
    with pytest.raises(LedgerImmutable):
        entry.save()
    with pytest.raises(LedgerImmutable):
        entry.delete()
    line.debit = D("99.00")
    with pytest.raises(LedgerImmutable):
        line.save()
    with pytest.raises(LedgerImmutable):
        line.delete()
    entry.refresh_from_db()
    assert entry.memo == "test" and entry.lines.get(pk=line.pk).debit == D("10.00")


def test_the_database_refuses_to_change_or_delete_posted_rows(finance_user: Any) -> None:
    """Past the models (a queryset update or delete, SQL from elsewhere): PostgreSQL's triggers."""
    if connection.vendor != "postgresql":
        pytest.skip("the append-only triggers are PostgreSQL's")
    entry = _entry(finance_user)
    for attempt in (
        lambda: JournalLine.objects.filter(entry=entry).update(debit=D("99.00"), credit=D("99.00")),
        lambda: JournalEntry.objects.filter(pk=entry.pk).update(memo="changed"),
        lambda: JournalLine.objects.filter(entry=entry)._raw_delete(using="default"),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    entry.refresh_from_db()
    assert entry.memo == "test"
    assert sorted(line.debit for line in entry.lines.all()) == [D("0.00"), D("10.00")]


def test_reversal_mirrors_and_cannot_be_repeated(finance_user: Any) -> None:
    entry = _entry(finance_user, "25.50")
    rev = reverse(entry=entry, actor=finance_user, reason="wrong month", on=FEB)
    assert rev.kind == EntryKind.REVERSAL and rev.reverses == entry and rev.period == FEB
    mirrored = {(line.account, line.debit, line.credit) for line in rev.lines.all()}
    assert mirrored == {("413000", D("0"), D("25.50")), ("203850", D("25.50"), D("0"))}
    assert "wrong month" in rev.memo
    assert AuditEvent.objects.filter(event_type="finance.entry_reversed", object_id=str(rev.pk)).exists()
    with pytest.raises(ValidationError) as again:
        reverse(entry=entry, actor=finance_user, reason="again")
    assert "already reversed" in again.value.message_dict["entry"][0]
    with pytest.raises(ValidationError) as of_reversal:
        reverse(entry=rev, actor=finance_user, reason="undo")
    assert "entry" in of_reversal.value.message_dict
    with pytest.raises(ValidationError) as no_reason:
        reverse(entry=_entry(finance_user), actor=finance_user, reason="  ")
    assert "reason" in no_reason.value.message_dict
    assert JournalEntry.objects.filter(kind=EntryKind.REVERSAL).count() == 1


def test_entry_reverse_needs_the_right(finance_user: Any, auditor: Any) -> None:
    entry = _entry(finance_user)
    with pytest.raises(PermissionDenied):
        entry_reverse(entry=entry, reason="x", actor=auditor)
    assert not JournalEntry.objects.filter(reverses=entry).exists()


def test_closed_month_pushes_postings_forward(finance_user: Any) -> None:
    _entry(finance_user, on=JAN)
    close = period_close(period=JAN, actor=finance_user, today=dt.date(2026, 3, 10))
    assert close.totals["debit"] == "10.00" and close.totals["credit"] == "10.00"
    assert AuditEvent.objects.filter(event_type="finance.period_closed", object_id=str(close.pk)).exists()
    late = _entry(finance_user, on=dt.date(2026, 1, 31))
    assert (late.posted_on, late.period) == (dt.date(2026, 1, 31), FEB)
    period_close(period=FEB, actor=finance_user, today=dt.date(2026, 3, 10))
    assert _entry(finance_user, on=JAN).period == MAR


def test_close_refused_for_current_future_twice_or_unreleased_runs(finance_user: Any) -> None:
    today = dt.date(2026, 3, 10)
    for period in (MAR, dt.date(2026, 4, 1)):
        with pytest.raises(ValidationError) as exc:
            period_close(period=period, actor=finance_user, today=today)
        assert "past month" in exc.value.message_dict["period"][0]
    run = ledger_run(month=FEB, lines=[], actor=finance_user, status="approved")
    with pytest.raises(ValidationError) as exc:
        period_close(period=FEB, actor=finance_user, today=today)
    assert (
        "not yet released" in exc.value.message_dict["period"][0]
        and str(run) in exc.value.message_dict["period"][0]
    )
    assert not PeriodClose.objects.exists()
    period_close(period=JAN, actor=finance_user, today=today)
    with pytest.raises(ValidationError) as exc:
        period_close(period=JAN, actor=finance_user, today=today)
    assert "already closed" in exc.value.message_dict["period"][0]
    assert PeriodClose.objects.count() == 1


def test_close_needs_the_right(auditor: Any) -> None:
    with pytest.raises(PermissionDenied):
        period_close(period=JAN, actor=auditor, today=dt.date(2026, 3, 1))


def _month_of_postings(actor: Any) -> None:
    pension = pensioner(amount="700.00")
    run = ledger_run(month=JAN, lines=[(pension, "700.00", "50.00")], actor=actor)
    post_run_accrual(run=run, actor=actor)
    post_run_payment(run=run, actor=actor)
    run2 = ledger_run(month=FEB, lines=[(pension, "700.00", "0.00")], actor=actor)
    post_run_accrual(run=run2, actor=actor)


def test_trial_balance_turnover_and_closing(finance_user: Any) -> None:
    _month_of_postings(finance_user)
    rows = {r.account: r for r in trial_balance(FEB)}
    payable = rows["203850"]
    assert (payable.opening, payable.debit, payable.credit, payable.closing_credit) == (
        D("-50.00"),
        D("0"),
        D("700.00"),
        D("750.00"),
    )
    assert rows["100100"].opening == D("-650.00") and rows["100100"].closing_credit == D("650.00")
    assert rows["413000"].activity == "10201" and rows["413000"].closing_debit == D("1400.00")
    totals = trial_balance_totals(FEB)
    assert totals["debit"] == totals["credit"] == D("700.00")
    assert totals["closing_debit"] == totals["closing_credit"] == D("1400.00")


def test_saldoandmik_page_csv_and_api(finance_user: Any, client_for: Any) -> None:
    _month_of_postings(finance_user)
    client = client_for(finance_user)
    page = client.get(url("finance:trial_balance") + "?period=2026-01")
    html = page.content.decode()
    assert page.status_code == 200 and 'data-debit="1350.00" data-credit="1350.00"' in html
    assert "25.02.2026" in html
    response = client.get(url("finance:trial_balance") + "?period=2026-01&export=csv")
    assert response["Content-Disposition"] == 'attachment; filename="saldoandmik-2026-01.csv"'
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == [
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
    assert ["413000", "800699", "10201", "20", "", "0.00", "700.00", "0.00", "700.00", "0.00"] in rows
    assert ["100100", "", "", "20", "01", "0.00", "0.00", "650.00", "0.00", "650.00"] in rows
    assert sum(D(r[6]) for r in rows[1:]) == sum(D(r[7]) for r in rows[1:]) == D("1350.00")
    api = client.get("/api/v1/finance/ledger/trial-balance?period=2026-02").json()
    assert api["totals"]["debit"] == api["totals"]["credit"] == "700.00" and api["due"] == "2026-03-25"
    bad = client.get("/api/v1/finance/ledger/trial-balance?period=2026-13")
    assert bad.status_code in (400, 422) and "period" in bad.content.decode()
    entries = client.get("/api/v1/finance/ledger/entries?period=2026-01&kind=payment").json()
    assert [e["kind"] for e in entries] == ["payment"] and entries[0]["lines"][0]["account"] == "203850"
    bad = client.get("/api/v1/finance/ledger/entries?period=jan")
    assert bad.status_code in (400, 422) and "period" in bad.content.decode()


def test_journal_pages_reverse_form_and_close_form(finance_user: Any, client_for: Any) -> None:
    _month_of_postings(finance_user)
    client = client_for(finance_user)
    listing = client.get(url("finance:entry_list") + "?kind=accrual").content.decode()
    assert 'data-entry="1"' in listing and 'data-entry="2"' not in listing
    assert 'data-entry="2"' in client.get(url("finance:entry_list") + "?account=100100").content.decode()
    csv_text = b"".join(client.get(url("finance:entry_list") + "?export=csv").streaming_content).decode()
    assert "Accrual" in csv_text
    entry = JournalEntry.objects.get(number=1)
    detail = client.get(url("finance:entry_detail", args=[entry.pk])).content.decode()
    assert "10201" in detail and 'id="entry-reverse"' in detail
    refused = client.post(url("finance:entry_reverse", args=[entry.pk]), {"reason": ""})
    assert refused.status_code == 200 and not JournalEntry.objects.filter(reverses=entry).exists()
    done = client.post(url("finance:entry_reverse", args=[entry.pk]), {"reason": "posted twice"})
    assert done.status_code == 302 and JournalEntry.objects.filter(reverses=entry).exists()
    assert (
        'id="entry-reverse"' not in client.get(url("finance:entry_detail", args=[entry.pk])).content.decode()
    )
    closed = client.post(url("finance:period_close"), {"period": "2026-01"})
    assert closed.status_code == 302 and PeriodClose.objects.filter(period=JAN).exists()
    future = client.post(url("finance:period_close"), {"period": "2999-01"})
    assert future.status_code == 422 and "past month" in future.content.decode()


def test_auditor_reads_but_cannot_reverse(auditor: Any, finance_user: Any, client_for: Any) -> None:
    entry = _entry(finance_user)
    client = client_for(auditor)
    assert client.get(url("finance:entry_detail", args=[entry.pk])).status_code == 200
    assert client.post(url("finance:entry_reverse", args=[entry.pk]), {"reason": "x"}).status_code == 403


def test_menu_has_ledger_trial_balance_and_reports(finance_user: Any, client_for: Any) -> None:
    html = client_for(finance_user).get(url("finance:entry_list")).content.decode()
    for name in ("finance:entry_list", "finance:trial_balance", "finance:report_index"):
        assert f'href="{url(name)}"' in html


def test_concurrent_numbering_locks_a_row(finance_user: Any) -> None:
    """Numbers are taken under a row lock (PostgreSQL ignores FOR UPDATE on an aggregate)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _entry(finance_user)
    with CaptureQueriesContext(connection) as queries:
        _entry(finance_user)
    if connection.features.has_select_for_update:
        assert any("FOR UPDATE" in q["sql"] for q in queries.captured_queries)


def test_trial_balance_bad_period_says_so(finance_user: Any, client_for: Any) -> None:
    page = client_for(finance_user).get(url("finance:trial_balance") + "?period=13-2026")
    assert page.status_code == 200 and "YYYY-MM" in page.content.decode()
