"""Writes of tickets: create and edit in Tugi, import from a Jira-style CSV or JSON export, pushes
through the API (upsert by key, never a duplicate), status changes, links, routing to testing.

Import mapping (column → ticket; column names are matched without regard to case, other columns
are ignored; an empty cell leaves the value as it is on re-import):

=================================== =========================================================
``Issue key`` (or ``key``)          the key, e.g. ``SKAIS-1234`` (required)
``Summary`` (or ``title``)          the title (required for a new ticket)
``Project key`` (or ``system``)     SKAIS or STAR; when missing, the key's prefix
``Issue Type`` (or ``type``)        free text, e.g. Story, Bug, Task
``Status``                          Jira status, mapped by ``STATUS_MAP`` (unknown → error)
``Fix Version/s`` (or ``delivery``) the delivery's version; the delivery must exist
``Custom field (Tester)``           user name of the tester in Tugi
``Due Date`` (or ``testing_due``)   testing due date: 2026-12-01, 01.12.2026 or 1/Dec/26
``Custom field (Feature flags)``    ``key=on, other-key=off`` (``key`` alone means on)
``Custom field (Required roles)``   profile codes of the ticket's system, comma-separated
``Custom field (Business           the business description for testing; ``Description``
description)``                      is used when this column is absent
``Assignee``                        accepted and ignored (the developer in Jira)
=================================== =========================================================

JSON: a list of objects with the same keys (or the API names in brackets), or a Jira REST search
result ``{"issues": [{"key": ..., "fields": {"summary", "issuetype", "status", "fixVersions",
"duedate", "description", ...}}]}``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tugi.core.audit import audit_record
from tugi.core.crud import assign, refuse_unknown, save_changes, save_fields, save_new
from tugi.core.imports import ImportError_, LineError, decode
from tugi.core.permissions import require

from ..audit_events_deliveries import DeliveryEvent
from ..models import (
    DefectSeverity,
    Delivery,
    FeatureFlag,
    LinkKind,
    System,
    Ticket,
    TicketFlag,
    TicketLink,
    TicketSource,
    TicketStatus,
)

ROUTING_TOPIC = "testing-assignments"

KEY_RE = re.compile(r"^[A-Z][A-Z0-9]{1,19}-[0-9]{1,9}$")
FLAG_KEY_RE = re.compile(r"^[-a-zA-Z0-9_.]+$")

#: Jira status names (lower case) → Tugi ticket status. Tugi's own codes are accepted too.
STATUS_MAP: dict[str, str] = {
    "to do": TicketStatus.NEW,
    "open": TicketStatus.NEW,
    "backlog": TicketStatus.NEW,
    "selected for development": TicketStatus.NEW,
    "in progress": TicketStatus.IN_DEVELOPMENT,
    "in development": TicketStatus.IN_DEVELOPMENT,
    "code review": TicketStatus.IN_DEVELOPMENT,
    "reopened": TicketStatus.IN_DEVELOPMENT,
    "resolved": TicketStatus.READY_FOR_UAT,
    "ready for test": TicketStatus.READY_FOR_UAT,
    "ready for testing": TicketStatus.READY_FOR_UAT,
    "ready for uat": TicketStatus.READY_FOR_UAT,
    "in test": TicketStatus.IN_TESTING,
    "in testing": TicketStatus.IN_TESTING,
    "testing": TicketStatus.IN_TESTING,
    "in uat": TicketStatus.IN_TESTING,
    "passed": TicketStatus.PASSED,
    "verified": TicketStatus.PASSED,
    "tested": TicketStatus.PASSED,
    "failed": TicketStatus.FAILED,
    "test failed": TicketStatus.FAILED,
    "accepted": TicketStatus.ACCEPTED,
    "done": TicketStatus.DONE,
    "closed": TicketStatus.DONE,
    "cancelled": TicketStatus.CANCELLED,
    "canceled": TicketStatus.CANCELLED,
    "won't do": TicketStatus.CANCELLED,
    "rejected": TicketStatus.CANCELLED,
    **{value: value for value in TicketStatus.values},
    **{str(label).lower(): value for value, label in TicketStatus.choices},
}

#: File column (lower case) → canonical field.
COLUMNS: dict[str, str] = {
    "issue key": "key",
    "key": "key",
    "summary": "title",
    "title": "title",
    "project key": "system",
    "system": "system",
    "issue type": "issue_type",
    "type": "issue_type",
    "issue_type": "issue_type",
    "status": "status",
    "fix version/s": "delivery",
    "fix versions": "delivery",
    "fix version": "delivery",
    "delivery": "delivery",
    "custom field (tester)": "tester",
    "tester": "tester",
    "due date": "testing_due",
    "testing_due": "testing_due",
    "custom field (feature flags)": "flags",
    "flags": "flags",
    "custom field (required roles)": "roles",
    "roles": "roles",
    "custom field (business description)": "business_description",
    "business_description": "business_description",
    "description": "description",
    "assignee": "",
}

ON_WORDS = {"on", "true", "1", "yes", "enabled", "sees", "jah"}
OFF_WORDS = {"off", "false", "0", "no", "disabled", "väljas", "ei"}


@dataclass
class Parsed:
    """One validated ticket row; ``None`` means "not given, keep the current value"."""

    line: int
    key: str
    system: str
    values: dict[str, Any] = field(default_factory=dict)
    flags: dict[str, bool] | None = None
    profiles: list[Any] | None = None


# --- parsing -------------------------------------------------------------------------------------


def _parse_date(text: str) -> dt.date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d/%b/%y", "%d/%b/%Y"):
        try:
            return dt.datetime.strptime(text.split(" ")[0], fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse_flags(value: Any) -> dict[str, bool]:
    """``"a=on, b=off"`` / ``{"a": true}`` / ``[{"key": "a", "enabled": true}]`` → {key: enabled}."""
    result: dict[str, bool] = {}
    if isinstance(value, dict):
        items = [(str(k), v) for k, v in value.items()]
    elif isinstance(value, list):
        items = []
        for entry in value:
            if isinstance(entry, dict):
                items.append((str(entry.get("key", "")), entry.get("enabled", True)))
            else:
                items.append(_split_flag(str(entry)))
    else:
        items = [_split_flag(part) for part in re.split(r"[,;\n]", str(value)) if part.strip()]
    for key, state in items:
        key = key.strip()
        if not key or not FLAG_KEY_RE.match(key):
            raise ValueError(_("%(key)s is not a flag key (letters, digits, - _ .).") % {"key": key or "''"})
        if isinstance(state, bool):
            result[key] = state
            continue
        word = str(state).strip().lower()
        if word in ON_WORDS:
            result[key] = True
        elif word in OFF_WORDS:
            result[key] = False
        else:
            raise ValueError(_("Flag %(key)s: say on or off, not %(value)s.") % {"key": key, "value": state})
    return result


def _split_flag(text: str) -> tuple[str, Any]:
    if "=" in text:
        key, state = text.split("=", 1)
        return key, state
    if ":" in text:
        key, state = text.split(":", 1)
        return key, state
    return text, True


def _parse_roles(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in re.split(r"[,;\n]", str(value)) if part.strip()]


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _normalize(raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Canonical values and, per canonical name, the column name the file used (for errors)."""
    if isinstance(raw.get("fields"), dict):
        raw = _from_jira_rest(raw)
    values: dict[str, Any] = {}
    names: dict[str, str] = {}
    for column, value in raw.items():
        canonical = COLUMNS.get(str(column).strip().lower())
        if canonical:
            values[canonical] = value
            names[canonical] = str(column)
    if not _present(values.get("business_description")) and _present(values.get("description")):
        values["business_description"] = values["description"]
        names["business_description"] = names["description"]
    values.pop("description", None)
    return values, names


