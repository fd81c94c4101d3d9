"""Managed systems and their rights catalogue: add a system, import its catalogue, edit a right.

A catalogue file is exported by the managed system itself, as CSV (``;``, header
``code;name_et;name_en;description;module;sensitivity``) or JSON (a list of objects with the same
keys). The whole file is checked first; a bad file is refused with every bad line (JSON: item) and
nothing is stored. Then rights new in the file are added, changed ones updated, rights missing
from the file flagged as vanished (never deleted) and vanished ones that reappear made active again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tugi.core.audit import audit_record
from tugi.core.crud import save_changes, save_new
from tugi.core.imports import ImportError_, LineError, decode, read_csv_rows
from tugi.core.permissions import require

from ..audit_events import AccessEvent
from ..models import ManagedSystem, Right, RightStatus, Sensitivity

CATALOGUE_COLUMNS = ("code", "name_et", "name_en", "description", "module", "sensitivity")
RIGHT_FIELDS = ("name_et", "name_en", "description", "module", "sensitivity")
SYSTEM_FIELDS = ("code", "name", "description")
FORMATS = ("csv", "json")


class ItemError(LineError):
    """An error in the n-th object of a JSON catalogue (counted from 1)."""

    def __str__(self) -> str:
        where = _("item %(item)d") % {"item": self.line}
        return f"{where}, {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


@dataclass(frozen=True)
class CatalogueRow:
    line: int
    code: str
    name_et: str
    name_en: str
    description: str
    module: str
    sensitivity: str

    def values(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in RIGHT_FIELDS}


def _max_length(name: str) -> int | None:
    return getattr(Right._meta.get_field(name), "max_length", None)


def _check_record(
    number: int, record: dict[str, Any], seen: dict[str, int], error: type[LineError]
) -> tuple[CatalogueRow | None, list[LineError]]:
    """One line (or item) of a catalogue: its row, or the errors found in it."""
    errors: list[LineError] = []
    values: dict[str, str] = {}
    for name in CATALOGUE_COLUMNS:
        value = record.get(name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            errors.append(error(number, name, _("The value must be text.")))
            value = ""
        value = value.strip()
        limit = _max_length(name)
        if limit is not None and len(value) > limit:
            errors.append(
                error(number, name, _("The value is longer than %(limit)d characters.") % {"limit": limit})
            )
        values[name] = value
    code = values["code"]
    if not code:
        errors.append(error(number, "code", _("The code is empty.")))
    elif code in seen:
        where = _("item %(item)d") if error is ItemError else _("line %(line)d")
        place = where % ({"item": seen[code]} if error is ItemError else {"line": seen[code]})
        errors.append(error(number, "code", _("The same code is already on %(place)s.") % {"place": place}))
    else:
        seen[code] = number
    if not values["name_et"]:
        errors.append(error(number, "name_et", _("The Estonian name is empty.")))
    sensitivity = values["sensitivity"] or Sensitivity.NONE.value
    if sensitivity not in Sensitivity.values:
        errors.append(
            error(
                number,
                "sensitivity",
                _("Unknown sensitivity “%(value)s”; use one of: %(allowed)s.")
                % {"value": sensitivity, "allowed": ", ".join(Sensitivity.values)},
            )
        )
    values["sensitivity"] = sensitivity
    if errors:
        return None, errors
    return CatalogueRow(line=number, **values), []


def _csv_rows(content: bytes) -> list[CatalogueRow]:
    rows: list[CatalogueRow] = []
    errors: list[LineError] = []
    seen: dict[str, int] = {}
    try:
        for line, record in read_csv_rows(content, required=CATALOGUE_COLUMNS):
            row, found = _check_record(line, record, seen, LineError)
            errors.extend(found)
            if row is not None:
                rows.append(row)
    except ImportError_ as exc:  # a bad header or encoding, or lines with a wrong number of fields
        errors.extend(exc.errors)
        errors.sort(key=lambda e: e.line)
    if errors:
        raise ImportError_(errors)
    return rows


def _json_rows(content: bytes) -> list[CatalogueRow]:
    text = decode(content)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportError_(
            [LineError(exc.lineno, "", _("The file is not valid JSON: %(reason)s.") % {"reason": exc.msg})]
        ) from None
    if not isinstance(data, list):
        raise ImportError_([LineError(1, "", _("The file must hold a list of objects, one per right."))])
    rows: list[CatalogueRow] = []
    errors: list[LineError] = []
    seen: dict[str, int] = {}
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            errors.append(ItemError(number, "", _("The item is not an object.")))
            continue
        missing = [c for c in CATALOGUE_COLUMNS if c not in item]
        unknown = sorted(k for k in item if k not in CATALOGUE_COLUMNS)
        if missing or unknown:
            errors += [ItemError(number, c, _("Field is missing.")) for c in missing]
            errors += [ItemError(number, str(k), _("Unknown field.")) for k in unknown]
            continue
        row, found = _check_record(number, item, seen, ItemError)
        errors.extend(found)
        if row is not None:
            rows.append(row)
    if errors:
        raise ImportError_(errors)
    return rows


def catalogue_validate(content: bytes, fmt: str) -> list[CatalogueRow]:
    """Parse and check a whole catalogue file; raise ImportError_ listing every bad line or item."""
    if fmt not in FORMATS:
        raise ValidationError({"fmt": _("Choose the format: CSV or JSON.")})
    rows = _csv_rows(content) if fmt == "csv" else _json_rows(content)
    if not rows:
        raise ImportError_(
            [LineError(1, "", _("The file has no rights; an empty catalogue is not imported."))]
        )
    return rows


@transaction.atomic
def system_create(
    *, code: str, name: str, description: str = "", actor: Any, reason: str = ""
) -> ManagedSystem:
    """Add a managed system (its rights come by catalogue import)."""
    require(actor, "access.add_managedsystem")
    system = ManagedSystem(
        code=(code or "").strip(), name=(name or "").strip(), description=(description or "").strip()
    )
    return save_new(system, event=AccessEvent.SYSTEM_CREATED, actor=actor, reason=reason)


@transaction.atomic
def right_update(*, right: Right, actor: Any, reason: str = "", **values: Any) -> Right:
    """Change a right's names, description, module or sensitivity (its code stays)."""
    require(actor, "access.change_right")
    unknown = set(values) - set(RIGHT_FIELDS)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    right = Right.objects.select_for_update().get(pk=right.pk)
    before = right.audit_snapshot()
    for name, value in values.items():
        setattr(right, name, (value or "").strip() if isinstance(value, str) or value is None else value)
    save_changes(right, before, event=AccessEvent.RIGHT_UPDATED, actor=actor, reason=reason)
    return right


