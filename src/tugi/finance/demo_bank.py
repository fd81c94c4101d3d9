"""Demo data of bank files: the released runs' pain.001 files (when the release did not write them)
and, for the latest released run, the bank's answers made by the bank simulator — a pain.002 with
one rejection, a statement debiting the payment blocks, returns (deceased, closed account, one the
bank could not match) and an incoming credit. Safe to run twice: the messages have fixed ids."""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import bank_simulator as bank
from .models import BankFile, InboundFile, PaymentLine, PaymentRun, RunStatus
from .services.bankfiles import write_run_files
from .services.inbound import inbound_import


def _import(content: bytes, name: str, actor: Any, stdout: Any) -> None:
    summary = inbound_import(content=content, filename=name, actor=actor)
    if not summary.get("duplicate"):
        stdout.write(
            f"  bank: {name}: {summary.get('events', 0)} events, {summary.get('unmatched', 0)} unmatched\n"
        )


def load(actor: Any, stdout: Any) -> None:
    runs = list(PaymentRun.objects.filter(status=RunStatus.RELEASED).order_by("month", "benefit"))
    for run in runs:
        if not BankFile.objects.filter(run=run).exists():
            files = write_run_files(run=run, actor=actor)
            stdout.write(f"  bank: {run}: {len(files)} pain.001 files\n")
    if not runs:
        return
    run = runs[-1]
    files = list(BankFile.objects.filter(run=run).order_by("sequence"))
    if not files or InboundFile.objects.filter(message_id=f"DEMO-STS-{run.pk}").exists():
        return
    sent = (
        PaymentLine.objects.filter(run=run, bank_file__isnull=False).select_related("person").order_by("id")
    )
    lines = list(sent[:40])
    if len(lines) < 5:
        return
    deceased = next((ln for ln in lines if ln.person.date_of_death), lines[0])
    others = [ln for ln in lines if ln.pk != deceased.pk]
    rejected, closed, wrong = others[0], others[1], others[2]
    first = files[0]
    _import(
        bank.pain002(
            first.message_id,
            rejected=[(rejected.end_to_end_id, "AC01", "Konto number ei ole õige")],
            msg_id=f"DEMO-STS-{run.pk}",
        ),
        f"pain002-{first.message_id}.xml",
        actor,
        stdout,
    )
    debits = bank.debits_for_run(run)
    # the rejected payment never left: the first block is debited without it
    debits[0]["amount"] -= rejected.net
    _import(
        bank.camt053(debits, version="02", msg_id=f"DEMO-STMT-{run.pk}"),
        "camt053-statement.xml",
        actor,
        stdout,
    )
    on = run.payment_date + dt.timedelta(days=3)
    returns = [
        bank.returned(deceased.end_to_end_id, deceased.net, "MD07", on, "Saaja on surnud"),
        bank.returned(closed.end_to_end_id, closed.net, "AC04", on, "Konto on suletud"),
        bank.returned(f"X{wrong.end_to_end_id}"[:35], wrong.net, "AC01", on, "Tundmatu makse"),
        bank.credit("35.00", "12344", "Õnne Näidis", on, "Enammakse tagastus"),
    ]
    _import(bank.camt054(returns, msg_id=f"DEMO-NTF-{run.pk}"), "camt054-returns.xml", actor, stdout)
