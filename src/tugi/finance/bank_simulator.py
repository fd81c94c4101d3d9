"""A bank that answers Tugi's files, for tests, the demo and the browser test: builds realistic
pain.002 status reports and camt.053 / camt.054 statements (versions .02 and .08) from given data.

Entries are dicts made with :func:`debit`, :func:`returned` and :func:`credit`."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from lxml import etree

from .models import BankFile, PaymentLine, PaymentRun

__all__ = [
    "camt053",
    "camt054",
    "credit",
    "debit",
    "debits_for_run",
    "pain002",
    "returned",
    "returns_for_run",
]

ISO = "urn:iso:std:iso:20022:tech:xsd:"
AGENCY_IBAN = "EE801000102200347966"
_seq = itertools.count(1)


def _msg_id(prefix: str) -> str:
    return f"{prefix}{dt.datetime.now():%Y%m%d%H%M%S}{next(_seq):05d}"[:35]


class _Doc:
    def __init__(self, schema: str):
        self.ns = "{" + ISO + schema + "}"
        self.root = etree.Element(self.ns + "Document", nsmap={None: ISO + schema})

    def el(self, parent: Any, path: str, text: str | None = None, **attrs: str) -> Any:
        node = parent
        for tag in path.split("/"):
            node = etree.SubElement(node, self.ns + tag)
        if text is not None:
            node.text = text
        for k, v in attrs.items():
            node.set(k, v)
        return node

    def bytes(self) -> bytes:
        return etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _now() -> str:
    return dt.datetime.now().replace(microsecond=0).isoformat()


def pain002(
    original_msg_id: str,
    rejected: Sequence[tuple[str, str, str]] = (),
    accepted: Sequence[str] = (),
    *,
    group_status: str = "",
    group_reason: str = "",
    payment_info_id: str = "",
    version: str = "10",
    msg_id: str = "",
) -> bytes:
    """A payment status report on ``original_msg_id``: per transaction RJCT (with reason code and
    text) or ACCP; ``group_status`` RJCT rejects the whole message."""
    d = _Doc(f"pain.002.001.{version}")
    body = d.el(d.root, "CstmrPmtStsRpt")
    hdr = d.el(body, "GrpHdr")
    d.el(hdr, "MsgId", msg_id or _msg_id("STS"))
    d.el(hdr, "CreDtTm", _now())
    d.el(hdr, "DbtrAgt/FinInstnId/" + ("BICFI" if version == "10" else "BIC"), "EEUHEE2X")
    grp = d.el(body, "OrgnlGrpInfAndSts")
    d.el(grp, "OrgnlMsgId", original_msg_id)
    d.el(grp, "OrgnlMsgNmId", "pain.001.001.09")
    if group_status:
        d.el(grp, "GrpSts", group_status)
        if group_reason:
            d.el(grp, "StsRsnInf/Rsn/Cd", group_reason)
    if rejected or accepted:
        block = d.el(body, "OrgnlPmtInfAndSts")
        d.el(block, "OrgnlPmtInfId", payment_info_id or f"{original_msg_id}-B1")
        for e2e, code, text in rejected:
            tx = d.el(block, "TxInfAndSts")
            d.el(tx, "OrgnlEndToEndId", e2e)
            d.el(tx, "TxSts", "RJCT")
            info = d.el(tx, "StsRsnInf")
            d.el(info, "Rsn/Cd", code)
            if text:
                d.el(info, "AddtlInf", text[:105])
        for e2e in accepted:
            tx = d.el(block, "TxInfAndSts")
            d.el(tx, "OrgnlEndToEndId", e2e)
            d.el(tx, "TxSts", "ACCP")
    return d.bytes()


def debit(
    payment_info_id: str, amount: Decimal | str, booked_on: dt.date, nb_of_txs: int = 0
) -> dict[str, Any]:
    """The statement's debit of one payment block (batch booking: one total)."""
    return {
        "kind": "debit",
        "pmt": payment_info_id,
        "amount": Decimal(amount),
        "on": booked_on,
        "n": nb_of_txs,
    }


def returned(
    end_to_end_id: str, amount: Decimal | str, reason: str, booked_on: dt.date, text: str = ""
) -> dict[str, Any]:
    """A returned payment: a credit entry with the original EndToEndId and RtrInf/Rsn/Cd."""
    return {
        "kind": "return",
        "e2e": end_to_end_id,
        "amount": Decimal(amount),
        "reason": reason,
        "on": booked_on,
        "text": text,
    }


def credit(
    amount: Decimal | str, reference: str, name: str, booked_on: dt.date, text: str = ""
) -> dict[str, Any]:
    """An incoming credit (a repayment) with a structured creditor reference."""
    return {
        "kind": "credit",
        "amount": Decimal(amount),
        "ref": reference,
        "name": name,
        "on": booked_on,
        "text": text,
    }


