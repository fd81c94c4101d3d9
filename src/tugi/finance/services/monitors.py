"""Monitors (seire): create and change saved checks, run one or all of them, seed the defaults.

A run stores a ``MonitorResult`` (outcome, row count, columns, the first 100 rows with personal
codes masked, duration) and, when the check finds rows, notifies the topic ``finance-monitors``
once per monitor and day. Rows are never logged."""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tugi.core.audit import audit_record
from tugi.core.crud import assign, save_changes, save_new
from tugi.core.permissions import require

from ..audit_events_monitors import MonitorEvent
from ..checks import check_get
from ..models import Monitor, MonitorKind, MonitorOutcome, MonitorResult
from .monitor_sql import MonitorSQLError, run_readonly, sql_validate

__all__ = [
    "DEFAULT_MONITORS",
    "mask_codes",
    "monitor_create",
    "monitor_run",
    "monitor_test_run",
    "monitor_update",
    "monitors_ensure_defaults",
    "monitors_run_all",
]

logger = logging.getLogger(__name__)

TOPIC = "finance-monitors"
ROW_LIMIT = 100
EDITABLE = ("code", "name", "description", "kind", "sql", "check_name", "is_active", "owner")

#: An Estonian personal code: century/sex digit, birth date, serial and check digit.
PERSONAL_CODE = re.compile(r"(?<!\d)([1-6]\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))\d{4}(?!\d)")


def _mask_text(text: str) -> str:
    return PERSONAL_CODE.sub(lambda m: f"{m.group(1)}****", text)


def mask_codes(value: Any) -> Any:
    """A JSON-safe copy of one result value with every personal code masked (first 7 digits kept)."""
    if value is None or isinstance(value, bool | float):
        return value
    if isinstance(value, int):
        masked = _mask_text(str(value))
        return value if masked == str(value) else masked
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return f"<{len(bytes(value))} bytes>"
    return _mask_text(str(value))


def _clean(monitor: Monitor) -> None:
    if monitor.kind == MonitorKind.SQL:
        monitor.sql = sql_validate(monitor.sql)
        monitor.check_name = ""
    elif monitor.kind == MonitorKind.PYTHON:
        if check_get(monitor.check_name) is None:
            raise ValidationError(
                {
                    "check_name": _("There is no registered check %(name)s.")
                    % {"name": monitor.check_name or "—"}
                }
            )
        monitor.sql = ""
    else:
        raise ValidationError({"kind": _("Choose the kind: read-only SQL or a registered check.")})


def monitor_create(*, actor: Any, reason: str = "", **values: Any) -> Monitor:
    """A new monitor. SQL must be one read-only statement; a registered check must exist."""
    require(actor, "finance.add_monitor")
    monitor = Monitor(created_by=actor)
    assign(monitor, values, EDITABLE, keep_spaces=("sql",))
    if not monitor.owner_id:
        monitor.owner = actor
    _clean(monitor)
    with transaction.atomic():
        return save_new(monitor, event=MonitorEvent.MONITOR_CREATED, actor=actor, reason=reason)


def monitor_update(*, monitor: Monitor, actor: Any, reason: str = "", **values: Any) -> Monitor:
    require(actor, "finance.change_monitor")
    with transaction.atomic():
        monitor = Monitor.objects.select_for_update().get(pk=monitor.pk)
        before = monitor.audit_snapshot()
        assign(monitor, values, EDITABLE, keep_spaces=("sql",))
        _clean(monitor)
        save_changes(monitor, before, event=MonitorEvent.MONITOR_UPDATED, actor=actor, reason=reason)
    return monitor


def _execute(monitor: Monitor, today: dt.date) -> tuple[list[str], list[list[Any]], int]:
    if monitor.kind == MonitorKind.SQL:
        return run_readonly(sql_validate(monitor.sql), limit=ROW_LIMIT)
    found = check_get(monitor.check_name)
    if found is None:
        raise MonitorSQLError(_("There is no registered check %(name)s.") % {"name": monitor.check_name})
    columns, rows = found.run(today)
    return list(columns), [list(r) for r in rows[:ROW_LIMIT]], len(rows)


def monitor_test_run(*, sql: str, actor: Any) -> dict[str, Any]:
    """Try SQL without saving anything: {columns, rows (masked), count} or a ValidationError on ``sql``."""
    require(actor, "finance.add_monitor")
    text = sql_validate(sql)
    try:
        columns, rows, count = run_readonly(text, limit=20)
    except MonitorSQLError as exc:
        raise ValidationError({"sql": str(exc)}) from exc
    return {"columns": columns, "rows": [[mask_codes(v) for v in r] for r in rows], "count": count}


