"""Posting to the sub-ledger. ``post`` is the only way money events reach the journal: it refuses
an entry that does not balance, fills each line's dimensions from the account and the benefit type
(``accounts.yaml``), numbers the entry, puts it into the first open month and records it in the
audit log. ``reverse`` corrects an entry by posting its mirror image.

Posting rules (FINANCE.md): accrual Dr benefit expense / Cr payable; payment Dr payable / Cr bank;
return Dr bank / Cr returned payments; overpayment decided Dr receivable / Cr expense; offset Dr
payable / Cr receivable; repayment Dr bank / Cr receivable; write-off Dr write-off expense /
Cr receivable (a reversal of a write-off mirrors it); waiver as write-off."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tugi.core.audit import audit_record
from tugi.core.money import CENT, to_decimal
from tugi.core.permissions import require

from ..audit_events_ledger import LedgerEvent
from ..models import EntryKind, JournalEntry, JournalLine, LedgerAccount, PeriodClose
from ..months import add_months

ACCOUNTS_FILE = Path(__file__).resolve().parent.parent / "accounts.yaml"
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Posting:
    """One side of an entry: ``role`` names the account (``accounts.yaml``)."""

    role: str
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    benefit_type: str = ""
    person_id: int | None = None
    overpayment_id: int | None = None


@lru_cache(maxsize=1)
def chart() -> dict[str, Any]:
    """The account roles, activities, budget lines and source of funding from ``accounts.yaml``."""
    return yaml.safe_load(ACCOUNTS_FILE.read_text(encoding="utf-8"))


def activity_for(benefit_type: str) -> str:
    table = chart()["activities"]
    return str(table.get(benefit_type, table["*"]))


def budget_line_for(benefit_type: str) -> str:
    table = chart()["budget_lines"]
    return str(table.get(benefit_type, table["*"]))


def accounts_ensure(*, actor: Any) -> dict[str, LedgerAccount]:
    """Create or update the ledger accounts from ``accounts.yaml``; returns them by role."""
    out: dict[str, LedgerAccount] = {}
    with transaction.atomic():
        changed = False
        for spec in chart()["accounts"]:
            values = {k: spec.get(k, "") for k in ("code", "name", "kind", "partner", "cash_flow")}
            account = LedgerAccount.objects.filter(role=spec["role"]).first()
            if account is None:
                account = LedgerAccount.objects.create(role=spec["role"], **values)
                changed = True
            elif any(getattr(account, k) != v for k, v in values.items()):
                LedgerAccount.objects.filter(pk=account.pk).update(**values)
                account.refresh_from_db()
                changed = True
            out[spec["role"]] = account
        if changed:
            audit_record(
                event=LedgerEvent.ACCOUNTS_LOADED,
                actor=actor,
                object_type="finance.ledgeraccount",
                object_id="*",
                object_repr="accounts.yaml",
                after={r: a.code for r, a in out.items()},
            )
    return out


def _accounts() -> dict[str, LedgerAccount]:
    return {a.role: a for a in LedgerAccount.objects.all()}


def first_open_period(on: dt.date) -> dt.date:
    """The month of ``on``, or the first month after it that is not closed."""
    period = on.replace(day=1)
    closed = set(PeriodClose.objects.filter(period__gte=period).values_list("period", flat=True))
    while period in closed:
        period = add_months(period, 1)
    return period


def _amount(value: Any, field: str) -> Decimal:
    amount = to_decimal(value if isinstance(value, Decimal | int | str) else str(value))
    if amount < 0:
        raise ValidationError({field: _("An amount in a posting cannot be negative.")})
    if amount != amount.quantize(CENT):
        raise ValidationError({field: _("An amount in a posting must be whole cents.")})
    return amount.quantize(CENT)


def post(
    *,
    kind: EntryKind | str,
    on: dt.date,
    memo: str,
    lines: list[Posting],
    actor: Any,
    source: models.Model | None = None,
    reverses: JournalEntry | None = None,
) -> JournalEntry:
    """Post one balanced entry dated ``on``; it belongs to the first open month from ``on``."""
    if not lines:
        raise ValidationError({"lines": _("An entry needs at least two lines.")})
    accounts = _accounts() or accounts_ensure(actor=actor)
    rows: list[JournalLine] = []
    debit_total = credit_total = ZERO
    for posting in lines:
        account = accounts.get(posting.role)
        if account is None:
            raise ValidationError({"lines": _("Unknown account role %(role)s.") % {"role": posting.role}})
        debit, credit = _amount(posting.debit, "debit"), _amount(posting.credit, "credit")
        if (debit == 0) == (credit == 0):
            raise ValidationError(
                {"lines": _("Each line is either a debit or a credit, not both or neither.")}
            )
        debit_total += debit
        credit_total += credit
        rows.append(
            JournalLine(
                account=account.code,
                partner=account.partner,
                cash_flow=account.cash_flow,
                activity=activity_for(posting.benefit_type) if account.kind in ("expense", "income") else "",
                source=str(chart()["source"]),
                benefit_type=posting.benefit_type,
                budget_line=budget_line_for(posting.benefit_type) if posting.benefit_type else "",
                debit=debit,
                credit=credit,
                person_id=posting.person_id,
                overpayment_id=posting.overpayment_id,
            )
        )
    if debit_total != credit_total:
        raise ValidationError(
            {
                "lines": _("The entry does not balance: debit %(d)s, credit %(c)s.")
                % {"d": debit_total, "c": credit_total}
            }
        )
    with transaction.atomic():
        # PostgreSQL takes no FOR UPDATE with an aggregate (Django drops it): concurrent posts
        # queue on the first account row instead, so entry numbers stay gapless and unique
        list(LedgerAccount.objects.select_for_update().order_by("pk").values_list("pk", flat=True)[:1])
        number = (JournalEntry.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        entry = JournalEntry(
            number=number,
            kind=str(kind),
            posted_on=on,
            period=first_open_period(on),
            memo=memo[:300],
            source_type=source._meta.label_lower if source is not None else "",
            source_id=str(source.pk) if source is not None else "",
            reverses=reverses,
            created_by=actor,
        )
        entry.save(force_insert=True)
        for row in rows:
            row.entry = entry
        JournalLine.objects.bulk_create(rows)
        audit_record(
            event=LedgerEvent.ENTRY_REVERSED if reverses else LedgerEvent.ENTRY_POSTED,
            actor=actor,
            obj=entry,
            after={"kind": str(kind), "period": entry.period, "total": debit_total, "memo": entry.memo},
            reason=memo,
        )
    return entry


def reverse(*, entry: JournalEntry, actor: Any, reason: str, on: dt.date | None = None) -> JournalEntry:
    """Correct ``entry`` by posting its mirror image (debits become credits); an entry is reversed once."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the entry is reversed.")})
    if JournalEntry.objects.filter(reverses=entry).exists():
        raise ValidationError({"entry": _("Entry #%(n)s is already reversed.") % {"n": entry.number}})
    if entry.kind == EntryKind.REVERSAL:
        raise ValidationError({"entry": _("A reversal is not reversed; post the original again.")})
    by_code = {a.code: a.role for a in LedgerAccount.objects.all()}
    mirror = [
        Posting(
            role=by_code[line.account],
            debit=line.credit,
            credit=line.debit,
            benefit_type=line.benefit_type,
            person_id=line.person_id,
            overpayment_id=line.overpayment_id,
        )
        for line in entry.lines.all()
    ]
    return post(
        kind=EntryKind.REVERSAL,
        on=on or timezone.localdate(),
        memo=_("Reversal of #%(n)s: %(why)s") % {"n": entry.number, "why": reason},
        lines=mirror,
        actor=actor,
        reverses=entry,
    )


