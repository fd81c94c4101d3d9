"""Writes of test cases: create, edit (a change of text makes a new version) and bulk import from
CSV or XLSX.

Import columns (the header row names them; only ``title`` and ``system`` are required):

``key`` (empty: a new case gets the next free TC-number; a known key updates that case),
``title``, ``system`` (SKAIS or STAR), ``module``, ``priority`` (critical, high, medium, low),
``tags`` (comma-separated), ``automated`` (yes / no), ``automated_name``, ``preconditions``,
``steps`` (one step a line: ``action => expected``), ``test_data``, ``tickets`` (ticket keys,
comma-separated; the tickets must exist). CSV is UTF-8 separated by semicolons. The whole file is
checked first; a bad line rejects the file and nothing is stored.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from tugi.core.audit import audit_record
from tugi.core.imports import ImportError_, LineError, decode, parse_csv_rows
from tugi.core.permissions import require
from tugi.delivery.selectors import ticket_model

from ..audit_events_cases import CaseEvent
from ..models import CasePriority, CaseVersion, TestCase, TestSystem
from ..selectors_cases import EXPORT_HEADER

CASE_FIELDS = (
    "key",
    "title",
    "system",
    "module",
    "priority",
    "tags",
    "automated",
    "automated_name",
    "active",
)
TEXT_FIELDS = ("preconditions", "steps", "test_data")
KEY_RE = re.compile(r"^[A-Z][A-Z0-9]{0,9}-[0-9]{1,9}$")
KEY_PREFIX = "TC"

IMPORT_COLUMNS = tuple(EXPORT_HEADER)  # an export imports again unchanged
REQUIRED_COLUMNS = ("title", "system")
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


# --- steps ---------------------------------------------------------------------------------------


def parse_steps(text: str) -> list[dict[str, str]]:
    """Steps from text, one a line: ``action => expected`` (a line without ``=>`` is an action
    with no expected result). Empty lines are skipped."""
    steps = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        action, _sep, expected = line.partition("=>")
        steps.append({"action": action.strip(), "expected": expected.strip()})
    return steps


def steps_text(steps: list[dict[str, str]]) -> str:
    """The text form of ``steps`` that ``parse_steps`` reads back."""
    return "\n".join(
        f"{s.get('action', '')} => {s.get('expected', '')}" if s.get("expected") else s.get("action", "")
        for s in steps or []
    )


def clean_steps(steps: Any) -> list[dict[str, str]]:
    """Steps as a list of ``{action, expected}``; text is parsed with ``parse_steps``."""
    if isinstance(steps, str):
        steps = parse_steps(steps)
    if steps is None:
        return []
    if not isinstance(steps, list):
        raise ValidationError({"steps": _("Steps must be a list of actions with expected results.")})
    out = []
    for number, step in enumerate(steps, start=1):
        if not isinstance(step, dict) or set(step) - {"action", "expected"}:
            raise ValidationError(
                {"steps": _("Step %(n)d must have an action and an expected result.") % {"n": number}}
            )
        action = str(step.get("action") or "").strip()
        expected = str(step.get("expected") or "").strip()
        if not action:
            raise ValidationError({"steps": _("Step %(n)d has no action.") % {"n": number}})
        out.append({"action": action, "expected": expected})
    return out


# --- create and edit -----------------------------------------------------------------------------


def next_key() -> str:
    """The next free ``TC-n`` key."""
    numbers = [
        int(k.split("-", 1)[1])
        for k in TestCase.objects.filter(key__startswith=f"{KEY_PREFIX}-").values_list("key", flat=True)
        if k.split("-", 1)[1].isdigit()
    ]
    return f"{KEY_PREFIX}-{max(numbers, default=0) + 1}"


def _check_key(key: str) -> None:
    if not KEY_RE.match(key):
        raise ValidationError({"key": _("Use capital letters, a hyphen and a number, e.g. TC-123.")})


def _set_fields(case: TestCase, values: dict[str, Any]) -> None:
    unknown = sorted(set(values) - set(CASE_FIELDS))
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})
    for name, value in values.items():
        setattr(case, name, value.strip() if isinstance(value, str) else value)
    if case.tags:
        case.tags = ", ".join(t.strip() for t in case.tags.split(",") if t.strip())
    if case.automated and not case.automated_name:
        raise ValidationError({"automated_name": _("An automated case needs the automated test's name.")})


def _text_of(version: CaseVersion | None) -> tuple[str, list[dict[str, str]], str]:
    if version is None:
        return ("", [], "")
    return version.text_fields()


def _new_version(case: TestCase, text: tuple[str, list[dict[str, str]], str], actor: Any) -> CaseVersion:
    number = (case.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = CaseVersion(
        case=case,
        number=number,
        preconditions=text[0],
        steps=text[1],
        test_data=text[2],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    version.full_clean()
    version.save()
    return version


def _text_values(case: TestCase, text: dict[str, Any]) -> tuple[str, list[dict[str, str]], str]:
    old = _text_of(case.current_version if case.pk else None)
    pre = text.get("preconditions")
    steps = text.get("steps")
    data = text.get("test_data")
    return (
        old[0] if pre is None else str(pre).strip(),
        old[1] if steps is None else clean_steps(steps),
        old[2] if data is None else str(data).strip(),
    )


def _apply(
    case: TestCase,
    values: dict[str, Any],
    text: dict[str, Any],
    tickets: list[Any] | None,
    development_requests: list[Any] | None,
    actor: Any,
) -> bool:
    """Set, validate and save; a new version when the text changed. True if anything changed."""
    is_new = case.pk is None
    before = case.audit_snapshot() if not is_new else None
    if "key" in values and values["key"] is not None:
        values["key"] = str(values["key"]).strip().upper()
    _set_fields(case, values)
    if is_new and not case.key:
        case.key = next_key()
    _check_key(case.key)
    new_text = _text_values(case, text)
    case.full_clean(exclude=["current_version"])
    old_text = _text_of(case.current_version if not is_new else None)
    fields_changed = is_new or any(before.get(f) != getattr(case, f) for f in CASE_FIELDS)  # type: ignore[union-attr]
    if fields_changed:
        case.save()
    text_changed = is_new or new_text != old_text
    if text_changed:
        case.current_version = _new_version(case, new_text, actor)
        case.save(update_fields=["current_version", "updated_at"])
    links_changed = False
    if tickets is not None:
        keep = {t.pk for t in tickets}
        if keep != set(case.tickets.values_list("pk", flat=True)):
            case.tickets.set(tickets)
            links_changed = True
    if development_requests is not None:
        keep = {r.pk for r in development_requests}
        if keep != set(case.development_requests.values_list("pk", flat=True)):
            case.development_requests.set(development_requests)
            links_changed = True
    return bool(fields_changed or text_changed or links_changed)


@transaction.atomic
def case_create(
    *,
    actor: Any,
    reason: str = "",
    preconditions: str = "",
    steps: Any = None,
    test_data: str = "",
    tickets: list[Any] | None = None,
    development_requests: list[Any] | None = None,
    **values: Any,
) -> TestCase:
    """A new test case with its first version. ``key`` may be empty: the next TC-number is used.
    ``steps`` is a list of ``{action, expected}`` or text (``action => expected`` lines)."""
    require(actor, "testing.add_testcase")
    case = TestCase()
    _apply(
        case,
        values,
        {"preconditions": preconditions, "steps": steps or [], "test_data": test_data},
        tickets,
        development_requests,
        actor,
    )
    audit_record(
        event=CaseEvent.CASE_CREATED, actor=actor, obj=case, after=case.audit_snapshot(), reason=reason
    )
    return case


@transaction.atomic
def case_update(
    *,
    case: TestCase,
    actor: Any,
    reason: str = "",
    preconditions: str | None = None,
    steps: Any = None,
    test_data: str | None = None,
    tickets: list[Any] | None = None,
    development_requests: list[Any] | None = None,
    **values: Any,
) -> bool:
    """Change a case; a change of preconditions, steps or test data makes a new version (earlier
    executions keep the version they ran). True if anything changed (then one audit event)."""
    require(actor, "testing.change_testcase")
    obj = TestCase.objects.select_for_update(of=("self",)).select_related("current_version").get(pk=case.pk)
    before = obj.audit_snapshot()
    changed = _apply(
        obj,
        values,
        {"preconditions": preconditions, "steps": steps, "test_data": test_data},
        tickets,
        development_requests,
        actor,
    )
    if changed:
        audit_record(
            event=CaseEvent.CASE_UPDATED,
            actor=actor,
            obj=obj,
            before=before,
            after=obj.audit_snapshot(),
            reason=reason,
        )
    case.refresh_from_db()
    return changed


# --- import --------------------------------------------------------------------------------------


@dataclass
class ImportRow:
    line: int
    key: str
    values: dict[str, Any]
    text: dict[str, Any]
    tickets: list[Any] | None
    duplicates: list[str] = field(default_factory=list)


@dataclass
class ImportSummary:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    #: "new title" → keys of existing cases with a similar title in the same system and module
    warnings: list[str] = field(default_factory=list)


YES = {"yes", "y", "true", "1", "jah", "x"}
NO = {"no", "n", "false", "0", "ei", ""}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\r\n", "\n").strip()


def _parse_record(line: int, record: dict[str, Any], tickets_by_key: dict[str, Any]) -> ImportRow:
    rec = {k: _cell(v) for k, v in record.items()}
    errors: dict[str, list[str]] = {}
    key = rec.get("key", "").upper()
    if key and not KEY_RE.match(key):
        errors.setdefault("key", []).append(_("Use capital letters, a hyphen and a number, e.g. TC-123."))
    values: dict[str, Any] = {}
    for name in ("title", "system", "module", "priority", "tags", "automated_name"):
        if name in rec:
            values[name] = rec[name]
    if "system" in values:
        values["system"] = values["system"].upper()
    if "priority" in values:
        values["priority"] = values["priority"].lower() or CasePriority.MEDIUM
    if "automated" in rec:
        flag = rec["automated"].lower()
        if flag in YES:
            values["automated"] = True
        elif flag in NO:
            values["automated"] = False
        else:
            errors.setdefault("automated", []).append(_("Write yes or no."))
    if not values.get("title"):
        errors.setdefault("title", []).append(_("A title is required."))
    if values.get("system") not in TestSystem.values:
        errors.setdefault("system", []).append(
            _("Unknown system %(value)s; use SKAIS or STAR.") % {"value": values.get("system", "")}
        )
    text: dict[str, Any] = {}
    for name in ("preconditions", "test_data"):
        if name in rec:
            text[name] = rec[name]
    if "steps" in rec:
        try:
            text["steps"] = clean_steps(parse_steps(rec["steps"]))
        except ValidationError as exc:
            errors.setdefault("steps", []).extend(exc.messages)
    tickets = None
    if "tickets" in rec:
        keys = [k.strip().upper() for k in re.split(r"[,\s]+", rec["tickets"]) if k.strip()]
        missing = [k for k in keys if k not in tickets_by_key]
        if missing:
            errors.setdefault("tickets", []).append(
                _("Unknown ticket(s): %(keys)s.") % {"keys": ", ".join(missing)}
            )
        tickets = [tickets_by_key[k] for k in keys if k in tickets_by_key]
    if errors:
        raise ValidationError(errors)
    return ImportRow(line, key, values, text, tickets)


def _xlsx_records(content: bytes) -> list[tuple[int, dict[str, Any]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # any reader failure means the same to the user
        raise ImportError_([LineError(1, "", _("The file is not an XLSX workbook."))]) from None
    lines = book.worksheets[0].iter_rows(values_only=True)
    try:
        header = [_cell(h) for h in next(lines)]
    except StopIteration:
        raise ImportError_([LineError(1, "", _("The file is empty; a header row is required."))]) from None
    while header and not header[-1]:
        header.pop()
    _check_header(header)
    out = []
    for number, row in enumerate(lines, start=2):
        cells = list(row)[: len(header)]
        if not any(_cell(c) for c in cells):
            continue
        out.append((number, dict(zip(header, cells + [None] * (len(header) - len(cells)), strict=True))))
    book.close()
    return out


def _check_header(header: list[str]) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [h for h in header if h not in IMPORT_COLUMNS]
    if missing or unknown:
        raise ImportError_(
            [LineError(1, c, _("Column is missing from the header.")) for c in missing]
            + [LineError(1, h, _("Unknown column.")) for h in unknown]
        )


def cases_parse(*, content: bytes, fmt: str) -> list[ImportRow]:
    """Every row of the file checked, or an ImportError_ naming every bad line and field."""
    tickets_by_key = {t.key: t for t in ticket_model().objects.all()}
    errors: list[LineError] = []
    if fmt == "xlsx":
        rows = []
        for line, record in _xlsx_records(content):
            try:
                rows.append(_parse_record(line, record, tickets_by_key))
            except ValidationError as exc:
                errors.extend(LineError.from_validation_error(line, exc))
    elif fmt == "csv":
        decode(content)
        rows = parse_csv_rows(
            content,
            lambda line, record: _parse_record(line, record, tickets_by_key),
            required=REQUIRED_COLUMNS,
            optional=[c for c in IMPORT_COLUMNS if c not in REQUIRED_COLUMNS],
        )
    else:
        raise ImportError_([LineError(0, "", _("Unknown file format %(fmt)s.") % {"fmt": fmt})])
    seen: dict[str, int] = {}
    for row in rows:
        if row.key and row.key in seen:
            errors.append(
                LineError(row.line, "key", _("The key is also on line %(line)d.") % {"line": seen[row.key]})
            )
        seen.setdefault(row.key, row.line)
    if not rows and not errors:
        errors.append(LineError(2, "", _("The file has no cases.")))
    if errors:
        raise ImportError_(sorted(errors, key=lambda e: e.line))
    return rows


@transaction.atomic
def cases_import(*, content: bytes, fmt: str, actor: Any, reason: str = "") -> ImportSummary:
    """Create or update cases from a CSV or XLSX file (see the module text for the columns). All or
    nothing: a bad line rejects the file. One audit event lists the created and updated keys."""
    from ..selectors_cases import likely_duplicates

    require(actor, "testing.add_testcase")
    require(actor, "testing.change_testcase")
    rows = cases_parse(content=content, fmt=fmt)
    summary = ImportSummary()
    errors: list[LineError] = []
    for row in rows:
        case = (
            TestCase.objects.select_for_update(of=("self",))
            .select_related("current_version")
            .filter(key=row.key)
            .first()
            if row.key
            else None
        )
        is_new = case is None
        if case is None:
            case = TestCase()
            values = {"key": row.key, **row.values}
            text = {"preconditions": "", "steps": [], "test_data": "", **row.text}
            similar = likely_duplicates(
                title=values.get("title", ""),
                system=values.get("system", ""),
                module=values.get("module", ""),
            )
        else:
            values, text, similar = dict(row.values), dict(row.text), []
        try:
            changed = _apply(case, values, text, row.tickets, None, actor)
        except ValidationError as exc:
            errors.extend(LineError.from_validation_error(row.line, exc))
            continue
        if similar:
            summary.warnings.append(
                _("%(key)s %(title)s looks like %(similar)s.")
                % {"key": case.key, "title": case.title, "similar": ", ".join(c.key for c, _r in similar)}
            )
        (summary.created if is_new else summary.updated if changed else summary.unchanged).append(case.key)
    if errors:  # the transaction is rolled back: nothing is stored
        raise ImportError_(sorted(errors, key=lambda e: e.line))
    if summary.created or summary.updated:
        audit_record(
            event=CaseEvent.CASES_IMPORTED,
            actor=actor,
            object_type="testing.testcase",
            object_id="",
            object_repr=_("%(n)d test cases") % {"n": len(summary.created) + len(summary.updated)},
            after={"created": summary.created, "updated": summary.updated, "format": fmt},
            reason=reason,
        )
    return summary
