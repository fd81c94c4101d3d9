"""Outgoing pain.001.001.09 files: what the bank receives must validate, add up and keep names."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from django.core.exceptions import ValidationError
from django.urls import reverse
from lxml import etree

from tugi.core.models import AuditEvent
from tugi.finance import benefits
from tugi.finance.iso20022 import NS_PAIN001, pain001_schema, validate_pain001
from tugi.finance.models import BankFile, BankStatus, Benefit, PaymentLine, PaymentRun, RunStatus
from tugi.finance.services.bankfiles import write_run_files

from .factories import IBANS, debtor_account, pensioner

NS = {"p": NS_PAIN001}
MONTH = dt.date(2026, 11, 1)


def make_run(
    actor: Any,
    amounts: list[str] | None = None,
    *,
    names: list[str] | None = None,
    towns: list[str] | None = None,
    month: dt.date = MONTH,
    benefit: str = Benefit.PENSION,
) -> PaymentRun:
    """An approved run with one paid line per amount, built with the ORM (as compute would)."""
    amounts = amounts or ["512.40", "730.15", "1024.99"]
    debtor_account(benefit)
    run = PaymentRun.objects.create(
        benefit=benefit,
        month=month,
        payment_date=benefits.payment_date(benefit, month),
        status=RunStatus.APPROVED,
        created_by=actor,
    )
    for i, amount in enumerate(amounts):
        town = towns[i] if towns else "Tartu"
        pension = pensioner(amount=amount, iban=IBANS[i % len(IBANS)], town=town)
        PaymentLine.objects.create(
            run=run,
            person=pension.person,
            pension=pension,
            benefit_type=pension.pension_type.code,
            gross=Decimal(amount),
            net=Decimal(amount),
            creditor_name=names[i] if names else str(pension.person),
            iban=IBANS[i % len(IBANS)],
            bic="HABAEE2X" if i % 2 == 0 else "",
            town=town,
            country="EE" if town else "",
            end_to_end_id=f"T{run.pk}-{i + 1:07d}",
        )
    return run


@pytest.fixture
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


def _xml(bank_file: BankFile, data_dir: Path) -> etree._Element:
    return etree.parse(str(data_dir / bank_file.path)).getroot()


def test_files_validate_add_up_and_split_at_the_maximum(
    db: Any, finance_user: Any, data_dir: Path, settings: Any
) -> None:
    settings.TUGI_PAIN_MAX_TX = 3
    amounts = ["100.10", "200.20", "300.30", "400.40", "500.50", "600.60", "0.01"]
    run = make_run(finance_user, amounts)
    PaymentLine.objects.create(  # held and zero lines are not paid
        run=run,
        person=run.lines.first().person,
        benefit_type="x",
        gross=Decimal(5),
        net=Decimal(0),
        iban=IBANS[0],
        end_to_end_id=f"T{run.pk}-zero",
    )
    files = write_run_files(run=run, actor=finance_user)
    assert [f.nb_of_txs for f in files] == [3, 3, 1]
    assert [f.ctrl_sum for f in files] == [Decimal("600.60"), Decimal("1501.50"), Decimal("0.01")]
    e2e: list[str] = []
    for f in files:
        root = _xml(f, data_dir)
        assert pain001_schema().validate(root), pain001_schema().error_log
        assert f.validated_at is not None
        assert f.sha256 == hashlib.sha256((data_dir / f.path).read_bytes()).hexdigest()
        assert f.size == (data_dir / f.path).stat().st_size
        assert f.path.startswith("finance/out/2026-11/")
        hdr = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", NS)
        pmt = root.find("p:CstmrCdtTrfInitn/p:PmtInf", NS)
        txs = pmt.findall("p:CdtTrfTxInf", NS)
        amounts_in_file = [Decimal(a.text) for a in pmt.findall("p:CdtTrfTxInf/p:Amt/p:InstdAmt", NS)]
        for block in (hdr, pmt):
            assert block.findtext("p:NbOfTxs", namespaces=NS) == str(len(txs)) == str(f.nb_of_txs)
            assert Decimal(block.findtext("p:CtrlSum", namespaces=NS)) == sum(amounts_in_file) == f.ctrl_sum
        assert hdr.findtext("p:MsgId", namespaces=NS) == f.message_id
        assert len(f.message_id) <= 35
        assert pmt.findtext("p:PmtInfId", namespaces=NS) == f.payment_info_id
        assert pmt.findtext("p:ReqdExctnDt/p:Dt", namespaces=NS) == "2026-11-05"
        assert pmt.findtext("p:DbtrAgt/p:FinInstnId/p:BICFI", namespaces=NS) == "EEUHEE2X"
        assert pmt.findtext("p:ChrgBr", namespaces=NS) == "SLEV"
        for tx in txs:
            assert tx.findtext("p:Purp/p:Cd", namespaces=NS) == "PENS"
            assert tx.findtext("p:RmtInf/p:Ustrd", namespaces=NS) == "Pension 2026-11"
            assert tx.find("p:Amt/p:InstdAmt", NS).get("Ccy") == "EUR"
        e2e += [t.findtext("p:PmtId/p:EndToEndId", namespaces=NS) for t in txs]
        assert set(f.lines.values_list("end_to_end_id", flat=True)) == set(e2e[-len(txs) :])
    assert len(e2e) == len(set(e2e)) == 7
    assert not PaymentLine.objects.filter(run=run, net=0, bank_file__isnull=False).exists()
    assert PaymentLine.objects.filter(run=run, bank_status=BankStatus.SENT).count() == 7
    audit = AuditEvent.objects.filter(event_type="finance.file_written")
    assert audit.count() == 3 and {a.actor for a in audit} == {finance_user}


def test_one_small_file_also_passes_xmlschema(db: Any, finance_user: Any, data_dir: Path) -> None:
    run = make_run(finance_user)
    (bank_file,) = write_run_files(run=run, actor=finance_user)
    from importlib.resources import files

    schema = xmlschema.XMLSchema(str(files("sepaxml") / "schemas" / "pain.001.001.09.xsd"))
    schema.validate(str(data_dir / bank_file.path))  # raises when the two validators disagree


def test_estonian_letters_are_kept_byte_exact(db: Any, finance_user: Any, data_dir: Path) -> None:
    name = "Õie Šõrm-Žüdäö"
    run = make_run(finance_user, ["321.00"], names=[name], towns=["Võru"])
    (bank_file,) = write_run_files(run=run, actor=finance_user)
    content = (data_dir / bank_file.path).read_bytes()
    assert content.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert f"<Nm>{name}</Nm>".encode() in content
    assert "<TwnNm>Võru</TwnNm>".encode() in content


def test_structured_address_when_known_and_no_empty_elements(
    db: Any, finance_user: Any, data_dir: Path
) -> None:
    run = make_run(finance_user, ["10.00", "20.00"], towns=["Pärnu", ""])
    (bank_file,) = write_run_files(run=run, actor=finance_user)
    root = _xml(bank_file, data_dir)
    with_town, without = root.findall(".//p:CdtTrfTxInf", NS)
    assert with_town.findtext("p:Cdtr/p:PstlAdr/p:TwnNm", namespaces=NS) == "Pärnu"
    assert with_town.findtext("p:Cdtr/p:PstlAdr/p:Ctry", namespaces=NS) == "EE"
    assert without.find("p:Cdtr/p:PstlAdr", NS) is None
    assert root.find(".//p:AdrLine", NS) is None
    assert without.find("p:CdtrAgt", NS) is None  # BIC unknown: no empty agent
    leaves = [el for el in root.iter() if len(el) == 0]
    assert all((el.text or "").strip() for el in leaves)


def test_a_tampered_file_is_refused_by_the_validator(db: Any, finance_user: Any, data_dir: Path) -> None:
    run = make_run(finance_user)
    (bank_file,) = write_run_files(run=run, actor=finance_user)
    content = (data_dir / bank_file.path).read_bytes()
    validate_pain001(content)
    with pytest.raises(ValidationError) as exc:
        validate_pain001(content.replace(b"<PmtMtd>TRF</PmtMtd>", b"<PmtMtd>CASH</PmtMtd>"))
    assert "PmtMtd" in exc.value.message_dict["file"][0]
    with pytest.raises(ValidationError) as exc:  # a required element removed
        validate_pain001(re.sub(rb"<NbOfTxs>\d+</NbOfTxs>", b"", content, count=1))
    assert "CtrlSum" in exc.value.message_dict["file"][0]


def test_a_file_failing_the_xsd_is_not_stored(db: Any, finance_user: Any, data_dir: Path) -> None:
    run = make_run(finance_user)
    PaymentLine.objects.filter(run=run).update(iban="NOT AN IBAN")
    with pytest.raises(ValidationError) as exc:
        write_run_files(run=run, actor=finance_user)
    assert "IBAN" in exc.value.message_dict["file"][0]
    assert not BankFile.objects.exists()
    assert not PaymentLine.objects.filter(bank_file__isnull=False).exists()
    assert not AuditEvent.objects.filter(event_type="finance.file_written").exists()
    assert not list(data_dir.rglob("*.xml"))


def test_without_a_debtor_account_the_message_names_it(db: Any, finance_user: Any, data_dir: Path) -> None:
    run = make_run(finance_user)
    from tugi.finance.models import DebtorAccount

    DebtorAccount.objects.update(is_active=False)
    with pytest.raises(ValidationError) as exc:
        write_run_files(run=run, actor=finance_user)
    assert "debtor" in exc.value.message_dict
    assert not BankFile.objects.exists()


def test_files_are_written_once(db: Any, finance_user: Any, data_dir: Path) -> None:
    run = make_run(finance_user)
    write_run_files(run=run, actor=finance_user)
    with pytest.raises(ValidationError) as exc:
        write_run_files(run=run, actor=finance_user)
    assert "run" in exc.value.message_dict
    assert BankFile.objects.count() == 1


def test_auditor_cannot_write_files(db: Any, auditor: Any, finance_user: Any, data_dir: Path) -> None:
    from django.core.exceptions import PermissionDenied

    run = make_run(finance_user)
    with pytest.raises(PermissionDenied):
        write_run_files(run=run, actor=auditor)


def test_download_counts_and_is_audited(db: Any, finance_user: Any, client_for: Any, data_dir: Path) -> None:
    run = make_run(finance_user)
    (bank_file,) = write_run_files(run=run, actor=finance_user)
    response = client_for(finance_user).get(reverse("finance:bankfile_download", args=[bank_file.pk]))
    assert response.status_code == 200
    assert f'filename="{bank_file.message_id}.xml"' in response["Content-Disposition"]
    assert (
        b"".join(response.streaming_content if response.streaming else [response.content])
        == (data_dir / bank_file.path).read_bytes()
    )
    bank_file.refresh_from_db()
    assert bank_file.downloads == 1
    assert AuditEvent.objects.filter(event_type="finance.file_downloaded").count() == 1


def test_an_unvalidated_file_cannot_be_downloaded(
    db: Any, finance_user: Any, client_for: Any, data_dir: Path
) -> None:
    run = make_run(finance_user)
    (bank_file,) = write_run_files(run=run, actor=finance_user)
    BankFile.objects.filter(pk=bank_file.pk).update(validated_at=None)
    response = client_for(finance_user).get(reverse("finance:bankfile_download", args=[bank_file.pk]))
    assert response.status_code == 404
    bank_file.refresh_from_db()
    assert bank_file.downloads == 0