def entry_reverse(*, entry: JournalEntry, reason: str, actor: Any, on: dt.date | None = None) -> JournalEntry:
    """The reversal form's service: who may post entries corrects ``entry`` with its mirror image."""
    require(actor, "finance.add_journalentry")
    return reverse(entry=entry, actor=actor, reason=reason, on=on)


def period_close(*, period: dt.date, actor: Any, today: dt.date | None = None) -> PeriodClose:
    """Close a past month once: nothing more posts into it (later events post into the first open
    month). Refused while the month has payment runs that are not released; the trial balance
    totals at closing are kept with the close."""
    from ..models import PaymentRun, RunStatus
    from ..selectors_ledger import trial_balance_totals

    require(actor, "finance.add_periodclose")
    period = period.replace(day=1)
    current = (today or timezone.localdate()).replace(day=1)
    if period >= current:
        raise ValidationError({"period": _("Only a past month can be closed.")})
    if PeriodClose.objects.filter(period=period).exists():
        raise ValidationError({"period": _("%(p)s is already closed.") % {"p": f"{period:%Y-%m}"}})
    pending = PaymentRun.objects.filter(month=period).exclude(
        status__in=[RunStatus.RELEASED, RunStatus.DISCARDED, RunStatus.FAILED]
    )
    if pending.exists():
        raise ValidationError(
            {
                "period": _("%(p)s has payment runs not yet released: %(runs)s.")
                % {"p": f"{period:%Y-%m}", "runs": ", ".join(str(r) for r in pending)}
            }
        )
    with transaction.atomic():
        totals = {k: str(v) for k, v in trial_balance_totals(period).items()}
        close = PeriodClose.objects.create(period=period, closed_by=actor, totals=totals)
        audit_record(
            event=LedgerEvent.PERIOD_CLOSED,
            actor=actor,
            obj=close,
            after={"period": f"{period:%Y-%m}", **totals},
        )
    return close
