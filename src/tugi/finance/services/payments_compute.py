"""Computing a payment run: one line per pension in payment on the 1st of the month.

The register, the accounts, the holds and the offsets due are each read with one query; the lines
are built in Python and stored with COPY on PostgreSQL (``bulk_create`` elsewhere), so the number
of queries does not grow with the number of pensions (320 000 lines in a few seconds).

A line is *held* (not paid) when the person has no account, the account's IBAN is not valid, the
person's payments are held, or the person died before the month. Offsets against overpayments
are deducted up to ``deduction_cap`` × gross, in the order the overpayments topic gives them.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tugi.core.audit import audit_record
from tugi.core.money import round_cents
from tugi.core.services.runs import NoProgress

from ..audit_events_payments import PaymentEvent
from ..models import FinanceParameterName, LineStatus, PaymentLine, PaymentRun, RunStatus
from ..selectors_overpayments import OffsetDue, offsets_due
from ..selectors_payments import (
    HOLD_DECEASED,
    HOLD_HOLD_PREFIX,
    HOLD_INVALID_IBAN,
    HOLD_NO_ACCOUNT,
    current_account_rows,
    parameter_value,
    previous_run,
)

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
BATCH = 5000
TOP_CHANGES = 10
PREFIX = {"pension": "P", "family": "F", "other": "O"}

#: The columns a line is stored with, in COPY order.
LINE_COLUMNS = [
    "run_id",
    "person_id",
    "pension_id",
    "benefit_type",
    "budget_line",
    "gross",
    "deduction",
    "net",
    "deductions",
    "status",
    "hold_reason",
    "creditor_name",
    "iban",
    "bic",
    "town",
    "country",
    "end_to_end_id",
    "bank_status",
    "bank_reason",
]


_LETTERS = {ord(c): str(ord(c) - 55) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
_IBAN_LENGTHS = {"EE": 20, "LV": 21, "LT": 20, "FI": 18, "DE": 22, "SE": 24}


def iban_valid(iban: str) -> bool:
    """A fast structural check (country length where known, ISO 7064 mod 97); the account
    services check fully with schwifty when an account is given."""
    if not iban or len(iban) < 15 or len(iban) > 34 or not iban.isalnum() or not iban[:2].isalpha():
        return False
    expected = _IBAN_LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        return False
    digits = (iban[4:] + iban[:4]).upper().translate(_LETTERS)
    return digits.isdigit() and int(digits) % 97 == 1


@lru_cache(maxsize=4096)
def _bic_for(prefix_iban: str) -> str:
    from schwifty import IBAN
    from schwifty.exceptions import SchwiftyException

    try:
        bic = IBAN(prefix_iban).bic
    except SchwiftyException:
        return ""
    return str(bic) if bic is not None else ""


@lru_cache(maxsize=64)
def _budget_line(benefit_type: str) -> str:
    from .ledger import budget_line_for

    return budget_line_for(benefit_type)[:20]


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _money(value: Any) -> Decimal:
    if value is None:
        return ZERO
    if isinstance(value, Decimal):
        return value.quantize(CENT)
    return Decimal(str(value)).quantize(CENT)


def register_rows(month: dt.date) -> list[tuple[Any, ...]]:
    """(pension id, person id, first name, last name, date of death, type code, amount on the 1st)
    of every pension in payment on ``month``, in one query on a plain cursor."""
    from django.db.models import DecimalField, OuterRef, Subquery

    from tugi.pensions.selectors import pensions_in_payment

    qs = pensions_in_payment(month)
    amount_model: Any = qs.model._meta.get_field("amounts").related_model
    latest = amount_model.objects.filter(pension=OuterRef("pk"), valid_from__lte=month).order_by(
        "-valid_from", "-id"
    )
    amount = Subquery(latest.values("amount")[:1], output_field=DecimalField(max_digits=14, decimal_places=2))
    rows_qs = (
        qs.annotate(amount_on=amount)
        .order_by("pk")
        .values_list(
            "pk",
            "person_id",
            "person__first_name",
            "person__last_name",
            "person__date_of_death",
            "pension_type__code",
            "amount_on",
        )
    )
    sql, params = rows_qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _offsets_due(month: dt.date) -> dict[int, list[OffsetDue]]:
    """Person id → the overpayments to offset from their payment of ``month``, oldest first."""
    return offsets_due(month)


def _allocate(
    gross: Decimal, cap_share: Decimal, due: list[OffsetDue]
) -> tuple[Decimal, list[dict[str, Any]]]:
    """Deduct the offsets due in their order, each at most its monthly amount and balance, all
    together at most ``cap_share`` × gross."""
    room = round_cents(gross * cap_share)
    taken: list[dict[str, Any]] = []
    total = ZERO
    for item in due:
        if room <= 0:
            break
        want = min(_money(item.monthly_amount), _money(item.balance))
        amount = min(want, room)
        if amount <= 0:
            continue
        taken.append({"overpayment": item.overpayment_id, "amount": f"{amount:.2f}"})
        total += amount
        room -= amount
    return total, taken


def build_lines(run: PaymentRun, progress: Any) -> list[tuple[Any, ...]]:
    """The run's lines as tuples in ``LINE_COLUMNS`` order."""
    month = run.month
    progress.update(percent=5, step=_("Reading the pensions in payment"))
    rows = register_rows(month)
    progress.update(percent=25, step=_("Reading accounts, holds and offsets"))
    accounts = current_account_rows()
    held = _held_reasons()
    due = _offsets_due(month)
    cap = parameter_value(FinanceParameterName.DEDUCTION_CAP, run.benefit, month)
    cap_share = Decimal("0.5") if cap is None else Decimal(cap)
    prefix = PREFIX.get(run.benefit, "X")
    progress.update(percent=40, step=_("Building the lines"))
    lines: list[tuple[Any, ...]] = []
    append = lines.append
    for pension_id, person_id, first, last, died, type_code, amount in rows:
        gross = _money(amount)
        reason = ""
        account = accounts.get(person_id)
        died_on = _date(died)
        if died_on is not None and died_on < month:
            reason = HOLD_DECEASED
        elif person_id in held:
            reason = held[person_id]
        elif account is None:
            reason = HOLD_NO_ACCOUNT
        elif not iban_valid(account[0]):
            reason = HOLD_INVALID_IBAN
        deduction, taken = ZERO, list[dict[str, Any]]()
        person_due = due.get(person_id)
        if person_due and not reason:
            deduction, taken = _allocate(gross, cap_share, person_due)
        iban, bic, town, country = account or ("", "", "", "")
        if iban and not bic and not reason:
            bic = _bic_for(iban)
        append(
            (
                run.pk,
                person_id,
                pension_id,
                type_code,
                _budget_line(type_code),
                gross,
                deduction,
                gross - deduction,
                taken,
                LineStatus.HELD if reason else LineStatus.PAY,
                reason,
                f"{first} {last}".strip()[:140],
                iban,
                bic,
                town[:35],
                country,
                f"{prefix}{run.pk}-{pension_id}",
                "not_sent",
                "",
            )
        )
    return lines


