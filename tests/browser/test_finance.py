"""The payments journey in the browser (issue 6 acceptance): a finance specialist computes the month's
payment run; a second specialist approves and releases it and downloads the bank file, which
validates against the pain.001.001.09 XSD; the bank's camt.054 returns one payment as the
beneficiary deceased (MD07); the overpayment it opens for the month paid after the death is followed
through the hearing to a decision, a notice and an instalment plan."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.urls import resolve
from django.utils import translation
from lxml import etree

from tests.finance.factories import IBANS, debtor_account, pensioner
from tugi.core.roles import Role
from tugi.finance import bank_simulator as bank
from tugi.finance.iso20022 import validate_pain001
from tugi.finance.models import (
    BankFile,
    BankStatus,
    Overpayment,
    OverpaymentStatus,
    PaymentLine,
    PaymentRun,
    RecoveryMethod,
    RunStatus,
)
from tugi.pensions.models import PensionStatus

pytestmark = pytest.mark.django_db(transaction=True)

NOVEMBER = dt.date(2026, 11, 1)
OCTOBER = dt.date(2026, 10, 1)


def _logout(page: Any) -> None:
    page.click("#user-menu")
    page.click("#logout")


@pytest.fixture
def data_dir(tmp_path: Path, settings: Any) -> Path:
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return tmp_path


def test_compute_approve_release_download_return_and_recover(
    page: Any, login: Any, nav: Any, make_user: Any, data_dir: Path
) -> None:
    resolve("/")  # load every area's URLs in this process before the live server's first request
    page.set_default_timeout(30_000)
    first = make_user(Role.FINANCE, username="malle", first_name="Malle", last_name="Arvutaja")
    second = make_user(Role.FINANCE, username="toomas", first_name="Toomas", last_name="Kinnitaja")
    debtor_account()
    pensions = [pensioner(amount=a, iban=IBANS[i]) for i, a in enumerate(["612.40", "830.15", "1024.99"])]
    deceased = pensions[1]
    # October was paid last month (before anyone knew of the death)
    october = PaymentRun.objects.create(
        benefit="pension", month=OCTOBER, payment_date=dt.date(2026, 10, 5), status=RunStatus.RELEASED,
        created_by=first,
    )  # fmt: skip
    PaymentLine.objects.create(
        run=october, person=deceased.person, pension=deceased, benefit_type=deceased.pension_type.code,
        gross=Decimal("830.15"), net=Decimal("830.15"), iban=IBANS[1], end_to_end_id=f"T{october.pk}-0000001",
        bank_status=BankStatus.BOOKED,
    )  # fmt: skip

    # 1. the first specialist creates and computes November's run and reviews it
    login(first.username)
    nav("/finance/runs/")
    page.click("#run-create")
    page.wait_for_url("**/finance/runs/new/")
    page.select_option("#id_benefit", "pension")
    page.fill("#id_month", "2026-11")
    page.click("#run-create-submit")
    page.wait_for_url(re.compile(r"/finance/runs/\d+/$"))
    run = PaymentRun.objects.get(month=NOVEMBER)
    page.goto(f"/finance/runs/{run.pk}/")
    assert page.locator("#run-status").get_attribute("data-status") == RunStatus.COMPUTED
    assert page.locator("#run-figures").is_visible()
    assert page.locator("#run-approve").count() == 0  # four eyes: not for the one who computed
    assert run.lines.filter(status="pay").count() == 3
    _logout(page)

    # 2. the second specialist approves and releases it, and downloads the bank file
    login(second.username)
    page.goto(f"/finance/runs/{run.pk}/")
    page.click("#run-approve")
    page.wait_for_selector("#run-status[data-status='approved']")
    page.click("#run-release")
    page.wait_for_selector("#run-status[data-status='released']")
    bank_file = BankFile.objects.get(run=run)
    with page.expect_download() as download_info:
        page.click(f"#run-files tr[data-file='{bank_file.pk}'] a")
    downloaded = Path(download_info.value.path()).read_bytes()
    validate_pain001(downloaded)
    tree = etree.fromstring(downloaded)
    ns = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}
    assert tree.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", namespaces=ns) == "3"
    assert tree.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", namespaces=ns) == "2467.54"

    # 3. the bank returns the deceased person's payment (MD07) in a camt.054
    deceased.person.date_of_death = dt.date(2026, 9, 20)
    deceased.person.save(update_fields=["date_of_death"])
    returned = run.lines.get(pension=deceased)
    camt = data_dir / "camt054-returns.xml"
    camt.write_bytes(bank.returns_for_run(run, [(returned.end_to_end_id, "MD07")]))
    page.goto("/finance/bank/inbound/upload/")
    page.set_input_files("#id_file", str(camt))
    page.click("#import-submit")
    page.wait_for_selector("#import-summary")
    assert page.locator("#import-summary").get_attribute("data-duplicate") == "false"
    assert "MD07 1" in page.locator("#import-summary").inner_text()
    returned.refresh_from_db()
    deceased.refresh_from_db()
    assert returned.bank_status == BankStatus.RETURNED
    assert deceased.status == PensionStatus.SUSPENDED

    # the same file again changes nothing
    page.goto("/finance/bank/inbound/upload/")
    page.set_input_files("#id_file", str(camt))
    page.click("#import-submit")
    page.wait_for_selector("#import-summary[data-duplicate='true']")
    # the run's reconciliation shows the file and the returned payment
    page.goto(f"/finance/runs/{run.pk}/")
    page.click("#run-reconcile")
    page.wait_for_url(f"**/finance/bank/runs/{run.pk}/reconciliation/")
    assert "MD07" in page.locator("#reconciliation-returns").inner_text()
    assert bank_file.message_id in page.locator("#reconciliation-files").inner_text()
    op = Overpayment.objects.get()
    assert (op.period_from, op.period_to, op.amount) == (OCTOBER, dt.date(2026, 10, 31), Decimal("830.15"))

    # 4. the overpayment: hearing, decision with the discretion exercised, notice, instalment plan
    nav("/finance/overpayments/")
    page.click(f"a[href='/finance/overpayments/{op.pk}/']")
    page.wait_for_url(f"**/finance/overpayments/{op.pk}/")
    page.fill("#id_hearing-note", "Asked the heirs whether they knew of the October payment.")
    page.click("#overpayment-hearing")
    page.wait_for_selector("#overpayment-decide")
    page.select_option("#id_decide-cause", "other")
    page.fill("#id_decide-decided_amount", "830.15")
    page.fill("#id_decide-decision_reasons", "Paid after death; the heirs agree to repay in instalments.")
    page.click("#overpayment-decide")
    page.wait_for_selector("#overpayment-notify")
    page.click("#overpayment-notify")
    page.wait_for_selector("#overpayment-reference")
    op.refresh_from_db()
    assert op.reference_number and op.reference_number in page.locator("#overpayment-reference").inner_text()
    page.select_option("#id_arrange-method", "instalments")
    page.fill("#id_arrange-monthly_amount", "100.00")
    page.fill("#id_arrange-start_month", "2027-01-01")
    page.click("#overpayment-arrange")
    page.wait_for_selector("#overpayment-timeline")
    op.refresh_from_db()
    assert op.status == OverpaymentStatus.RECOVERING
    assert (op.recovery_method, op.monthly_amount) == (RecoveryMethod.INSTALMENTS, Decimal("100.00"))
    assert op.decided_by_id == second.pk
    with translation.override("et"):  # the browser asks for Estonian
        assert page.locator("#overpayment-status").inner_text().strip() == str(op.get_status_display())
