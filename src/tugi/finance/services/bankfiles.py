"""Outgoing bank files: a released run's paid lines become pain.001.001.09 files, one payment
block per file, at most ``settings.TUGI_PAIN_MAX_TX`` transactions each. Every file is validated
against the official XSD before anything is stored; a file that fails stops the release."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tugi.core.audit import audit_record
from tugi.core.permissions import require

from .. import benefits
from ..audit_events_payments import PaymentEvent
from ..iso20022 import Debtor, Transfer, pain001_build, serialize, validate_pain001
from ..models import BankFile, BankStatus, Benefit, DebtorAccount, LineStatus, PaymentLine, PaymentRun

__all__ = ["bankfile_downloaded", "bankfile_path", "remittance_text", "write_run_files"]

#: remittance text per benefit kind, followed by the month (Estonian, as the beneficiary reads it)
REMITTANCE: dict[str, str] = {
    Benefit.PENSION: "Pension",
    Benefit.FAMILY: "Peretoetus",
    Benefit.OTHER: "Toetus",
}
INITIATOR = "Sotsiaalkindlustusamet"


def remittance_text(run: PaymentRun) -> str:
    return f"{REMITTANCE.get(run.benefit, 'Toetus')} {run.month:%Y-%m}"


def _ids(run: PaymentRun, seq: int) -> tuple[str, str]:
    msg_id = f"TUGI-{run.benefit[:3].upper()}-{run.month:%Y%m}-R{run.pk}-{seq:03d}"
    return msg_id, f"{msg_id}-B1"


def debtor_for(run: PaymentRun) -> DebtorAccount:
    debtor = DebtorAccount.objects.filter(benefit=run.benefit, is_active=True).order_by("code").first()
    if debtor is None:
        raise ValidationError(
            {
                "debtor": _("There is no active debtor account for %(benefit)s.")
                % {"benefit": run.get_benefit_display()}
            }
        )
    return debtor


def bankfile_path(bank_file: BankFile) -> Path:
    return Path(settings.DATA_DIR) / bank_file.path


def write_run_files(*, run: PaymentRun, actor: Any) -> list[BankFile]:
    """Write the run's pain.001 files: the lines to pay (status *pay*, net > 0) in EndToEndId-stable
    order, split at ``TUGI_PAIN_MAX_TX``. All files are built and validated first; if any fails the
    XSD nothing is stored and ``ValidationError({"file": <validator message>})`` is raised."""
    require(actor, "finance.change_paymentrun")
    if run.files.exists():
        raise ValidationError({"run": _("The bank files of this run are already written.")})
    debtor = debtor_for(run)
    max_tx = max(1, int(settings.TUGI_PAIN_MAX_TX))
    purpose = benefits.purpose_code(run.benefit)
    remittance = remittance_text(run)
    rows = list(
        PaymentLine.objects.filter(run=run, status=LineStatus.PAY, net__gt=0)
        .order_by("id")
        .values_list("id", "end_to_end_id", "net", "creditor_name", "iban", "bic", "town", "country")
    )
    if not rows:
        return []
    missing = next((r for r in rows if not r[4]), None)
    if missing is not None:
        raise ValidationError({"iban": _("Line %(e2e)s has no IBAN.") % {"e2e": missing[1]}})
    created_at = timezone.localtime()
    debtor_info = Debtor(name=debtor.name, iban=debtor.iban, bic=debtor.bic)
    built: list[tuple[int, str, str, list[int], int, Decimal, bytes]] = []
    for seq, start in enumerate(range(0, len(rows), max_tx), start=1):
        chunk = rows[start : start + max_tx]
        msg_id, pmt_inf_id = _ids(run, seq)
        transfers = [
            Transfer(e2e, net, name or "-", iban, bic, town, country, purpose, remittance)
            for _id, e2e, net, name, iban, bic, town, country in chunk
        ]
        root = pain001_build(
            msg_id=msg_id,
            pmt_inf_id=pmt_inf_id,
            created_at=created_at,
            initiator=INITIATOR,
            debtor=debtor_info,
            requested_date=run.payment_date,
            transfers=transfers,
        )
        validate_pain001(root)
        total = sum((t.amount for t in transfers), Decimal("0.00"))
        built.append((seq, msg_id, pmt_inf_id, [r[0] for r in chunk], len(chunk), total, serialize(root)))

    folder = Path("finance") / "out" / f"{run.month:%Y-%m}"
    (Path(settings.DATA_DIR) / folder).mkdir(parents=True, exist_ok=True)
    validated_at = timezone.now()
    files: list[BankFile] = []
    with transaction.atomic():
        for seq, msg_id, pmt_inf_id, ids, count, total, content in built:
            relative = folder / f"{msg_id}.xml"
            (Path(settings.DATA_DIR) / relative).write_bytes(content)
            bank_file = BankFile.objects.create(
                run=run,
                debtor=debtor,
                sequence=seq,
                message_id=msg_id,
                payment_info_id=pmt_inf_id,
                nb_of_txs=count,
                ctrl_sum=total,
                requested_date=run.payment_date,
                path=str(relative),
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                validated_at=validated_at,
            )
            # the file's lines are a contiguous id range of the paid lines: one short UPDATE
            PaymentLine.objects.filter(
                run=run, status=LineStatus.PAY, net__gt=0, id__gte=ids[0], id__lte=ids[-1]
            ).update(bank_file=bank_file, bank_status=BankStatus.SENT)
            audit_record(
                event=PaymentEvent.FILE_WRITTEN,
                actor=actor,
                obj=bank_file,
                after={
                    "run": run.pk,
                    "message_id": msg_id,
                    "payment_info_id": pmt_inf_id,
                    "nb_of_txs": count,
                    "ctrl_sum": total,
                    "sha256": bank_file.sha256,
                },
            )
            files.append(bank_file)
    return files


def bankfile_downloaded(*, bank_file: BankFile, actor: Any) -> bytes:
    """The stored bytes of a validated file; counts the download and records who took it."""
    require(actor, "finance.view_bankfile")
    if bank_file.validated_at is None:
        raise ValidationError({"file": _("Only a file validated against the XSD can be downloaded.")})
    content = bankfile_path(bank_file).read_bytes()
    if hashlib.sha256(content).hexdigest() != bank_file.sha256:
        raise ValidationError({"file": _("The stored file differs from the one written (SHA-256).")})
    with transaction.atomic():
        BankFile.objects.filter(pk=bank_file.pk).update(downloads=F("downloads") + 1)
        audit_record(
            event=PaymentEvent.FILE_DOWNLOADED,
            actor=actor,
            obj=bank_file,
            after={"message_id": bank_file.message_id, "sha256": bank_file.sha256},
        )
    return content
