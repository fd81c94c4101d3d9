"""Reading the bank's messages: the versions Tugi reads give the same items; unsafe XML is refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tugi.finance import bank_simulator as bank
from tugi.finance.iso20022 import parse_inbound

DAY = dt.date(2026, 11, 9)


@pytest.mark.parametrize("version", ["03", "10"])
def test_pain002_versions_read_alike(version: str) -> None:
    content = bank.pain002(
        "TUGI-PEN-202611-R1-001",
        rejected=[("E2E-1", "AC04", "Konto on suletud")],
        accepted=["E2E-2"],
        version=version,
        msg_id="STS-1",
    )
    msg = parse_inbound(content)
    assert (msg.kind, msg.schema, msg.message_id) == ("pain.002", f"pain.002.001.{version}", "STS-1")
    rejected, accepted = msg.items
    assert (rejected.kind, rejected.end_to_end_id, rejected.reason_code) == ("rejected", "E2E-1", "AC04")
    assert rejected.reason_text == "Konto on suletud"
    assert rejected.original_msg_id == "TUGI-PEN-202611-R1-001"
    assert (accepted.kind, accepted.end_to_end_id) == ("accepted", "E2E-2")


@pytest.mark.parametrize("builder", [bank.camt053, bank.camt054])
@pytest.mark.parametrize("version", ["02", "08"])
def test_camt_versions_read_alike(builder: object, version: str) -> None:
    entries = [
        bank.debit("BLOCK-1", "1234.56", DAY, 3),
        bank.returned("E2E-9", "700.00", "MD07", DAY, "Saaja on surnud"),
        bank.credit("35.50", "12344", "Õnne Näidis", DAY, "Tagastus"),
    ]
    msg = parse_inbound(builder(entries, version=version, msg_id="M-1"))  # type: ignore[operator]
    assert msg.schema.endswith(version) and msg.message_id == "M-1"
    debit, ret, credit = msg.items
    assert (debit.kind, debit.payment_info_id, debit.amount, debit.booked_on) == (
        "debit",
        "BLOCK-1",
        Decimal("1234.56"),
        DAY,
    )
    assert (ret.kind, ret.end_to_end_id, ret.reason_code, ret.amount) == (
        "return",
        "E2E-9",
        "MD07",
        Decimal("700.00"),
    )
    assert ret.reason_text == "Saaja on surnud"
    assert (credit.kind, credit.reference, credit.amount, credit.counterparty) == (
        "credit",
        "12344",
        Decimal("35.50"),
        "Õnne Näidis",
    )


def test_entities_are_never_expanded() -> None:
    content = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>&x;'
        b"</BkToCstmrStmt></Document>"
    )
    with pytest.raises(ValidationError) as exc:
        parse_inbound(content)
    assert "DOCTYPE" in exc.value.message_dict["file"][0]


def test_a_missing_amount_names_the_element_and_line() -> None:
    content = bank.camt054([bank.returned("E2E-1", "1.00", "AC01", DAY)]).replace(
        b'<Amt Ccy="EUR">1.00</Amt>\n', b"", 1
    )
    with pytest.raises(ValidationError) as exc:
        parse_inbound(content)
    message = exc.value.message_dict["file"][0]
    assert "Document/BkToCstmrDbtCdtNtfctn/Ntfctn/Ntry/Amt" in message and "(line " in message
