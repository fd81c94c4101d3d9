"""Repayments: an incoming credit matched by hand records the repayment the same way as a match by
reference number; a repayment confirmed outside the bank statements on the page and in the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tugi.core.models import AuditEvent
from tugi.finance import selectors_overpayments as sel
from tugi.finance.models import (
    BankEvent,
    JournalEntry,
    Overpayment,
    OverpaymentStatus,
    Recovery,
)
from tugi.finance.selectors_ledger import overpayment_ledger_balances
from tugi.finance.services import overpayments as svc
from tugi.finance.services.inbound import bank_event_match

from .factories import pensioner
from .test_overpayments import audits, credit, ledger_balanced, to_recovering

pytestmark = pytest.mark.django_db
D = Decimal
MATCHED = "finance.event_matched"
RECOVERED = "finance.overpayment_recovered"
PAID = "finance.overpayment_paid"


def unmatched_credit(user: Any, amount: str, ref: str = "") -> BankEvent:
    """An incoming credit whose reference number matched nothing (left to a specialist)."""
    return credit(user, ref, amount)


def snapshot() -> dict[str, Any]:
    return {
        "recoveries": Recovery.objects.count(),
        "entries": JournalEntry.objects.count(),
        "audit": AuditEvent.objects.count(),
        "matched": list(BankEvent.objects.filter(matched=True).values_list("pk", flat=True)),
        "ops": list(Overpayment.objects.order_by("pk").values_list("pk", "status", "last_action_on")),
    }


def event_audits(event: BankEvent) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="finance.bankevent", object_id=str(event.pk)).values_list(
            "event_type", flat=True
        )
    )


# gap 1: matching an incoming credit by hand ------------------------------------------------------


def test_manual_match_records_the_repayment_and_lowers_the_balance(finance_user: Any) -> None:
    op = to_recovering(finance_user, method="direct", amount="120.00")
    event = unmatched_credit(finance_user, "45.50", ref="Mari's repayment")
    assert not svc.repayment_from_bank(event=event, actor=finance_user)  # no reference number
    before = sel.balance(op)
    bank_event_match(event=event, actor=finance_user, note="Paid without the reference", overpayment=op)

    event.refresh_from_db()
    op.refresh_from_db()
    assert event.matched and event.overpayment_id == op.pk
    rec = Recovery.objects.get(bank_event=event)
    assert (rec.overpayment_id, rec.kind, rec.amount, rec.on) == (
        op.pk,
        "repayment",
        D("45.50"),
        dt.date(2026, 5, 10),
    )
    assert rec.note == "Paid without the reference"
    assert sel.balance(op) == before - D("45.50") == D("74.50")
    assert overpayment_ledger_balances()[op.pk] == sel.balance(op)
    assert JournalEntry.objects.filter(kind="repayment", source_id=str(rec.pk)).count() == 1
    assert ledger_balanced()
    assert op.status == OverpaymentStatus.RECOVERING and op.last_action_on == dt.date(2026, 5, 10)
    # audit: the match and the repayment, each exactly once
    assert event_audits(event) == [MATCHED]
    assert audits(op).count(RECOVERED) == 1 and PAID not in audits(op)
    recovered = AuditEvent.objects.get(event_type=RECOVERED, object_id=str(op.pk))
    assert recovered.after["bank_event"] == event.pk and recovered.reason == "Paid without the reference"


def test_manual_match_of_the_whole_balance_closes_it_as_paid(finance_user: Any, client_for: Any) -> None:
    op = to_recovering(finance_user, method="direct", amount="120.00")
    event = unmatched_credit(finance_user, "120.00")
    response = client_for(finance_user).post(
        reverse("finance:event_match", args=[event.pk]),
        {"overpayment": op.pk, "note": "Reference number mistyped"},
    )
    assert response.status_code == 302
    op.refresh_from_db()
    assert op.status == OverpaymentStatus.PAID and op.closed_on == dt.date(2026, 5, 10)
    assert sel.balance(op) == 0 and overpayment_ledger_balances()[op.pk] == 0
    assert audits(op).count(RECOVERED) == 1 and audits(op).count(PAID) == 1
    assert event_audits(event) == [MATCHED]
    assert ledger_balanced()


def test_the_same_path_as_a_match_by_reference(finance_user: Any) -> None:
    """Matched by reference or by hand: the same recovery, posting and audit."""
    by_ref = to_recovering(finance_user, method="direct", amount="80.00")
    by_hand = to_recovering(finance_user, method="direct", amount="80.00")
    assert svc.repayment_from_bank(
        event=credit(finance_user, by_ref.reference_number, "30.00"), actor=finance_user
    )
    bank_event_match(
        event=unmatched_credit(finance_user, "30.00"), actor=finance_user, note="x", overpayment=by_hand
    )
    for op in (by_ref, by_hand):
        assert sel.balance(op) == D("50.00") == overpayment_ledger_balances()[op.pk]
        rec = Recovery.objects.get(overpayment=op)
        assert rec.kind == "repayment" and rec.bank_event_id is not None
        after = AuditEvent.objects.get(event_type=RECOVERED, object_id=str(op.pk)).after
        assert set(after) == {"kind", "amount", "balance", "surplus", "bank_event"}


def test_matching_to_a_closed_overpayment_is_refused_and_changes_nothing(
    finance_user: Any, client_for: Any
) -> None:
    op = to_recovering(finance_user, method="direct", amount="120.00")
    svc.overpayment_waive(overpayment=op, reason="Hardship", actor=finance_user)
    event = unmatched_credit(finance_user, "20.00")
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        bank_event_match(event=event, actor=finance_user, note="x", overpayment=op)
    assert set(exc.value.message_dict) == {"overpayment"}
    assert snapshot() == before
    page = client_for(finance_user).post(
        reverse("finance:event_match", args=[event.pk]), {"overpayment": op.pk, "note": "x"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-field="overpayment"' in html and "takes no repayments" in html
    assert snapshot() == before
    event.refresh_from_db()
    assert not event.matched and event.overpayment_id is None


def test_a_credit_before_the_decision_is_refused_there_is_no_claim_to_repay_yet(finance_user: Any) -> None:
    op = svc.overpayment_record_manual(
        personal_code=pensioner(amount="600.00").person.personal_code,
        period_from=dt.date(2026, 1, 1),
        period_to=dt.date(2026, 1, 31),
        amount=Decimal("600.00"),
        description="Found by hand",
        actor=finance_user,
    )
    event = unmatched_credit(finance_user, "50.00")
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        bank_event_match(event=event, actor=finance_user, note="Paid before the decision", overpayment=op)
    assert set(exc.value.message_dict) == {"overpayment"}
    assert snapshot() == before


def test_a_credit_already_recorded_or_not_a_credit_is_refused(finance_user: Any) -> None:
    op = to_recovering(finance_user, method="direct", amount="120.00")
    recorded = credit(finance_user, op.reference_number, "10.00")
    assert svc.repayment_from_bank(event=recorded, actor=finance_user)
    # a credit whose repayment is recorded cannot be recorded again, even if it lost its match flag
    BankEvent.objects.filter(pk=recorded.pk).update(matched=False)
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        bank_event_match(event=recorded, actor=finance_user, note="again", overpayment=op)
    assert set(exc.value.message_dict) == {"event"}
    with pytest.raises(ValidationError) as exc:
        svc.repayment_from_credit(event=recorded, overpayment=op, actor=finance_user)
    assert set(exc.value.message_dict) == {"event"}
    assert not svc.repayment_from_bank(event=recorded, actor=finance_user)
    returned = unmatched_credit(finance_user, "10.00")
    BankEvent.objects.filter(pk=returned.pk).update(kind="return")
    returned.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        bank_event_match(event=returned, actor=finance_user, note="x", overpayment=op)
    assert set(exc.value.message_dict) == {"overpayment"}
    assert snapshot() == before
    assert sel.balance(op) == D("110.00")


def test_matching_needs_the_right_to_record_recoveries(finance_user: Any, auditor: Any) -> None:
    from django.core.exceptions import PermissionDenied

    op = to_recovering(finance_user, method="direct", amount="120.00")
    event = unmatched_credit(finance_user, "10.00")
    with pytest.raises(PermissionDenied):
        svc.repayment_from_credit(event=event, overpayment=op, actor=auditor)
    assert not Recovery.objects.exists()


# gap 2: a repayment confirmed outside the bank statements ----------------------------------------


def step_url(op: Overpayment) -> str:
    return reverse("finance:overpayment_step", args=[op.pk, "repayment"])


def test_repayment_step_form(finance_user: Any, client_for: Any) -> None:
    op = to_recovering(finance_user, method="direct", amount="120.00")
    client = client_for(finance_user)
    page = client.get(reverse("finance:overpayment_detail", args=[op.pk])).content.decode()
    assert 'id="overpayment-repayment"' in page and "Record a repayment" in page
    assert 'name="repayment-on"' in page and f'value="{dt.date.today():%Y-%m-%d}"' in page
    response = client.post(
        step_url(op), {"repayment-amount": "20.00", "repayment-note": "Paid at the Tartu cash desk"}
    )
    assert response.status_code == 302
    rec = Recovery.objects.get(overpayment=op)
    assert (rec.kind, rec.amount, rec.on, rec.note) == (
        "repayment",
        D("20.00"),
        dt.date.today(),
        "Paid at the Tartu cash desk",
    )
    assert sel.balance(op) == D("100.00") == overpayment_ledger_balances()[op.pk]
    assert audits(op).count(RECOVERED) == 1
    paid = client.post(
        step_url(op),
        {"repayment-amount": "100.00", "repayment-on": "2026-06-01", "repayment-note": "Other authority"},
    )
    assert paid.status_code == 302
    op.refresh_from_db()
    assert op.status == OverpaymentStatus.PAID and op.closed_on == dt.date(2026, 6, 1)
    page = client.get(reverse("finance:overpayment_detail", args=[op.pk])).content.decode()
    assert 'id="overpayment-repayment"' not in page  # a paid claim takes no repayments


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"repayment-amount": "20.00", "repayment-note": ""}, "note", "This field is required."),
        ({"repayment-amount": "20.00", "repayment-note": "   "}, "note", "This field is required."),
        ({"repayment-amount": "0", "repayment-note": "desk"}, "amount", "A repayment is a positive amount."),
        ({"repayment-amount": "-5", "repayment-note": "desk"}, "amount", "A repayment is a positive amount."),
        ({"repayment-amount": "", "repayment-note": "desk"}, "amount", "This field is required."),
        (
            {"repayment-amount": "5", "repayment-on": "2999-01-01", "repayment-note": "desk"},
            "on",
            "A repayment cannot be dated in the future.",
        ),
    ],
)
def test_repayment_step_bad_input_changes_nothing(
    finance_user: Any, client_for: Any, data: dict[str, str], field: str, message: str
) -> None:
    op = to_recovering(finance_user, method="direct", amount="120.00")
    before = snapshot()
    response = client_for(finance_user).post(step_url(op), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert f'data-field="{field}"' in html and message in html
    assert snapshot() == before and sel.balance(op) == D("120.00")


def test_repayment_step_hidden_and_refused_where_not_accepted(
    finance_user: Any, auditor: Any, client_for: Any
) -> None:
    op = to_recovering(finance_user, method="direct", amount="120.00")
    svc.overpayment_write_off(overpayment=op, reason="Uncollectable", actor=finance_user)
    client = client_for(finance_user)
    page = client.get(reverse("finance:overpayment_detail", args=[op.pk])).content.decode()
    assert 'id="overpayment-repayment"' not in page
    before = snapshot()
    refused = client.post(step_url(op), {"repayment-amount": "5", "repayment-note": "desk"})
    assert refused.status_code == 422 and snapshot() == before
    assert client_for(auditor).post(step_url(op), {"repayment-amount": "5"}).status_code == 403


def test_api_records_a_repayment(finance_user: Any, client_for: Any) -> None:
    op = to_recovering(finance_user, method="direct", amount="120.00")
    client = client_for(finance_user)
    url = f"/api/v1/finance/overpayments/{op.pk}/repayments"
    created = client.post(
        url, {"amount": "45.00", "on": "2026-06-02", "note": "Cash desk"}, content_type="application/json"
    )
    assert created.status_code == 201
    body = created.json()
    assert body["balance"] == "75.00" and body["status"] == "recovering"
    assert body["recovery"]["amount"] == "45.00" and body["recovery"]["on"] == "2026-06-02"
    assert overpayment_ledger_balances()[op.pk] == D("75.00")
    rest = client.post(url, {"amount": "75", "note": "Cash desk"}, content_type="application/json")
    assert rest.status_code == 201 and rest.json()["status"] == "paid" and rest.json()["balance"] == "0.00"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"amount": "0", "note": "desk"}, "amount"),
        ({"note": "desk"}, "amount"),
        ({"amount": "10"}, "note"),
        ({"amount": "10", "note": "desk", "on": "2999-01-01"}, "on"),
    ],
)
def test_api_bad_request_names_the_field_and_changes_nothing(
    finance_user: Any, client_for: Any, payload: dict[str, str], field: str
) -> None:
    op = to_recovering(finance_user, method="direct", amount="120.00")
    before = snapshot()
    response = client_for(finance_user).post(
        f"/api/v1/finance/overpayments/{op.pk}/repayments", payload, content_type="application/json"
    )
    assert response.status_code in (400, 422)
    assert field in response.json()["errors"]
    assert snapshot() == before


def test_api_refuses_a_closed_overpayment_and_other_users(
    finance_user: Any, auditor: Any, client_for: Any
) -> None:
    op = to_recovering(finance_user, method="direct", amount="120.00")
    svc.overpayment_waive(overpayment=op, reason="Hardship", actor=finance_user)
    url = f"/api/v1/finance/overpayments/{op.pk}/repayments"
    before = snapshot()
    refused = client_for(finance_user).post(
        url, {"amount": "10", "note": "desk"}, content_type="application/json"
    )
    assert refused.status_code == 422 and "status" in refused.json()["errors"]
    forbidden = client_for(auditor).post(
        url, {"amount": "10", "note": "desk"}, content_type="application/json"
    )
    assert forbidden.status_code == 403
    missing = client_for(finance_user).post(
        "/api/v1/finance/overpayments/999999/repayments",
        {"amount": "10", "note": "desk"},
        content_type="application/json",
    )
    assert missing.status_code == 404
    assert snapshot() == before