@transaction.atomic
def catalogue_import(
    *, system: ManagedSystem, content: bytes, fmt: str, actor: Any, reason: str = ""
) -> dict[str, Any]:
    """Import a system's rights catalogue (all or nothing) and return what changed.

    Importing the same file again changes nothing and writes no audit event; otherwise one event
    records the counts and the codes added, changed (with each field's before and after),
    vanished and reactivated.
    """
    require(actor, "access.add_right")
    require(actor, "access.change_right")
    rows = catalogue_validate(content, fmt)
    system = ManagedSystem.objects.select_for_update().get(pk=system.pk)
    existing = {r.code: r for r in Right.objects.filter(system=system)}
    today = timezone.localdate()
    to_create: list[Right] = []
    to_update: list[Right] = []
    added: list[str] = []
    changed: list[str] = []
    field_changes: dict[str, dict[str, list[str]]] = {}
    reactivated: list[str] = []
    unchanged = 0
    for row in rows:
        right = existing.get(row.code)
        if right is None:
            to_create.append(Right(system=system, code=row.code, **row.values()))
            added.append(row.code)
            continue
        diff = {
            name: [getattr(right, name), value]
            for name, value in row.values().items()
            if getattr(right, name) != value
        }
        if right.status == RightStatus.VANISHED:
            right.status, right.vanished_on = RightStatus.ACTIVE, None
            reactivated.append(row.code)
        elif diff:
            changed.append(row.code)
        else:
            unchanged += 1
            continue
        if diff:
            field_changes[row.code] = diff
        for name, (_old, new) in diff.items():
            setattr(right, name, new)
        to_update.append(right)
    in_file = {row.code for row in rows}
    vanished: list[str] = []
    for code, right in sorted(existing.items()):
        if code not in in_file and right.status == RightStatus.ACTIVE:
            right.status, right.vanished_on = RightStatus.VANISHED, today
            to_update.append(right)
            vanished.append(code)
    counts = {
        "added": len(added),
        "changed": len(changed),
        "vanished": len(vanished),
        "reactivated": len(reactivated),
        "unchanged": unchanged,
    }
    summary: dict[str, Any] = {
        "system": system.code,
        "format": fmt,
        "rows": len(rows),
        "counts": counts,
        "added": sorted(added),
        "changed": sorted(changed),
        "vanished": vanished,
        "reactivated": sorted(reactivated),
    }
    if not (added or changed or vanished or reactivated):
        return summary
    before = {
        "active": sum(1 for r in existing.values() if r.status == RightStatus.ACTIVE),
        "vanished": sum(1 for r in existing.values() if r.status == RightStatus.VANISHED),
    }
    Right.objects.bulk_create(to_create, batch_size=500)
    now = timezone.now()
    for right in to_update:
        right.updated_at = now
    Right.objects.bulk_update(
        to_update, [*RIGHT_FIELDS, "status", "vanished_on", "updated_at"], batch_size=500
    )
    after = {
        "active": before["active"] + len(added) + len(reactivated) - len(vanished),
        "vanished": before["vanished"] + len(vanished) - len(reactivated),
        **summary,
        "changes": dict(sorted(field_changes.items())),
    }
    audit_record(
        event=AccessEvent.CATALOGUE_IMPORTED,
        actor=actor,
        obj=system,
        before=before,
        after=after,
        reason=reason,
    )
    return summary