def _entry(d: _Doc, parent: Any, e: dict[str, Any], v8: bool, n: int) -> None:
    ntry = d.el(parent, "Ntry")
    if e["kind"] == "debit":
        d.el(ntry, "NtryRef", e["pmt"])
    d.el(ntry, "Amt", f"{e['amount']:.2f}", Ccy="EUR")
    d.el(ntry, "CdtDbtInd", "DBIT" if e["kind"] == "debit" else "CRDT")
    if v8:
        d.el(ntry, "Sts/Cd", "BOOK")
    else:
        d.el(ntry, "Sts", "BOOK")
    d.el(ntry, "BookgDt/Dt", e["on"].isoformat())
    d.el(ntry, "ValDt/Dt", e["on"].isoformat())
    d.el(ntry, "AcctSvcrRef", f"BANKREF{n:08d}")
    family = {"debit": ("ICDT", "ESCT"), "return": ("ICDT", "RRTN"), "credit": ("RCDT", "ESCT")}[e["kind"]]
    tx_code = d.el(ntry, "BkTxCd/Domn")
    d.el(tx_code, "Cd", "PMNT")
    d.el(tx_code, "Fmly/Cd", family[0])
    d.el(tx_code, "Fmly/SubFmlyCd", family[1])
    details = d.el(ntry, "NtryDtls")
    if e["kind"] == "debit":
        btch = d.el(details, "Btch")
        d.el(btch, "PmtInfId", e["pmt"])
        if e["n"]:
            d.el(btch, "NbOfTxs", str(e["n"]))
        return
    tx = d.el(details, "TxDtls")
    refs = d.el(tx, "Refs")
    d.el(refs, "EndToEndId", e.get("e2e") or "NOTPROVIDED")
    d.el(tx, "AmtDtls/TxAmt/Amt", f"{e['amount']:.2f}", Ccy="EUR")
    if e["kind"] == "credit":
        parties = d.el(tx, "RltdPties")
        d.el(parties, "Dbtr/Pty/Nm" if v8 else "Dbtr/Nm", e["name"])
        rmt = d.el(tx, "RmtInf")
        if e["text"]:
            d.el(rmt, "Ustrd", e["text"])
        ref = d.el(rmt, "Strd/CdtrRefInf")
        d.el(ref, "Tp/CdOrPrtry/Cd", "SCOR")
        d.el(ref, "Ref", e["ref"])
    else:
        rtr = d.el(tx, "RtrInf")
        d.el(rtr, "Rsn/Cd", e["reason"])
        if e["text"]:
            d.el(rtr, "AddtlInf", e["text"][:105])


def _camt(
    schema: str, body_tag: str, report_tag: str, entries: Iterable[dict[str, Any]], version: str, msg_id: str
) -> bytes:
    v8 = version == "08"
    d = _Doc(f"{schema}.001.{version}")
    body = d.el(d.root, body_tag)
    hdr = d.el(body, "GrpHdr")
    d.el(hdr, "MsgId", msg_id or _msg_id(schema[:4].upper()))
    d.el(hdr, "CreDtTm", _now())
    report = d.el(body, report_tag)
    d.el(report, "Id", _msg_id("R"))
    d.el(report, "CreDtTm", _now())
    d.el(report, "Acct/Id/IBAN", AGENCY_IBAN)
    d.el(report, "Acct/Ccy", "EUR")
    entries = list(entries)
    if schema == "camt.053":
        day = min((e["on"] for e in entries), default=dt.date.today())
        for code in ("OPBD", "CLBD"):
            bal = d.el(report, "Bal")
            d.el(bal, "Tp/CdOrPrtry/Cd", code)
            d.el(bal, "Amt", "0.00", Ccy="EUR")
            d.el(bal, "CdtDbtInd", "CRDT")
            d.el(bal, "Dt/Dt", day.isoformat())
    for n, e in enumerate(entries, start=1):
        _entry(d, report, e, v8, n)
    return d.bytes()


def camt054(entries: Iterable[dict[str, Any]], *, version: str = "08", msg_id: str = "") -> bytes:
    """A debit / credit notification (camt.054.001.02 or .08) with the given entries."""
    return _camt("camt.054", "BkToCstmrDbtCdtNtfctn", "Ntfctn", entries, version, msg_id)


def camt053(entries: Iterable[dict[str, Any]], *, version: str = "08", msg_id: str = "") -> bytes:
    """An account statement (camt.053.001.02 or .08) with the given entries."""
    return _camt("camt.053", "BkToCstmrStmt", "Stmt", entries, version, msg_id)


def debits_for_run(run: PaymentRun, booked_on: dt.date | None = None) -> list[dict[str, Any]]:
    """One debit entry per payment block of the run's files, for the block's CtrlSum."""
    on = booked_on or run.payment_date
    return [debit(f.payment_info_id, f.ctrl_sum, on, f.nb_of_txs) for f in BankFile.objects.filter(run=run)]


def returns_for_run(
    run: PaymentRun,
    returns: Sequence[tuple[str, str]],
    *,
    booked_on: dt.date | None = None,
    kind: str = "camt.054",
    version: str = "08",
    msg_id: str = "",
) -> bytes:
    """A camt.054 (or camt.053) returning the given lines of ``run`` with their reason codes."""
    on = booked_on or run.payment_date + dt.timedelta(days=3)
    nets = dict(
        PaymentLine.objects.filter(run=run, end_to_end_id__in=[e for e, _ in returns]).values_list(
            "end_to_end_id", "net"
        )
    )
    entries = [returned(e2e, nets.get(e2e, Decimal("0.01")), code, on) for e2e, code in returns]
    build = camt054 if kind == "camt.054" else camt053
    return build(entries, version=version, msg_id=msg_id)
