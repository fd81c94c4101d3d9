"""Organisation units and accounts: joiner, mover, leaver, and the HR import that drives them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tugi.core.audit import audit_record, register_event_types
from tugi.core.crud import assign, save_changes, save_new
from tugi.core.imports import ImportError_, LineError, read_csv_rows
from tugi.core.permissions import require

from ..audit_events import AccessEvent
from ..models import Account, Assignment, AssignmentStatus, EmploymentStatus, OrgUnit

ACCOUNT_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "employee_id",
    "org_unit",
    "position",
    "manager",
    "user",
)


def _assign(obj: Any, values: dict[str, Any]) -> None:
    assign(obj, values, ACCOUNT_FIELDS)


@transaction.atomic
def org_unit_create(*, code: str, name: str, kind: str, actor: Any, reason: str = "") -> OrgUnit:
    require(actor, "access.add_orgunit")
    unit = OrgUnit(code=(code or "").strip(), name=(name or "").strip(), kind=kind)
    return save_new(unit, event=AccessEvent.ORG_UNIT_CREATED, actor=actor, reason=reason)


@transaction.atomic
def account_create(*, actor: Any, reason: str = "", **values: Any) -> Account:
    """A joiner: a new account (assignments come through requests or direct assignment)."""
    require(actor, "access.add_account")
    account = Account()
    _assign(account, values)
    if account.manager_id and account.manager_id == account.pk:
        raise ValidationError({"manager": _("An account cannot be its own manager.")})
    return save_new(account, event=AccessEvent.ACCOUNT_CREATED, actor=actor, reason=reason)


@transaction.atomic
def account_update(*, account: Account, actor: Any, reason: str = "", **values: Any) -> Account:
    """Change an account. A mover (another unit or position) has every active assignment flagged
    for review; the one audit event is then ``account_moved`` and lists the flagged assignments."""
    require(actor, "access.change_account")
    account = Account.objects.select_for_update().get(pk=account.pk)
    before = account.audit_snapshot()
    _assign(account, values)
    if account.manager_id == account.pk:
        raise ValidationError({"manager": _("An account cannot be its own manager.")})
    account.full_clean()
    after = account.audit_snapshot()
    if after == before:
        return account
    account.save()
    moved = (before["org_unit"], before["position"]) != (account.org_unit_id, account.position)
    event = AccessEvent.ACCOUNT_UPDATED
    if moved and account.status == EmploymentStatus.ACTIVE:
        event = AccessEvent.ACCOUNT_MOVED
        flagged = Assignment.objects.filter(
            account=account, status=AssignmentStatus.ACTIVE, needs_review=False
        )
        after["assignments_flagged"] = sorted(flagged.values_list("pk", flat=True))
        flagged.update(needs_review=True)
    audit_record(event=event, actor=actor, obj=account, before=before, after=after, reason=reason)
    return account


@transaction.atomic
def account_leave(*, account: Account, left_on: dt.date, actor: Any, reason: str = "") -> Account:
    """A leaver: employment ends, every assignment ends on the leaving date, and one that was to
    start after it is cancelled (it never grants)."""
    from .assignments import assignment_cancel, assignment_end

    require(actor, "access.change_account")
    account = Account.objects.select_for_update().get(pk=account.pk)
    if account.status == EmploymentStatus.LEAVER and account.left_on == left_on:
        return account
    before = account.audit_snapshot()
    account.status, account.left_on = EmploymentStatus.LEAVER, left_on
    save_changes(account, before, event=AccessEvent.ACCOUNT_LEFT, actor=actor, reason=reason)
    for assignment in Assignment.objects.filter(account=account, status=AssignmentStatus.ACTIVE):
        if assignment.valid_from > left_on:
            assignment_cancel(assignment=assignment, actor=actor, reason=_("left the organisation"))
        elif assignment.valid_to is None or assignment.valid_to > left_on:
            assignment_end(
                assignment=assignment,
                on=max(left_on, assignment.valid_from),
                actor=actor,
                reason=_("left the organisation"),
            )
    return account


# --- organisation units, rejoining, HR import (people topic) --------------------------------------


@register_event_types
class PeopleEvent(models.TextChoices):
    ORG_UNIT_UPDATED = "access.org_unit_updated", gettext_lazy("organisation unit changed")
    ACCOUNT_REJOINED = "access.account_rejoined", gettext_lazy("account holder rejoined")


@transaction.atomic
def org_unit_update(
    *, unit: OrgUnit, code: str, name: str, kind: str, actor: Any, reason: str = ""
) -> OrgUnit:
    require(actor, "access.change_orgunit")
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    before = unit.audit_snapshot()
    unit.code, unit.name, unit.kind = (code or "").strip(), (name or "").strip(), kind
    save_changes(unit, before, event=PeopleEvent.ORG_UNIT_UPDATED, actor=actor, reason=reason)
    return unit


@transaction.atomic
def account_rejoin(*, account: Account, actor: Any, reason: str = "") -> Account:
    """A leaver who is employed again: the account is active; ended assignments stay ended."""
    require(actor, "access.change_account")
    account = Account.objects.select_for_update().get(pk=account.pk)
    if account.status == EmploymentStatus.ACTIVE:
        return account
    before = account.audit_snapshot()
    account.status, account.left_on = EmploymentStatus.ACTIVE, None
    save_changes(account, before, event=PeopleEvent.ACCOUNT_REJOINED, actor=actor, reason=reason)
    return account


HR_COLUMNS = (
    "employee_id",
    "username",
    "first_name",
    "last_name",
    "email",
    "org_unit",
    "position",
    "manager",
    "status",
    "left_on",
)
HR_STATUS_ACTIVE, HR_STATUS_LEFT = "active", "left"
_HR_LENGTHS = {
    "employee_id": 40,
    "username": 150,
    "first_name": 100,
    "last_name": 100,
    "email": 254,
    "position": 200,
}


@dataclass(frozen=True)
class HrRow:
    line: int
    employee_id: str
    username: str
    first_name: str
    last_name: str
    email: str
    org_unit: str
    position: str
    manager: str
    status: str
    left_on: dt.date | None


def _hr_line_errors(record: dict[str, str], units: set[str]) -> dict[str, str]:
    """The errors of one HR line that need nothing but the line (and the known unit codes)."""
    errors: dict[str, str] = {}
    for name in ("username", "first_name", "last_name", "org_unit"):
        if not record[name]:
            errors[name] = _("This field is required.")
    for name, limit in _HR_LENGTHS.items():
        if len(record[name]) > limit:
            errors[name] = _("At most %(limit)d characters.") % {"limit": limit}
    if record["email"] and "email" not in errors:
        try:
            validate_email(record["email"])
        except ValidationError:
            errors["email"] = _("Not a valid e-mail address.")
    if record["org_unit"] and record["org_unit"] not in units:
        errors["org_unit"] = _("Unknown organisation unit %(code)s.") % {"code": record["org_unit"]}
    if record["status"] not in (HR_STATUS_ACTIVE, HR_STATUS_LEFT):
        errors["status"] = _("The status must be active or left.")
    if record["left_on"]:
        try:
            dt.date.fromisoformat(record["left_on"])
        except ValueError:
            errors["left_on"] = _("The leaving date must be a date like 2025-03-31.")
    if record["status"] == HR_STATUS_LEFT and not record["left_on"]:
        errors["left_on"] = _("A leaver needs the leaving date.")
    if record["status"] == HR_STATUS_ACTIVE and record["left_on"]:
        errors["left_on"] = _("Only a leaver has a leaving date; the status is active.")
    if record["manager"] and record["manager"] == record["username"]:
        errors["manager"] = _("An account cannot be its own manager.")
    return errors


def hr_import_validate(content: bytes) -> list[HrRow]:
    """Parse and check a whole HR file; raise ImportError_ listing every bad line and field."""
    units = set(OrgUnit.objects.values_list("code", flat=True))
    errors: list[LineError] = []
    records: list[tuple[int, dict[str, str]]] = []
    seen_usernames: dict[str, int] = {}
    seen_employee_ids: dict[str, int] = {}
    try:
        for line, raw in read_csv_rows(content, required=HR_COLUMNS):
            record = {k: (v or "").strip() for k, v in raw.items()}
            line_errors = _hr_line_errors(record, units)
            username = record["username"]
            if username and username in seen_usernames:
                line_errors["username"] = _("The same user name is already on line %(line)d.") % {
                    "line": seen_usernames[username]
                }
            elif username:
                seen_usernames[username] = line
            employee_id = record["employee_id"]
            if employee_id and employee_id in seen_employee_ids:
                line_errors["employee_id"] = _("The same employee id is already on line %(line)d.") % {
                    "line": seen_employee_ids[employee_id]
                }
            elif employee_id:
                seen_employee_ids[employee_id] = line
            errors.extend(LineError(line, name, message) for name, message in line_errors.items())
            records.append((line, record))
    except ImportError_ as exc:  # a bad header or encoding, or lines with a wrong number of fields
        errors.extend(exc.errors)
    # Managers are checked after the whole file is read: a manager may be a joiner further down.
    known = set(
        Account.objects.filter(username__in=[r["manager"] for _l, r in records]).values_list(
            "username", flat=True
        )
    )
    joining = {r["username"] for _l, r in records if r["status"] == HR_STATUS_ACTIVE}
    for line, record in records:
        manager = record["manager"]
        if manager and manager != record["username"] and manager not in known and manager not in joining:
            errors.append(
                LineError(line, "manager", _("Unknown manager %(username)s.") % {"username": manager})
            )
    if errors:
        raise ImportError_(
            sorted(errors, key=lambda e: (e.line, HR_COLUMNS.index(e.field) if e.field in HR_COLUMNS else -1))
        )
    if not records:
        raise ImportError_([LineError(1, "", _("The file has no data rows."))])
    return [
        HrRow(
            line=line,
            employee_id=r["employee_id"],
            username=r["username"],
            first_name=r["first_name"],
            last_name=r["last_name"],
            email=r["email"],
            org_unit=r["org_unit"],
            position=r["position"],
            manager=r["manager"],
            status=r["status"],
            left_on=dt.date.fromisoformat(r["left_on"]) if r["left_on"] else None,
        )
        for line, r in records
    ]


def _hr_changes(
    account: Account, row: HrRow, units: dict[str, OrgUnit], managers: dict[str, Account]
) -> dict[str, Any]:
    wanted: dict[str, Any] = {
        "employee_id": row.employee_id,
        "first_name": row.first_name,
        "last_name": row.last_name,
        "email": row.email,
        "org_unit": units[row.org_unit],
        "position": row.position,
        "manager": managers.get(row.manager) if row.manager else None,
    }
    changes: dict[str, Any] = {}
    for name, value in wanted.items():
        if name in ("org_unit", "manager"):
            current_id = getattr(account, f"{name}_id")
            if current_id != (value.pk if value is not None else None):
                changes[name] = value
        elif getattr(account, name) != value:
            changes[name] = value
    return changes


def hr_import(*, content: bytes, actor: Any, progress: Any = None, reason: str = "") -> dict[str, int]:
    """Apply an HR file: joiners created, changes applied (a mover's assignments are flagged for
    review), leavers' assignments ended on the leaving date, returning leavers made active again.

    The whole file is checked first; a bad line stores nothing, and the writes are one transaction.
    Each account is changed by its own service (one audit event each) and the import writes one
    summary event; re-importing the same file changes nothing. Accounts that the file does not
    mention are left as they are.
    """
    require(actor, "access.add_account")
    require(actor, "access.change_account")
    reason = reason or _("HR import")
    rows = hr_import_validate(content)
    units = {u.code: u for u in OrgUnit.objects.filter(code__in={r.org_unit for r in rows})}
    names = {r.username for r in rows} | {r.manager for r in rows if r.manager}
    accounts = {a.username: a for a in Account.objects.filter(username__in=names)}
    summary = {
        "rows": len(rows),
        "joiners": 0,
        "movers": 0,
        "leavers": 0,
        "rejoined": 0,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
    }
    total = len(rows)
    done = 0

    def step(text: str) -> None:
        nonlocal done
        done += 1
        if progress is not None and (done % 25 == 0 or done == total):
            progress.update(percent=5 + int(done * 90 / total), step=text)

    # All or nothing: the file was checked whole above, and a failure while writing (a database
    # error, a concurrent change) rolls every account back. Progress inside the transaction shows
    # once it commits; the check before it is the long part.
    with transaction.atomic():
        # Joiners first, each after its manager when the manager joins in the same file.
        joiners = [r for r in rows if r.username not in accounts and r.status == HR_STATUS_ACTIVE]
        pending = {r.username: r for r in joiners}
        while pending:
            ready = [r for r in pending.values() if not r.manager or r.manager not in pending]
            if not ready:  # managers of each other: create one without a manager, set it afterwards
                ready = [next(iter(pending.values()))]
            for row in ready:
                manager = accounts.get(row.manager) if row.manager else None
                values: dict[str, Any] = {
                    "username": row.username,
                    "employee_id": row.employee_id,
                    "first_name": row.first_name,
                    "last_name": row.last_name,
                    "email": row.email,
                    "org_unit": units[row.org_unit],
                    "position": row.position,
                    "manager": manager,
                }
                accounts[row.username] = account_create(actor=actor, reason=reason, **values)
                del pending[row.username]
                summary["joiners"] += 1
                step(_("Adding joiners"))
        joined = {r.username for r in joiners}
        for row in rows:
            if row.username in joined:
                if row.manager and accounts[row.username].manager_id is None:
                    account_update(
                        account=accounts[row.username],
                        manager=accounts[row.manager],
                        actor=actor,
                        reason=reason,
                    )
                continue
            account = accounts.get(row.username)
            if account is None:  # someone who left before Tugi ever knew them
                summary["skipped"] += 1
                step(_("Applying changes"))
                continue
            changed = False
            if row.status == HR_STATUS_LEFT:
                if account.status != EmploymentStatus.LEAVER or account.left_on != row.left_on:
                    assert row.left_on is not None
                    account = account_leave(account=account, left_on=row.left_on, actor=actor, reason=reason)
                    summary["leavers"] += 1
                    changed = True
            elif account.status == EmploymentStatus.LEAVER:
                account = account_rejoin(account=account, actor=actor, reason=reason)
                summary["rejoined"] += 1
                changed = True
            changes = _hr_changes(account, row, units, accounts)
            if changes:
                moved = "org_unit" in changes or "position" in changes
                account = account_update(account=account, actor=actor, reason=reason, **changes)
                if not changed:
                    summary[
                        "movers" if moved and account.status == EmploymentStatus.ACTIVE else "updated"
                    ] += 1
                changed = True
            if not changed:
                summary["unchanged"] += 1
            accounts[row.username] = account
            step(_("Applying changes"))
        if any(summary[k] for k in ("joiners", "movers", "leavers", "rejoined", "updated")):
            audit_record(
                event=AccessEvent.HR_IMPORTED,
                actor=actor,
                object_type="access.account",
                object_id="import",
                object_repr=_("HR import"),
                after=summary,
                reason=reason,
            )
    if progress is not None:
        progress.update(percent=100, step=_("Done"))
    return summary
