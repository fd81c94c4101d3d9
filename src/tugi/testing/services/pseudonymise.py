"""Pseudonymising CSV extracts of a production clone (the keyed functions are in ``..pseudonym``).

The key is used in memory only: it is not stored in the database, not written to the output or
the audit log; the audit event and the report keep a short key id (an HMAC of a fixed text), the
files' names and counts per column, never a clear value.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tugi.core.audit import audit_record
from tugi.core.permissions import require

from ..audit_events_testdata import TestDataEvent
from ..pseudonym import (
    KINDS,
    PseudonymError,
    Pseudonymiser,
    build_report,
    collect_codes,
    key_from_text,
    pseudonymise_stream,
)

MAX_FILES = 20


def parse_kinds(text: str) -> dict[str, dict[str, str]]:
    """Column kinds per file from lines like ``payments.csv: isikukood=personal_code, saaja=last_name``
    (a line without ``file:`` applies to every file)."""
    result: dict[str, dict[str, str]] = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _sep, rest = line.rpartition(":") if "=" in line.split(":")[-1] else ("", "", line)
        columns: dict[str, str] = {}
        for part in rest.split(","):
            column, eq, kind = part.partition("=")
            if not eq or not column.strip() or kind.strip() not in KINDS:
                raise ValidationError(
                    {
                        "kinds": _("Line %(n)d: write column=kind with a kind of %(kinds)s.")
                        % {"n": number, "kinds": ", ".join(KINDS)}
                    }
                )
            columns[column.strip()] = kind.strip()
        result.setdefault(name.strip() or "*", {}).update(columns)
    return result


def _kinds_for(
    kinds: dict[str, dict[str, str]], name: str, header_names: set[str] | None = None
) -> dict[str, str]:
    merged = {k: v for k, v in kinds.get("*", {}).items() if header_names is None or k in header_names}
    merged.update(kinds.get(name, {}))
    return merged


def _header(text_stream: IO[str]) -> set[str]:
    from ..pseudonym import sniff_delimiter

    first = text_stream.readline()
    text_stream.seek(0)
    return {c.strip().lstrip("\ufeff") for c in first.rstrip("\r\n").split(sniff_delimiter(first))}


def pseudonymise_to_dir(
    *, paths: list[Path], key: bytes, out_dir: Path, kinds: dict[str, dict[str, str]] | None = None
) -> dict[str, Any]:
    """Pseudonymise files on disk together (the CLI); the outputs go to ``out_dir`` with
    ``report.json``. No database, no audit (a command run on the operator's machine)."""
    kinds = kinds or {}
    pseudonymiser = Pseudonymiser(key)
    codes: set[str] = set()
    for path in paths:
        with path.open(newline="", encoding="utf-8-sig") as f:
            codes |= collect_codes(f, _kinds_for(kinds, path.name, _header(f)))
    pseudonymiser.prepare_codes(codes)
    out_dir.mkdir(parents=True, exist_ok=True)
    reports = []
    for path in paths:
        target = out_dir / path.name
        if target.resolve() == path.resolve():
            raise PseudonymError(
                f"{path.name}: the output would overwrite the input; choose another directory."
            )
        with (
            path.open(newline="", encoding="utf-8-sig") as f,
            target.open("w", newline="", encoding="utf-8") as out,
        ):
            reports.append(
                pseudonymise_stream(
                    pseudonymiser, f, out, name=path.name, kinds=_kinds_for(kinds, path.name, _header(f))
                )
            )
    report = build_report(pseudonymiser, reports)
    (out_dir / "report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    return report


@transaction.atomic
def extract_pseudonymise(
    *, files: dict[str, bytes], key: str, kinds_text: str = "", actor: Any, reason: str = ""
) -> tuple[bytes, dict[str, Any]]:
    """Pseudonymise uploaded CSV files together: a zip of the outputs and ``report.json``, and the
    report. Bad input (key, kinds, a malformed file) raises a ValidationError and writes nothing.
    One audit event (file names and counts, the key id; never the key or a value)."""
    require(actor, "testing.add_generationbatch")
    if not files:
        raise ValidationError({"files": _("Choose at least one CSV file.")})
    if len(files) > MAX_FILES:
        raise ValidationError({"files": _("At most %(n)d files at a time.") % {"n": MAX_FILES}})
    try:
        key_bytes = key_from_text(key)
    except PseudonymError:
        raise ValidationError({"key": _("The key must be at least 16 characters long.")}) from None
    kinds = parse_kinds(kinds_text)
    texts: dict[str, str] = {}
    for name, content in files.items():
        try:
            texts[name] = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError({"files": _("%(file)s is not UTF-8 text.") % {"file": name}}) from None
    pseudonymiser = Pseudonymiser(key_bytes)
    reports = []
    outputs: dict[str, str] = {}
    try:
        codes: set[str] = set()
        for name, text in texts.items():
            codes |= collect_codes(io.StringIO(text), _kinds_for(kinds, name, _header(io.StringIO(text))))
        pseudonymiser.prepare_codes(codes)
        for name, text in texts.items():
            target = io.StringIO()
            reports.append(
                pseudonymise_stream(
                    pseudonymiser, io.StringIO(text), target, name=name,
                    kinds=_kinds_for(kinds, name, _header(io.StringIO(text))),
                )
            )  # fmt: skip
            outputs[name] = target.getvalue()
    except PseudonymError as exc:
        raise ValidationError({"files": str(exc)}) from None
    report = build_report(pseudonymiser, reports)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in outputs.items():
            archive.writestr(name, text)
        archive.writestr("report.json", json.dumps(report, indent=2))
    audit_record(
        event=TestDataEvent.PSEUDONYMISED,
        actor=actor,
        object_type="testing.extract",
        object_id=report["key_id"],
        object_repr=_("pseudonymised extract (%(n)d files)") % {"n": len(files)},
        after=report,
        reason=reason,
    )
    return buffer.getvalue(), report