def monitor_run(*, monitor: Monitor, actor: Any, today: dt.date | None = None) -> MonitorResult:
    """Run one monitor now and keep its result; notify when it found rows (once a day)."""
    require(actor, "finance.change_monitor")
    today = today or timezone.localdate()
    started = time.monotonic()
    error = ""
    columns: list[str] = []
    rows: list[list[Any]] = []
    count = 0
    try:
        columns, rows, count = _execute(monitor, today)
    except (MonitorSQLError, ValidationError) as exc:
        error = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    except Exception as exc:  # a registered check that fails must not stop the others
        logger.warning("monitor %s failed: %s", monitor.code, type(exc).__name__)
        error = _("The check failed: %(error)s") % {"error": type(exc).__name__}
    duration = int((time.monotonic() - started) * 1000)
    outcome = MonitorOutcome.ERROR if error else (MonitorOutcome.FOUND if count else MonitorOutcome.CLEAN)
    with transaction.atomic():
        result = MonitorResult.objects.create(
            monitor=monitor,
            ran_at=timezone.now(),
            outcome=outcome,
            row_count=count,
            columns=[str(c) for c in columns],
            rows=[[mask_codes(v) for v in r] for r in rows],
            duration_ms=duration,
            error=error,
            ran_by=actor,
        )
        Monitor.objects.filter(pk=monitor.pk).update(
            last_run_at=result.ran_at, last_outcome=outcome, last_count=count, updated_at=timezone.now()
        )
        monitor.last_run_at, monitor.last_outcome, monitor.last_count = result.ran_at, outcome, count
        audit_record(
            event=MonitorEvent.MONITOR_RUN,
            actor=actor,
            obj=monitor,
            after={"result": result.pk, "outcome": outcome, "rows": count, "duration_ms": duration},
        )
        if outcome == MonitorOutcome.FOUND:
            _notify_found(monitor, result, actor, today)
    return result


def _notify_found(monitor: Monitor, result: MonitorResult, actor: Any, today: dt.date) -> None:
    from tugi.core.context import system_actor
    from tugi.core.services import notify, topic_ensure

    topic_ensure(code=TOPIC, name=str(_("Finance monitors")), actor=system_actor())
    notify(
        topic=TOPIC,
        subject=_("Monitor %(name)s found %(count)s rows")
        % {"name": monitor.name, "count": result.row_count},
        body=_("The monitor %(name)s found %(count)s rows on %(day)s. Open the result to see them.")
        % {"name": monitor.name, "count": result.row_count, "day": today.isoformat()},
        actor=actor,
        dedup_key=f"finance-monitor-{monitor.pk}-{today.isoformat()}",
        url=reverse("finance:monitor_result", args=[monitor.pk, result.pk]),
        users=[monitor.owner] if monitor.owner_id else [],
    )


def monitors_run_all(
    *, actor: Any, today: dt.date | None = None, progress: Callable[[int, str], None] | None = None
) -> dict[str, int]:
    """Run every active monitor; a summary {clean, found, error}."""
    require(actor, "finance.change_monitor")
    summary = {"clean": 0, "found": 0, "error": 0}
    monitors = list(Monitor.objects.filter(is_active=True).order_by("code"))
    for i, monitor in enumerate(monitors):
        if progress:
            progress(int(100 * i / max(1, len(monitors))), monitor.name)
        result = monitor_run(monitor=monitor, actor=actor, today=today)
        summary[result.outcome] += 1
    return summary


# ---- seeded checks ---------------------------------------------------------------------------