def _held_reasons() -> dict[int, str]:
    """Person id → the hold reason key of everyone whose payments are held (one query)."""
    from ..models import PaymentHold

    rows = PaymentHold.objects.filter(released_at__isnull=True).values_list("person_id", "reason")
    return {pid: f"{HOLD_HOLD_PREFIX}:{reason}" for pid, reason in rows}


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(line: tuple[Any, ...], dumps: Any) -> str:
    """One line in PostgreSQL's COPY text format (the free-text fields escaped)."""
    values = [*line[:8], dumps(line[8]) if line[8] else "[]", *line[9:]]
    values[11] = values[11].translate(_COPY_ESCAPES)  # creditor name
    values[14] = values[14].translate(_COPY_ESCAPES)  # town
    return "\t".join(str(v) for v in values) + "\n"


def store_lines(run_id: int, lines: list[tuple[Any, ...]]) -> None:
    """Replace the run's lines: COPY on PostgreSQL, ``bulk_create`` elsewhere."""
    import json

    PaymentLine.objects.filter(run_id=run_id).delete()
    if connection.vendor == "postgresql":
        table = PaymentLine._meta.db_table
        columns = ", ".join(LINE_COLUMNS)
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for start in range(0, len(lines), BATCH):
                    chunk = lines[start : start + BATCH]
                    copy.write("".join(_copy_text(line, json.dumps) for line in chunk).encode())
        return
    objs = [PaymentLine(**dict(zip(LINE_COLUMNS, line, strict=True))) for line in lines]
    PaymentLine.objects.bulk_create(objs, batch_size=BATCH)


def _s(value: Decimal) -> str:
    return f"{value:.2f}"


def review(
    run: PaymentRun, lines: list[tuple[Any, ...]]
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(counts, totals, review) of the computed lines against last month's approved/released run."""
    i_person, i_pension, i_type, i_gross, i_ded, i_net, i_status, i_reason = 1, 2, 3, 5, 6, 7, 9, 10
    counts: dict[str, Any] = {"lines": len(lines), "paid": 0, "held": 0, "with_deduction": 0}
    gross = ded = net = held_sum = ZERO
    by_type: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"count": 0, "gross": ZERO, "deduction": ZERO, "net": ZERO}
    )
    held_by: dict[str, dict[str, Any]] = defaultdict(lambda: {"count": 0, "gross": ZERO})
    current: dict[int, tuple[int, Decimal]] = {}
    for line in lines:
        if line[i_status] == LineStatus.HELD:
            counts["held"] += 1
            held_sum += line[i_gross]
            h = held_by[line[i_reason]]
            h["count"] += 1
            h["gross"] += line[i_gross]
            continue
        counts["paid"] += 1
        if line[i_ded]:
            counts["with_deduction"] += 1
        gross += line[i_gross]
        ded += line[i_ded]
        net += line[i_net]
        t = by_type[line[i_type]]
        t["count"] += 1
        t["gross"] += line[i_gross]
        t["deduction"] += line[i_ded]
        t["net"] += line[i_net]
        current[line[i_pension]] = (line[i_person], line[i_gross])
    totals = {"gross": _s(gross), "deduction": _s(ded), "net": _s(net), "held_gross": _s(held_sum)}
    result: dict[str, Any] = {
        "held_by_reason": {k: {"count": v["count"], "gross": _s(v["gross"])} for k, v in held_by.items()},
        "by_type": {
            k: {
                "count": v["count"],
                "gross": _s(v["gross"]),
                "deduction": _s(v["deduction"]),
                "net": _s(v["net"]),
            }
            for k, v in sorted(by_type.items())
        },
        "changes": _changes(run, current),
    }
    return counts, totals, result