def _from_jira_rest(issue: dict[str, Any]) -> dict[str, Any]:
    f = issue["fields"]

    def name(value: Any) -> Any:
        return value.get("name") if isinstance(value, dict) else value

    versions = f.get("fixVersions") or []
    out: dict[str, Any] = {
        "key": issue.get("key"),
        "title": f.get("summary"),
        "issue_type": name(f.get("issuetype")),
        "status": name(f.get("status")),
        "delivery": name(versions[0]) if versions else None,
        "testing_due": f.get("duedate"),
        "description": f.get("description"),
    }
    project = f.get("project")
    if isinstance(project, dict):
        out["system"] = project.get("key")
    for extra in ("tester", "flags", "roles", "business_description"):
        if extra in f:
            out[extra] = f[extra]
    return out


def _parse(
    raw: dict[str, Any],
    *,
    line: int,
    existing: dict[str, Ticket],
    deliveries: dict[tuple[str, str], Delivery],
) -> tuple[Parsed | None, list[LineError]]:
    from tugi.access.selectors import profiles_of_system

    values, names = _normalize(raw)
    errors: list[LineError] = []

    def err(name: str, message: str) -> None:
        errors.append(LineError(line, names.get(name, name), message))

    key = str(values.get("key") or "").strip().upper()
    if not key:
        err("key", _("The key is required."))
        return None, errors
    if not KEY_RE.match(key):
        err("key", _("%(key)s is not a ticket key like SKAIS-1234.") % {"key": key})
        return None, errors
    ticket = existing.get(key)
    system = str(values.get("system") or "").strip().upper() or (
        ticket.system if ticket else key.split("-")[0]
    )
    if system not in System.values:
        err("system", _("Unknown system %(system)s (SKAIS or STAR).") % {"system": system})
        return None, errors
    if ticket is not None and ticket.system != system:
        err("system", _("Ticket %(key)s belongs to %(system)s.") % {"key": key, "system": ticket.system})
    parsed = Parsed(line=line, key=key, system=system)
    out = parsed.values
    if _present(values.get("title")):
        title = str(values["title"]).strip()
        if len(title) > 300:
            err("title", _("At most 300 characters."))
        out["title"] = title[:300]
    elif ticket is None:
        err("title", _("The title (summary) is required."))
    if _present(values.get("issue_type")):
        out["issue_type"] = str(values["issue_type"]).strip()[:40]
    if _present(values.get("status")):
        status = STATUS_MAP.get(str(values["status"]).strip().lower())
        if status is None:
            err("status", _("Unknown status %(status)s.") % {"status": values["status"]})
        else:
            out["status"] = status
    if _present(values.get("delivery")):
        version = str(values["delivery"]).strip()
        delivery = deliveries.get((system, version))
        if delivery is None:
            delivery = Delivery.objects.filter(system=system, version=version).first()
        if delivery is None:
            err(
                "delivery",
                _("No delivery %(system)s %(version)s; create it first.")
                % {"system": system, "version": version},
            )
        else:
            deliveries[(system, version)] = delivery
            out["delivery"] = delivery
    if _present(values.get("tester")):
        username = str(values["tester"]).strip()
        tester = get_user_model().objects.filter(username=username, is_active=True).first()
        if tester is None:
            err("tester", _("No active user %(name)s.") % {"name": username})
        else:
            out["tester"] = tester
    if _present(values.get("testing_due")):
        due = values["testing_due"]
        if isinstance(due, dt.date):
            out["testing_due"] = due
        else:
            try:
                out["testing_due"] = _parse_date(str(due))
            except ValueError:
                err("testing_due", _("%(value)s is not a date (2026-12-01 or 01.12.2026).") % {"value": due})
    if values.get("business_description") is not None:
        out["business_description"] = str(values["business_description"]).strip()
    if values.get("flags") is not None:
        try:
            parsed.flags = parse_flags(values["flags"])
        except ValueError as exc:
            err("flags", str(exc))
    if values.get("roles") is not None:
        codes = _parse_roles(values["roles"])
        found = {p.code: p for p in profiles_of_system(system).filter(code__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            err(
                "roles",
                _("No profile %(codes)s in %(system)s.") % {"codes": ", ".join(missing), "system": system},
            )
        parsed.profiles = [found[c] for c in codes if c in found]
    return (parsed if not errors else None), errors


def _rows_from_file(content: bytes, fmt: str) -> list[tuple[int, dict[str, Any]]]:
    text = decode(content)
    if fmt == "json" or (fmt == "auto" and text.lstrip().startswith(("[", "{"))):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ImportError_(
                [LineError(exc.lineno, "", _("The file is not valid JSON: %(msg)s") % {"msg": exc.msg})]
            ) from None
        if isinstance(data, dict):
            data = data.get("issues", data.get("tickets"))
        if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
            raise ImportError_([LineError(1, "", _("Expected a list of tickets (objects)."))])
        return [(i + 1, row) for i, row in enumerate(data)]
    first = text.splitlines()[0] if text.strip() else ""
    if not first:
        raise ImportError_([LineError(1, "", _("The file is empty; a header line is required."))])
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip() for h in next(reader)]
    if not any(COLUMNS.get(h.lower()) == "key" for h in header):
        raise ImportError_([LineError(1, "Issue key", _("Column is missing from the header."))])
    rows = []
    shape: list[LineError] = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            shape.append(
                LineError(
                    reader.line_num,
                    "",
                    _("Expected %(expected)d fields, found %(found)d.")
                    % {"expected": len(header), "found": len(values)},
                )
            )
            continue
        row: dict[str, Any] = {}
        for name, value in zip(header, values, strict=True):
            # Jira repeats a column (e.g. Fix Version/s) once per value: keep the first non-empty.
            if name not in row or not str(row[name]).strip():
                row[name] = value
        rows.append((reader.line_num, row))
    if shape:
        raise ImportError_(shape)
    return rows


def validate(rows: list[tuple[int, dict[str, Any]]]) -> list[Parsed]:
    """Check every row; any bad line rejects the whole file with every line's errors."""
    keys = {str(_normalize(r)[0].get("key") or "").strip().upper() for _l, r in rows}
    existing = {t.key: t for t in Ticket.objects.filter(key__in=keys)}
    deliveries: dict[tuple[str, str], Delivery] = {}
    parsed: list[Parsed] = []
    errors: list[LineError] = []
    seen: dict[str, int] = {}
    for line, raw in rows:
        item, errs = _parse(raw, line=line, existing=existing, deliveries=deliveries)
        errors.extend(errs)
        if item is not None:
            if item.key in seen:
                errors.append(
                    LineError(
                        line,
                        "Issue key",
                        _("%(key)s is already on line %(line)d.") % {"key": item.key, "line": seen[item.key]},
                    )
                )
            seen[item.key] = line
            parsed.append(item)
    if errors:
        raise ImportError_(errors)
    if not parsed:
        raise ImportError_([LineError(1, "", _("The file holds no tickets."))])
    return parsed


# --- applying ------------------------------------------------------------------------------------


def _apply(ticket: Ticket, item: Parsed, *, source: str) -> bool:
    """Write one parsed row onto ``ticket`` (new or existing). True if anything changed."""
    now = timezone.now()
    created = ticket.pk is None
    changed = created
    before = {name: getattr(ticket, name) for name in item.values} if not created else {}
    for name, value in item.values.items():
        if created or before[name] != value:
            setattr(ticket, name, value)
            changed = True
    if created:
        ticket.key, ticket.system, ticket.source = item.key, item.system, source
        ticket.status_changed_at = now
    elif "status" in item.values and before["status"] != item.values["status"]:
        ticket.status_changed_at = now
    if changed:
        ticket.full_clean()
        ticket.save()
    if item.profiles is not None:
        current = set(ticket.required_profiles.values_list("pk", flat=True))
        wanted = {p.pk for p in item.profiles}
        if current != wanted:
            ticket.required_profiles.set(item.profiles)
            changed = True
    if item.flags is not None:
        changed = _set_flags(ticket, item.flags) or changed
    return changed


def _set_flags(ticket: Ticket, flags: dict[str, bool]) -> bool:
    current = {tf.flag_key: tf for tf in ticket.flags.all()}
    known = {f.key: f for f in FeatureFlag.objects.filter(system=ticket.system, key__in=list(flags))}
    changed = False
    for key, old in current.items():
        if key not in flags:
            old.delete()
            changed = True
    for key, enabled in flags.items():
        tf = current.get(key)
        flag = known.get(key)
        if tf is None:
            TicketFlag.objects.create(ticket=ticket, flag_key=key, flag=flag, expected_enabled=enabled)
            changed = True
        elif tf.expected_enabled != enabled or tf.flag_id != (flag.pk if flag else None):
            tf.expected_enabled, tf.flag = enabled, flag
            tf.save()
            changed = True
    return changed


def _upsert(parsed: list[Parsed], *, source: str) -> dict[str, list[str]]:
    existing = {t.key: t for t in Ticket.objects.select_for_update().filter(key__in=[p.key for p in parsed])}
    summary: dict[str, list[str]] = {"created": [], "updated": [], "unchanged": []}
    for item in parsed:
        ticket = existing.get(item.key)
        created = ticket is None
        changed = _apply(ticket or Ticket(), item, source=source)
        summary["created" if created else "updated" if changed else "unchanged"].append(item.key)
    return summary


@transaction.atomic
def tickets_import(
    *, content: bytes, actor: Any, fmt: str = "auto", reason: str = ""
) -> dict[str, list[str]]:
    """Import a Jira-style CSV or JSON export: the whole file is checked first, then every ticket
    is created or updated by its key. One audit event lists what changed."""
    require(actor, "delivery.add_ticket")
    require(actor, "delivery.change_ticket")
    parsed = validate(_rows_from_file(content, fmt))
    summary = _upsert(parsed, source=TicketSource.IMPORT)
    audit_record(
        event=DeliveryEvent.TICKETS_IMPORTED,
        actor=actor,
        object_type="delivery.ticket",
        object_id="",
        object_repr=_("%(n)d tickets") % {"n": len(parsed)},
        after={name: keys for name, keys in summary.items()},
        reason=reason,
    )
    return summary


@transaction.atomic
def ticket_push(*, data: dict[str, Any], actor: Any) -> tuple[Ticket, str]:
    """Create or update one ticket pushed by the tracker (API). Returns it and
    ``created``/``updated``/``unchanged``."""
    require(actor, "delivery.add_ticket")
    require(actor, "delivery.change_ticket")
    rows = [(1, {k: v for k, v in data.items() if v is not None})]
    try:
        parsed = validate(rows)
    except ImportError_ as exc:
        raise ValidationError({e.field or "__all__": e.message for e in exc.errors}) from None
    summary = _upsert(parsed, source=TicketSource.API)
    outcome = next(name for name, keys in summary.items() if keys)
    ticket = Ticket.objects.get(key=parsed[0].key)
    if outcome != "unchanged":
        audit_record(
            event=DeliveryEvent.TICKET_CREATED if outcome == "created" else DeliveryEvent.TICKET_UPDATED,
            actor=actor,
            obj=ticket,
            after=ticket.audit_snapshot(),
            reason=_("pushed through the API"),
        )
    return ticket, outcome


def _form_item(values: dict[str, Any], *, ticket: Ticket | None) -> Parsed:
    raw = dict(values)
    if ticket is not None:
        raw["key"] = ticket.key
    if isinstance(raw.get("delivery"), Delivery):
        raw["delivery"] = raw["delivery"].version
    if raw.get("tester") is not None and not isinstance(raw["tester"], str):
        raw["tester"] = raw["tester"].get_username()
    for name in ("testing_due", "delivery", "tester"):
        if name in raw and not _present(raw[name]):
            raw[name] = None
    parsed, errors = _parse(raw, line=1, existing={ticket.key: ticket} if ticket else {}, deliveries={})
    if errors or parsed is None:
        raise ValidationError({e.field: e.message for e in errors})
    # A form clears what it leaves empty.
    for name in ("delivery", "tester", "testing_due"):
        if name in values and not _present(values[name]):
            parsed.values[name] = None
    return parsed


EDIT_FIELDS = (
    "title",
    "system",
    "issue_type",
    "status",
    "delivery",
    "tester",
    "testing_due",
    "business_description",
    "flags",
    "roles",
)


@transaction.atomic
def ticket_create(*, key: str, actor: Any, reason: str = "", **values: Any) -> Ticket:
    require(actor, "delivery.add_ticket")
    refuse_unknown(values, EDIT_FIELDS)
    if Ticket.objects.filter(key=key.strip().upper()).exists():
        raise ValidationError({"key": _("A ticket with this key exists already.")})
    item = _form_item({"key": key, **values}, ticket=None)
    ticket = Ticket()
    _apply(ticket, item, source=TicketSource.MANUAL)
    audit_record(
        event=DeliveryEvent.TICKET_CREATED,
        actor=actor,
        obj=ticket,
        after=ticket.audit_snapshot(),
        reason=reason,
    )
    return ticket


@transaction.atomic
def ticket_update(*, ticket: Ticket, actor: Any, reason: str = "", **values: Any) -> Ticket:
    require(actor, "delivery.change_ticket")
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    before = ticket.audit_snapshot()
    before_flags = {tf.flag_key: tf.expected_enabled for tf in ticket.flags.all()}
    refuse_unknown(values, EDIT_FIELDS)
    item = _form_item(values, ticket=ticket)
    if _apply(ticket, item, source=ticket.source):
        ticket.refresh_from_db()
        after = ticket.audit_snapshot()
        after_flags = {tf.flag_key: tf.expected_enabled for tf in ticket.flags.all()}
        audit_record(
            event=DeliveryEvent.TICKET_UPDATED,
            actor=actor,
            obj=ticket,
            before={**before, "flags": before_flags},
            after={**after, "flags": after_flags},
            reason=reason,
        )
    return ticket


@transaction.atomic
def ticket_set_status(*, ticket: Ticket, status: str, actor: Any, reason: str = "") -> Ticket:
    require(actor, "delivery.change_ticket")
    if status not in TicketStatus.values:
        raise ValidationError({"status": _("Unknown status %(status)s.") % {"status": status}})
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if status == TicketStatus.IN_TESTING and ticket.status != TicketStatus.IN_TESTING:
        raise ValidationError(
            {"status": _("Route the ticket to testing: it needs a UAT readiness check first.")}
        )
    save_fields(
        ticket,
        event=DeliveryEvent.TICKET_STATUS_CHANGED,
        actor=actor,
        reason=reason,
        status=status,
        status_changed_at=timezone.now() if status != ticket.status else ticket.status_changed_at,
    )
    return ticket


@transaction.atomic
def ticket_route(
    *, ticket: Ticket, tester: Any, actor: Any, testing_due: dt.date | None = None, reason: str = ""
) -> Ticket:
    """Assign the ticket to a tester and move it to testing, then tell the tester. Only a ticket whose
    latest UAT readiness check passed, or was overridden with a written reason, can be routed."""
    from ..selectors_tickets import latest_check

    require(actor, "delivery.change_ticket")
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if tester is None or not tester.is_active:
        raise ValidationError({"tester": _("Choose the tester.")})
    check = latest_check(ticket)
    if check is None:
        raise ValidationError(_("Run the UAT readiness check first."))
    if not check.allows_routing:
        raise ValidationError(
            _(
                "The UAT readiness check failed; fix the ticket and check again, "
                "or override the check with a written reason."
            )
        )
    if ticket.status in (TicketStatus.DONE, TicketStatus.CANCELLED):
        raise ValidationError({"status": _("A closed ticket cannot be routed to testing.")})
    now = timezone.now()
    before = {"status": ticket.status, "tester": ticket.tester_id, "testing_due": ticket.testing_due}
    ticket.tester = tester
    ticket.testing_due = testing_due or ticket.testing_due
    if ticket.status != TicketStatus.IN_TESTING:
        ticket.status, ticket.status_changed_at = TicketStatus.IN_TESTING, now
    ticket.routed_at = now
    ticket.full_clean()
    ticket.save()
    audit_record(
        event=DeliveryEvent.TICKET_ROUTED,
        actor=actor,
        obj=ticket,
        before=before,
        after={
            "status": ticket.status,
            "tester": tester.pk,
            "testing_due": ticket.testing_due,
            "uat_check": check.pk,
            "overridden": not check.passed,
        },
        reason=reason,
    )
    _tell_tester(ticket, actor)
    return ticket


def _tell_tester(ticket: Ticket, actor: Any) -> None:
    from tugi.core.context import system_actor
    from tugi.core.services import notify, topic_ensure

    topic_ensure(code=ROUTING_TOPIC, name=_("Tickets routed to testing"), actor=system_actor())
    due = ticket.testing_due.strftime("%d.%m.%Y") if ticket.testing_due else "—"
    subject = _("%(key)s is yours to test (due %(due)s)") % {"key": ticket.key, "due": due}
    notify(
        topic=ROUTING_TOPIC,
        subject=subject,
        body=f"{ticket.key}: {ticket.title}\n\n{ticket.business_description}",
        actor=actor,
        dedup_key=f"ticket-routed:{ticket.pk}:{ticket.tester_id}:{ticket.routed_at:%Y%m%d%H%M%S}",
        url=f"/delivery/tickets/{ticket.pk}/",
        users=[ticket.tester],
    )


LINK_FIELDS = ("kind", "title", "url", "severity", "is_open", "passed")


@transaction.atomic
def ticket_link_add(*, ticket: Ticket, actor: Any, reason: str = "", **values: Any) -> TicketLink:
    """Link a test run or a defect to the ticket (the bridge to the testing area)."""
    require(actor, "delivery.add_ticketlink")
    link = TicketLink(ticket=ticket)
    assign(link, values, LINK_FIELDS)
    _check_link(link)
    return save_new(link, event=DeliveryEvent.TICKET_LINK_ADDED, actor=actor, reason=reason)


def _check_link(link: TicketLink) -> None:
    if link.kind == LinkKind.DEFECT and not link.severity:
        raise ValidationError({"severity": _("A defect needs its severity.")})
    if link.kind != LinkKind.DEFECT:
        link.severity = ""


@transaction.atomic
def ticket_link_update(*, link: TicketLink, actor: Any, reason: str = "", **values: Any) -> TicketLink:
    require(actor, "delivery.change_ticketlink")
    link = TicketLink.objects.select_for_update().get(pk=link.pk)
    before = link.audit_snapshot()
    assign(link, values, LINK_FIELDS)
    _check_link(link)
    save_changes(link, before, event=DeliveryEvent.TICKET_LINK_CHANGED, actor=actor, reason=reason)
    return link


@transaction.atomic
def defect_sign_off(*, link: TicketLink, actor: Any, note: str, reason: str = "") -> TicketLink:
    """Accept an open high defect for the release (the go / no-go's "high defects signed off")."""
    require(actor, "delivery.change_ticketlink")
    link = TicketLink.objects.select_for_update().get(pk=link.pk)
    if link.kind != LinkKind.DEFECT or link.severity not in (
        DefectSeverity.HIGH,
        DefectSeverity.MEDIUM,
        DefectSeverity.LOW,
    ):
        raise ValidationError(
            _("Only a high, medium or low defect can be signed off; a critical one must be fixed.")
        )
    if not note.strip():
        raise ValidationError({"sign_off_note": _("Say why the defect may go to production.")})
    save_fields(
        link,
        event=DeliveryEvent.TICKET_LINK_CHANGED,
        actor=actor,
        reason=reason or note,
        signed_off_by=actor,
        signed_off_at=timezone.now(),
        sign_off_note=note.strip(),
    )
    return link