DEFAULT_MONITORS: list[dict[str, Any]] = [
    {
        "code": "paid-after-death",
        "name": "Payments after death",
        "description": (
            "Lines to be paid (not returned) of computed, approved or released runs for a month that "
            "begins after the person's date of death, i.e. months after the month of death."
        ),
        "kind": MonitorKind.SQL,
        "sql": """SELECT p.personal_code, p.date_of_death, r.month, l.net, l.end_to_end_id
FROM finance_paymentline l
JOIN finance_paymentrun r ON r.id = l.run_id
JOIN core_person p ON p.id = l.person_id
WHERE p.date_of_death IS NOT NULL
  AND r.month > p.date_of_death
  AND l.status = 'pay'
  AND l.bank_status <> 'returned'
  AND r.status IN ('computed', 'approved', 'released')
ORDER BY r.month, l.id""",
    },
    {
        "code": "two-pensions-same-type",
        "name": "Two pensions of one type for one person",
        "description": "Persons with two pensions of the same type that are both in payment.",
        "kind": MonitorKind.SQL,
        "sql": """SELECT p.personal_code, t.code AS pension_type, a.id AS pension_1, b.id AS pension_2
FROM pensions_pension a
JOIN pensions_pension b
  ON b.person_id = a.person_id AND b.pension_type_id = a.pension_type_id AND b.id > a.id
JOIN pensions_pensiontype t ON t.id = a.pension_type_id
JOIN core_person p ON p.id = a.person_id
WHERE a.status = 'in_payment' AND b.status = 'in_payment'
ORDER BY a.person_id, a.id""",
    },
    {
        "code": "gross-differs-from-amount",
        "name": "Payment differs from the pension amount",
        "description": (
            "Lines whose gross differs from the pension's amount in force on the first day of the "
            "month paid (the latest PensionAmount valid from that day or earlier)."
        ),
        "kind": MonitorKind.SQL,
        "sql": """SELECT p.personal_code, r.month, l.gross, pa.amount AS amount_in_force, l.end_to_end_id
FROM finance_paymentline l
JOIN finance_paymentrun r ON r.id = l.run_id
JOIN core_person p ON p.id = l.person_id
JOIN pensions_pensionamount pa ON pa.pension_id = l.pension_id
WHERE pa.id = (
    SELECT pa2.id FROM pensions_pensionamount pa2
    WHERE pa2.pension_id = l.pension_id AND pa2.valid_from <= r.month
    ORDER BY pa2.valid_from DESC, pa2.id DESC
    LIMIT 1)
  AND l.gross <> pa.amount
  AND r.status IN ('computed', 'approved', 'released')
ORDER BY r.month, l.id""",
    },
    {
        "code": "iban-shared",
        "name": "One IBAN shared by different persons",
        "description": (
            "Current accounts (each person's latest given account) with the same IBAN for two "
            "different persons. Simplification: any two different persons count as unrelated; "
            "family ties are not known here, so a spouse's shared account is listed too."
        ),
        "kind": MonitorKind.SQL,
        "sql": """WITH cur AS (
    SELECT b.person_id, b.iban FROM finance_bankaccount b
    WHERE b.id = (
        SELECT b2.id FROM finance_bankaccount b2
        WHERE b2.person_id = b.person_id
        ORDER BY b2.given_on DESC, b2.id DESC
        LIMIT 1)
)
SELECT c1.iban, p1.personal_code AS person_1, p2.personal_code AS person_2
FROM cur c1
JOIN cur c2 ON c2.iban = c1.iban AND c2.person_id > c1.person_id
JOIN core_person p1 ON p1.id = c1.person_id
JOIN core_person p2 ON p2.id = c2.person_id
ORDER BY c1.iban, c1.person_id, c2.person_id""",
    },
    {
        "code": "overpayment-limitation-idle",
        "name": "Overpayment near limitation without action",
        "description": (
            "Open overpayments whose limitation date is within the warning days (the dated "
            "parameter, 90 days by default) and with no action in the last 30 days."
        ),
        "kind": MonitorKind.PYTHON,
        "check_name": "overpayment_limitation_idle",
    },
    {
        "code": "negative-payment",
        "name": "Negative payment",
        "description": "Lines of runs that are not discarded with a negative gross or net amount.",
        "kind": MonitorKind.SQL,
        "sql": """SELECT p.personal_code, r.month, l.gross, l.deduction, l.net, l.end_to_end_id
FROM finance_paymentline l
JOIN finance_paymentrun r ON r.id = l.run_id
JOIN core_person p ON p.id = l.person_id
WHERE (l.net < 0 OR l.gross < 0)
  AND r.status NOT IN ('discarded', 'failed')
ORDER BY r.month, l.id""",
    },
]


def monitors_ensure_defaults(*, actor: Any) -> list[Monitor]:
    """The seeded checks, created when missing (a specialist's later changes are kept)."""
    out: list[Monitor] = []
    for values in DEFAULT_MONITORS:
        existing = Monitor.objects.filter(code=values["code"]).first()
        if existing is None:
            existing = monitor_create(actor=actor, reason="seeded check", **values)
        out.append(existing)
    return out