def _changes(run: PaymentRun, current: dict[int, tuple[int, Decimal]]) -> dict[str, Any]:
    from tugi.core.models import Person

    before = previous_run(run)
    if before is None:
        return {"previous": None}
    rows = PaymentLine.objects.filter(run=before, status=LineStatus.PAY).values_list(
        "pension_id", "person_id", "gross"
    )
    old: dict[int, tuple[int, Decimal]] = {r[0]: (r[1], r[2]) for r in rows}
    new_ids = current.keys() - old.keys()
    stopped_ids = old.keys() - current.keys()
    changed = [
        (pid, current[pid], old[pid]) for pid in current.keys() & old.keys() if current[pid][1] != old[pid][1]
    ]
    diffs = sorted(changed, key=lambda c: (-abs(c[1][1] - c[2][1]), c[0]))[:TOP_CHANGES]
    persons = {p.pk: p.masked_code for p in Person.objects.filter(pk__in=[c[1][0] for c in diffs])}
    return {
        "previous": {"id": before.pk, "month": f"{before.month:%Y-%m}"},
        "new": {"count": len(new_ids), "gross": _s(sum((current[i][1] for i in new_ids), ZERO))},
        "stopped": {"count": len(stopped_ids), "gross": _s(sum((old[i][1] for i in stopped_ids), ZERO))},
        "changed": {
            "count": len(changed),
            "difference": _s(sum((c[1][1] - c[2][1] for c in changed), ZERO)),
        },
        "top": [
            {
                "pension": pid,
                "person": persons.get(now[0], ""),
                "before": _s(was[1]),
                "after": _s(now[1]),
                "difference": _s(now[1] - was[1]),
            }
            for pid, now, was in diffs
        ],
    }


def _fail(run_id: int, message: str) -> None:
    from .payments import announce

    with transaction.atomic():
        run = PaymentRun.objects.select_for_update().get(pk=run_id)
        if run.status != RunStatus.COMPUTING:
            return
        run.status, run.error = RunStatus.FAILED, message[:5000]
        run.save(update_fields=["status", "error", "updated_at"])
        actor = run.computed_by or run.created_by
        audit_record(
            event=PaymentEvent.RUN_FAILED,
            actor=actor,
            obj=run,
            before={"status": RunStatus.COMPUTING},
            after={"status": RunStatus.FAILED, "error": run.error},
        )
        announce(run, "failed", actor)


def run_compute_execute(*, run_id: int, progress: Any | None = None) -> dict[str, Any]:
    """Compute a run that is ``computing``: store its lines and review, mark it computed (or
    failed with the error kept, the error raised again)."""
    from .payments import announce

    progress = progress or NoProgress()
    run = PaymentRun.objects.get(pk=run_id)
    if run.status != RunStatus.COMPUTING:
        return {"run": run.pk, "status": run.status}
    started = time.monotonic()
    try:
        lines = build_lines(run, progress)
        progress.update(percent=60, step=_("Checking against last month"))
        counts, totals, result = review(run, lines)
        progress.update(percent=75, step=_("Storing the lines"))
        with transaction.atomic():
            run = PaymentRun.objects.select_for_update().get(pk=run_id)
            if run.status != RunStatus.COMPUTING:
                return {"run": run.pk, "status": run.status}
            store_lines(run.pk, lines)
            run.counts, run.totals, run.review = counts, totals, result
            run.duration_ms = int((time.monotonic() - started) * 1000)
            run.status, run.computed_at = RunStatus.COMPUTED, timezone.now()
            run.save()
            actor = run.computed_by or run.created_by
            audit_record(
                event=PaymentEvent.RUN_COMPUTED,
                actor=actor,
                obj=run,
                before={"status": RunStatus.COMPUTING},
                after={"status": RunStatus.COMPUTED, "counts": counts, "totals": totals},
            )
            announce(run, "computed", actor)
        progress.update(percent=100, step=_("Computed"))
    except Exception as exc:
        _fail(
            run_id,
            "\n".join(exc.messages) if isinstance(exc, ValidationError) else f"{type(exc).__name__}: {exc}",
        )
        raise
    return {"run": run.pk, "status": run.status, **counts}
