"""Reads of bank files: outgoing files per run, incoming files and their events, unmatched events,
and the reconciliation of a run (run ↔ files ↔ pain.002 ↔ statement debits ↔ returns)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from tugi.core.money import summed

from .models import (
    BankEvent,
    BankEventKind,
    BankFile,
    BankStatus,
    InboundFile,
    LineStatus,
    PaymentLine,
    PaymentRun,
)

ZERO = Decimal("0.00")


def bank_files(run_id: int | None = None) -> QuerySet[BankFile]:
    qs = BankFile.objects.select_related("run", "debtor").order_by("-run__month", "run_id", "sequence")
    return qs.filter(run_id=run_id) if run_id else qs


def inbound_files() -> QuerySet[InboundFile]:
    return InboundFile.objects.select_related("imported_by").annotate(
        event_count=Count("events"), unmatched_count=Count("events", filter=Q(events__matched=False))
    )


def bank_events() -> QuerySet[BankEvent]:
    return BankEvent.objects.select_related("file", "line", "bank_file", "overpayment").order_by(
        "-file__created_at", "id"
    )


def unmatched_count() -> int:
    return BankEvent.objects.filter(matched=False).count()


def reconciliation(run: PaymentRun) -> dict[str, Any]:
    """Everything a specialist compares for one run, with the differences found."""
    paid = PaymentLine.objects.filter(run=run, status=LineStatus.PAY, net__gt=0).aggregate(
        n=Count("id"), total=Sum("net")
    )
    run_count, run_total = paid["n"] or 0, summed(paid["total"])
    differences: list[str] = []
    files = list(BankFile.objects.filter(run=run).order_by("sequence"))
    status_rows = list(
        PaymentLine.objects.filter(run=run, bank_file__isnull=False)
        .values("bank_file_id", "bank_status")
        .annotate(n=Count("id"), total=Sum("net"))
    )
    by_file: dict[int, Counter[str]] = {}
    rejected_sum: dict[int, Decimal] = {}
    for row in status_rows:
        by_file.setdefault(row["bank_file_id"], Counter())[row["bank_status"]] += row["n"]
        if row["bank_status"] == BankStatus.REJECTED:
            rejected_sum[row["bank_file_id"]] = summed(row["total"])
    debits: dict[int, list[BankEvent]] = {}
    for ev in BankEvent.objects.filter(kind=BankEventKind.DEBIT, bank_file__run=run).order_by("id"):
        debits.setdefault(ev.bank_file_id or 0, []).append(ev)
    rows = []
    not_debited: list[str] = []
    for f in files:
        statuses = by_file.get(f.pk, Counter())
        expected = f.ctrl_sum - rejected_sum.get(f.pk, ZERO)
        matched = [e for e in debits.get(f.pk, []) if e.matched]
        mismatched = [e for e in debits.get(f.pk, []) if not e.matched]
        differences.extend(e.reason_text for e in mismatched)
        shown = matched or mismatched
        debited = sum((e.amount or ZERO for e in shown), ZERO) if shown else None
        if not matched and not mismatched:
            not_debited.append(f.message_id)
        rows.append(
            {
                "file": f,
                "statuses": dict(statuses),
                "accepted": statuses[BankStatus.ACCEPTED]
                + statuses[BankStatus.BOOKED]
                + statuses[BankStatus.RETURNED],
                "rejected": statuses[BankStatus.REJECTED],
                "expected": expected,
                "debited": debited,
                "debit_matched": bool(matched),
                "booked_on": shown[0].booked_on if shown else None,
                "difference": (debited - expected) if debited is not None else None,
            }
        )
    files_count = sum(f.nb_of_txs for f in files)
    files_total = sum((f.ctrl_sum for f in files), ZERO)
    if files and (files_count != run_count or files_total != run_total):
        differences.append(
            _("Files hold %(fn)s payments for %(ft)s; the run pays %(rn)s for %(rt)s.")
            % {"fn": files_count, "ft": files_total, "rn": run_count, "rt": run_total}
        )
    returns: list[dict[str, Any]] = [
        {**row, "total": summed(row["total"]), "status_label": BankStatus(row["bank_status"]).label}
        for row in PaymentLine.objects.filter(
            run=run, bank_status__in=[BankStatus.RETURNED, BankStatus.REJECTED]
        )
        .values("bank_status", "bank_reason")
        .annotate(n=Count("id"), total=Sum("net"))
        .order_by("bank_status", "bank_reason")
    ]
    return {
        "run": run,
        "run_count": run_count,
        "run_total": run_total,
        "files": rows,
        "files_count": files_count,
        "files_total": files_total,
        "returns": returns,
        "returned_total": sum((r["total"] for r in returns), ZERO),
        "not_debited": not_debited,
        "differences": differences,
        "reconciled": bool(files) and not differences and not not_debited,
    }
