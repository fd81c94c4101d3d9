"""Incoming bank files: returns, rejections and debits act on the payments, once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tugi.core.models import AuditEvent
from tugi.finance import bank_simulator as bank
from tugi.finance.models import (
    BankEvent,
    BankFile,
    BankStatus,
    InboundFile,
    JournalEntry,
    Overpayment,
    PaymentHold,
    PaymentLine,
    PaymentRun,
    RunStatus,
)
from tugi.finance.services import holds
from tugi.finance.services.bankfiles import write_run_files
from tugi.finance.services.inbound import MD07_REASON, bank_event_match, inbound_import
from tugi.pensions.models import PensionStatus
from tugi.work.models import Task

from .test_bankfiles import make_run


@pytest.fixture
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def released(db: Any, finance_user: Any, data_dir: Path) -> PaymentRun:
    run = make_run(finance_user, ["512.40", "730.15", "1024.99"])
    write_run_files(run=run, actor=finance_user)
    return run


def _lines(run: PaymentRun) -> list[PaymentLine]:
    return list(run.lines.order_by("id"))


def _counts() -> dict[str, int]:
    return {
        "files": InboundFile.objects.count(),
        "events": BankEvent.objects.count(),
        "audit": AuditEvent.objects.count(),
        "holds": PaymentHold.objects.count(),
        "overpayments": Overpayment.objects.count(),
        "journal": JournalEntry.objects.count(),
        "tasks": Task.objects.count(),
    }


def test_md07_return_suspends_the_pension_holds_and_opens_the_overpayment_once(
    released: PaymentRun, finance_user: Any, data_dir: Path
) -> None:
    line = _lines(released)[1]
    person = line.person
    # died in September: October was paid and kept, November's payment comes back MD07
    person.date_of_death = dt.date(2026, 9, 20)
    person.save(update_fields=["date_of_death"])
    october = PaymentRun.objects.create(
        benefit=released.benefit,
        month=dt.date(2026, 10, 1),
        payment_date=dt.date(2026, 10, 5),
        status=RunStatus.RELEASED,
        created_by=finance_user,
    )
    PaymentLine.objects.create(
        run=october,
        person=person,
        pension=line.pension,
        benefit_type=line.benefit_type,
        gross=line.gross,
        net=line.net,
        creditor_name=line.creditor_name,
        iban=line.iban,
        end_to_end_id=f"T{october.pk}-0000001",
        bank_status=BankStatus.BOOKED,
    )
    content = bank.returns_for_run(released, [(line.end_to_end_id, "MD07")])

    summary = inbound_import(content=content, filename="returns.xml", actor=finance_user)

    assert summary["duplicate"] is False
    assert summary["returned"] == 1 and summary["returns_by_reason"] == {"MD07": 1}
    line.refresh_from_db()
    assert (line.bank_status, line.bank_reason) == (BankStatus.RETURNED, "MD07")
    assert line.pension is not None
    line.pension.refresh_from_db()
    assert line.pension.status == PensionStatus.SUSPENDED
    assert AuditEvent.objects.filter(object_id=str(line.pension.pk), reason=MD07_REASON).exists()
    hold = holds.active_hold(person.pk)
    assert hold is not None and hold.reason == "MD07"
    assert hold.source_event is not None and hold.source_event.line_id == line.pk
    assert JournalEntry.objects.filter(kind="return").count() == 1
    assert AuditEvent.objects.filter(event_type="finance.line_returned", object_id=str(line.pk)).count() == 1
    # the overpayment covers the month paid after death; the returned month came back
    op = Overpayment.objects.get(person=person)
    assert (op.period_from, op.period_to) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert op.amount == line.gross and op.status == "detected"
    stored = list((data_dir / "finance" / "in").rglob("*.xml"))
    assert len(stored) == 1 and stored[0].read_bytes() == content

    before = _counts()
    again = inbound_import(content=content, filename="returns-again.xml", actor=finance_user)
    assert again["duplicate"] is True
    assert "already imported" in again["message"] and finance_user.username in again["message"]
    assert _counts() == before
    assert len(list((data_dir / "finance" / "in").rglob("*.xml"))) == 1


def test_same_message_id_with_other_bytes_is_ignored(released: PaymentRun, finance_user: Any) -> None:
    line = _lines(released)[0]
    first = bank.returns_for_run(released, [(line.end_to_end_id, "AC04")], msg_id="NTF-1")
    inbound_import(content=first, filename="a.xml", actor=finance_user)
    before = _counts()
    second = bank.returns_for_run(released, [(line.end_to_end_id, "AC04")], msg_id="NTF-1", version="02")
    assert inbound_import(content=second, filename="b.xml", actor=finance_user)["duplicate"] is True
    assert _counts() == before


def test_ac04_return_holds_payments_and_asks_for_a_new_account(
    released: PaymentRun, finance_user: Any
) -> None:
    line = _lines(released)[0]
    content = bank.returns_for_run(released, [(line.end_to_end_id, "AC04")], version="02")
    inbound_import(content=content, filename="ac04.xml", actor=finance_user)
    line.refresh_from_db()
    assert (line.bank_status, line.bank_reason) == (BankStatus.RETURNED, "AC04")
    assert line.person_id in holds.held_person_ids()
    assert holds.active_hold(line.person_id).reason == "AC04"  # type: ignore[union-attr]
    task = Task.objects.get()
    assert task.title == "Ask for a new bank account (returned AC04)"
    assert line.person.personal_code not in task.title + task.description
    assert str(line.person.uid) in task.description
    assert task.assignee == finance_user
    assert line.pension is not None
    line.pension.refresh_from_db()
    assert line.pension.status == PensionStatus.IN_PAYMENT  # an account problem does not stop the pension


def test_ac04_holds_the_line_in_the_next_run(released: PaymentRun, finance_user: Any, system: Any) -> None:
    compute = pytest.importorskip("tugi.finance.services.payments_compute")
    line = _lines(released)[0]
    inbound_import(
        content=bank.returns_for_run(released, [(line.end_to_end_id, "AC04")]),
        filename="r.xml",
        actor=finance_user,
    )
    from tugi.finance import benefits

    month = dt.date(2026, 12, 1)
    run = PaymentRun.objects.create(
        benefit=released.benefit,
        month=month,
        payment_date=benefits.payment_date(released.benefit, month),
        status="computing",
        created_by=finance_user,
    )
    compute.run_compute_execute(run_id=run.pk)
    held = run.lines.get(person=line.person)
    assert held.status == "held"
    assert run.lines.exclude(person=line.person).filter(status="pay").exists()


def test_pain002_rejection_marks_the_line_and_posts_the_return(
    released: PaymentRun, finance_user: Any
) -> None:
    first, second, third = _lines(released)
    bank_file = BankFile.objects.get(run=released)
    content = bank.pain002(
        bank_file.message_id,
        rejected=[(first.end_to_end_id, "AC01", "Konto number on vale")],
        accepted=[second.end_to_end_id],
    )
    summary = inbound_import(content=content, filename="status.xml", actor=finance_user)
    assert (summary["rejected"], summary["accepted"]) == (1, 1)
    first.refresh_from_db()
    second.refresh_from_db()
    third.refresh_from_db()
    assert (first.bank_status, first.bank_reason) == (BankStatus.REJECTED, "AC01")
    assert second.bank_status == BankStatus.ACCEPTED
    assert third.bank_status == BankStatus.SENT
    assert JournalEntry.objects.filter(kind="return").count() == 1
    audit = AuditEvent.objects.get(event_type="finance.line_rejected")
    assert audit.after["bank_status"] == "rejected" and audit.reason == "Konto number on vale"
    assert "personal_code" not in str(audit.after)


def test_pain002_group_rejection_rejects_every_line(released: PaymentRun, finance_user: Any) -> None:
    bank_file = BankFile.objects.get(run=released)
    content = bank.pain002(bank_file.message_id, group_status="RJCT", group_reason="AM05", version="03")
    summary = inbound_import(content=content, filename="status.xml", actor=finance_user)
    assert summary["rejected"] == 3
    assert set(released.lines.values_list("bank_status", flat=True)) == {BankStatus.REJECTED}


@pytest.mark.parametrize("version", ["02", "08"])
def test_camt053_debit_books_the_block_in_both_versions(
    released: PaymentRun, finance_user: Any, client_for: Any, version: str
) -> None:
    content = bank.camt053(bank.debits_for_run(released), version=version)
    summary = inbound_import(content=content, filename="stmt.xml", actor=finance_user)
    assert summary["schema"] == f"camt.053.001.{version}"
    assert summary["booked"] == 3 and summary["unmatched"] == 0
    assert set(released.lines.values_list("bank_status", flat=True)) == {BankStatus.BOOKED}
    page = client_for(finance_user).get(reverse("finance:reconciliation", args=[released.pk]))
    assert page.status_code == 200
    assert b'data-reconciled="true"' in page.content


def test_a_debit_for_another_amount_is_a_difference(
    released: PaymentRun, finance_user: Any, client_for: Any
) -> None:
    bank_file = BankFile.objects.get(run=released)
    content = bank.camt053([bank.debit(bank_file.payment_info_id, "2267.53", released.payment_date)])
    summary = inbound_import(content=content, filename="stmt.xml", actor=finance_user)
    assert summary["unmatched"] == 1 and summary.get("booked", 0) == 0
    event = BankEvent.objects.get()
    assert not event.matched and "2267.54" in event.reason_text and "-0.01" in event.reason_text
    assert set(released.lines.values_list("bank_status", flat=True)) == {BankStatus.SENT}
    page = client_for(finance_user).get(reverse("finance:reconciliation", args=[released.pk]))
    assert b'data-reconciled="false"' in page.content


def test_return_with_unknown_end_to_end_id_stays_unmatched_and_is_listed(
    released: PaymentRun, finance_user: Any, client_for: Any
) -> None:
    content = bank.camt054([bank.returned("UNKNOWN-E2E-1", "99.00", "MS03", dt.date(2026, 11, 9))])
    summary = inbound_import(content=content, filename="r.xml", actor=finance_user)
    assert summary["unmatched"] == 1
    event = BankEvent.objects.get()
    assert (event.matched, event.kind, event.line_id) == (False, "return", None)
    client = client_for(finance_user)
    page = client.get(reverse("finance:event_list"))
    assert page.status_code == 200 and b"UNKNOWN-E2E-1" in page.content
    csv = client.get(reverse("finance:event_list") + "?export=csv")
    assert b"UNKNOWN-E2E-1" in b"".join(csv.streaming_content if csv.streaming else [csv.content])
    api = client.get("/api/v1/finance/bank/events?matched=false")
    assert [e["end_to_end_id"] for e in api.json()] == ["UNKNOWN-E2E-1"]


def test_an_unmatched_return_is_matched_by_hand(
    released: PaymentRun, finance_user: Any, client_for: Any
) -> None:
    line = _lines(released)[2]
    content = bank.camt054(
        [bank.returned("TYPO-" + line.end_to_end_id, line.net, "AC01", dt.date(2026, 11, 9))]
    )
    inbound_import(content=content, filename="r.xml", actor=finance_user)
    event = BankEvent.objects.get()
    url = reverse("finance:event_match", args=[event.pk])
    form = client_for(finance_user).get(url)
    assert form.status_code == 200 and b'id="match-form"' in form.content
    wrong = client_for(finance_user).post(url, {"end_to_end_id": "NO-SUCH", "note": "x"})
    assert wrong.status_code == 200 and "No payment has this EndToEndId." in wrong.content.decode()
    response = client_for(finance_user).post(
        url,
        {"end_to_end_id": line.end_to_end_id, "note": "The bank shortened the id"},
    )
    assert response.status_code == 302
    event.refresh_from_db()
    line.refresh_from_db()
    assert event.matched and event.line_id == line.pk
    assert (line.bank_status, line.bank_reason) == (BankStatus.RETURNED, "AC01")
    assert line.person_id in holds.held_person_ids()
    audit = AuditEvent.objects.get(event_type="finance.event_matched")
    assert audit.reason == "The bank shortened the id"


def test_matching_by_hand_needs_a_reason_and_a_target(released: PaymentRun, finance_user: Any) -> None:
    content = bank.camt054([bank.returned("NOPE-1", "9.00", "MS03", dt.date(2026, 11, 9))])
    inbound_import(content=content, filename="r.xml", actor=finance_user)
    event = BankEvent.objects.get()
    with pytest.raises(ValidationError) as exc:
        bank_event_match(event=event, actor=finance_user, note=" ", line=_lines(released)[0])
    assert "note" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        bank_event_match(event=event, actor=finance_user, note="x")
    assert "line" in exc.value.message_dict
    event.refresh_from_db()
    assert not event.matched
    assert not AuditEvent.objects.filter(event_type="finance.event_matched").exists()


def test_incoming_credit_with_a_reference_is_recorded(released: PaymentRun, finance_user: Any) -> None:
    content = bank.camt054(
        [bank.credit("50.00", "9999999995", "Mari Näidis", dt.date(2026, 11, 10))], version="02"
    )
    summary = inbound_import(content=content, filename="c.xml", actor=finance_user)
    assert summary["credits"] == 1
    event = BankEvent.objects.get()
    assert (event.kind, event.reference, event.amount) == ("credit", "9999999995", Decimal("50.00"))
    assert event.counterparty == "Mari Näidis"
    assert not event.matched  # no overpayment has this reference


BAD_FILES = [
    (b"not xml at all", "not well-formed XML"),
    (b"", "empty"),
    (
        b'<?xml version="1.0"?>'
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"><X/></Document>',
        "namespace urn:iso:std:iso:20022:tech:xsd:pain.001.001.09",
    ),
    (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e "boom">]>'
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">&e;</Document>',
        "DOCTYPE",
    ),
    (
        b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">\n'
        b"<BkToCstmrDbtCdtNtfctn>\n<GrpHdr><CreDtTm>2026-11-09T10:00:00</CreDtTm></GrpHdr>"
        b"</BkToCstmrDbtCdtNtfctn></Document>",
        "BkToCstmrDbtCdtNtfctn/GrpHdr/MsgId is missing (line 3)",
    ),
]


@pytest.mark.parametrize(("content", "message"), BAD_FILES)
def test_a_file_tugi_cannot_read_is_refused_with_a_clear_message(
    db: Any, finance_user: Any, data_dir: Path, content: bytes, message: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        inbound_import(content=content, filename="bad.xml", actor=finance_user)
    assert message in exc.value.message_dict["file"][0]
    assert not InboundFile.objects.exists() and not BankEvent.objects.exists()
    assert not AuditEvent.objects.filter(event_type="finance.inbound_imported").exists()
    assert not list(data_dir.rglob("*.xml"))


def test_upload_page_answers_400_for_a_bad_file_and_shows_the_summary(
    released: PaymentRun, finance_user: Any, client_for: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(finance_user)
    url = reverse("finance:inbound_upload")
    bad = client.post(url, {"file": SimpleUploadedFile("x.xml", b"<a/>")})
    assert bad.status_code == 400
    assert "not a pain.002, camt.053 or camt.054 message" in bad.content.decode()
    assert not InboundFile.objects.exists()
    line = _lines(released)[0]
    good = bank.returns_for_run(released, [(line.end_to_end_id, "AC06")])
    ok = client.post(url, {"file": SimpleUploadedFile("r.xml", good)})
    assert ok.status_code == 200 and b'id="import-summary"' in ok.content
    inbound = InboundFile.objects.get()
    detail = client.get(reverse("finance:inbound_detail", args=[inbound.pk]))
    assert detail.status_code == 200 and line.end_to_end_id.encode() in detail.content
    assert client.get(reverse("finance:inbound_list")).status_code == 200
    assert client.get(reverse("finance:bankfile_list") + f"?run={released.pk}").status_code == 200


def test_api_imports_once_and_refuses_bad_files(
    released: PaymentRun, finance_user: Any, client_for: Any
) -> None:
    client = client_for(finance_user)
    content = bank.camt054(bank.debits_for_run(released))
    first = client.post("/api/v1/finance/bank/inbound", content, content_type="application/xml")
    assert first.status_code == 201 and first.json()["booked"] == 3
    again = client.post("/api/v1/finance/bank/inbound", content, content_type="application/xml")
    assert again.status_code == 200 and again.json()["duplicate"] is True
    bad = client.post("/api/v1/finance/bank/inbound", b"<x/>", content_type="application/xml")
    assert bad.status_code == 400 and "namespace" in bad.json()["errors"]["file"][0]
    files = client.get(f"/api/v1/finance/bank/files?run={released.pk}").json()
    assert [(f["nb_of_txs"], f["ctrl_sum"]) for f in files] == [(3, "2267.54")]


def test_auditor_cannot_import(db: Any, auditor: Any, client_for: Any) -> None:
    response = client_for(auditor).post(
        "/api/v1/finance/bank/inbound", b"<x/>", content_type="application/xml"
    )
    assert response.status_code == 403
    assert client_for(auditor).get(reverse("finance:inbound_upload")).status_code == 403


def test_a_block_debited_without_its_rejected_payment_reconciles(
    released: PaymentRun, finance_user: Any, client_for: Any
) -> None:
    first = _lines(released)[0]
    bank_file = BankFile.objects.get(run=released)
    inbound_import(
        content=bank.pain002(bank_file.message_id, rejected=[(first.end_to_end_id, "AC01", "")]),
        filename="s.xml",
        actor=finance_user,
    )
    debited = bank_file.ctrl_sum - first.net
    inbound_import(
        content=bank.camt053([bank.debit(bank_file.payment_info_id, debited, released.payment_date)]),
        filename="stmt.xml",
        actor=finance_user,
    )
    assert BankEvent.objects.get(kind="debit").matched
    statuses = dict(released.lines.values_list("end_to_end_id", "bank_status"))
    assert statuses.pop(first.end_to_end_id) == BankStatus.REJECTED
    assert set(statuses.values()) == {BankStatus.BOOKED}
    page = client_for(finance_user).get(reverse("finance:reconciliation", args=[released.pk]))
    assert b'data-reconciled="true"' in page.content
    assert b'data-reason="AC01"' in page.content


def test_demo_loader_answers_the_latest_run_once(
    db: Any, finance_user: Any, system: Any, data_dir: Path
) -> None:
    import io

    from tugi.finance import demo_bank

    run = make_run(finance_user, ["100.00", "200.00", "300.00", "400.00", "500.00", "600.00"])
    PaymentRun.objects.filter(pk=run.pk).update(status="released")
    out = io.StringIO()
    demo_bank.load(system, out)
    assert BankFile.objects.filter(run=run).count() == 1
    assert InboundFile.objects.count() == 3
    assert set(run.lines.values_list("bank_status", flat=True)) >= {"rejected", "returned", "booked"}
    assert BankEvent.objects.filter(matched=False).exists()
    before = _counts()
    demo_bank.load(system, out)
    assert _counts() == before


def test_desk_counts_unmatched_events_and_menu_lists_the_pages(
    released: PaymentRun, finance_user: Any, client_for: Any
) -> None:
    content = bank.camt054([bank.returned("NOPE-2", "9.00", "MS03", dt.date(2026, 11, 9))])
    inbound_import(content=content, filename="r.xml", actor=finance_user)
    page = client_for(finance_user).get(reverse("core:desk")).content.decode()
    assert 'id="widget-unmatched-bank-events"' in page and "1 bank event to resolve" in page
    for name in ("finance:bankfile_list", "finance:inbound_list", "finance:event_list"):
        assert reverse(name) in page
