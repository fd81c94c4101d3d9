"""Import of personalised social tax files (issue 3 § 2, PENSIONS.md § 1).

The whole file is validated first by ``tugi.engine.taxfile.read_tax_csv``; any bad line rejects it
with the line number and reason and nothing is stored. A good file is written once, immutably, as
Parquet under ``DATA_DIR/pensions/tax/<year>-<sha256>.parquet`` with its manifest in ``TaxFile``.
Importing the same file again (same SHA-256) changes nothing. Corrections are not merged here:
several files of one year are kept side by side and the engine takes the latest ``submitted_at``
per person, payer, year and month.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tugi.core.crud import save_new
from tugi.core.imports import ImportError_, LineError
from tugi.core.permissions import require

from ..audit_events import PensionEvent
from ..models import TaxFile
from ..selectors_taxfiles import data_dir, tax_file_by_sha, tax_file_relpath

logger = logging.getLogger(__name__)

#: Progress callback: (percent, step text).
Progress = Callable[[int, str], None]


class TaxFileRejected(ImportError_):
    """A rejected social tax file; ``total`` is the number of problems found (only the first are kept)."""

    def __init__(self, errors: list[LineError], total: int):
        self.total = total
        super().__init__(errors)


def _parse_datetime(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


def _noop(percent: int, step: str) -> None:
    return None


def taxfile_import(
    *,
    path: Path,
    original_name: str,
    actor: Any,
    year: int | None = None,
    reason: str = "",
    progress: Progress | None = None,
) -> tuple[TaxFile, bool]:
    """Import one social tax file; returns (the file's manifest row, True if it was new).

    Raises ``TaxFileRejected`` (an ``ImportError_``) with every problem's line and field when the
    file is bad; then no row, no Parquet file and no audit event exist. The same file again (same
    SHA-256) returns the existing row and False, and writes nothing.
    """
    from tugi.engine import taxfile as engine

    require(actor, "pensions.add_taxfile")
    step = progress or _noop
    path = Path(path)
    step(5, _("Computing the file's checksum"))
    sha256 = engine.file_sha256(path)
    existing = tax_file_by_sha(sha256)
    if existing is not None:
        if year is not None and existing.year != year:
            raise TaxFileRejected(
                [
                    LineError(
                        2,
                        "year",
                        _("The file is for %(found)d, not %(expected)d.")
                        % {"found": existing.year, "expected": year},
                    )
                ],
                1,
            )
        return existing, False

    step(15, _("Checking every line"))
    try:
        table = engine.read_tax_csv(path, year=year)
    except engine.TaxFileInvalid as exc:
        errors = [LineError(p.line, p.field, p.message) for p in exc.problems]
        raise TaxFileRejected(errors, int(getattr(exc, "total", len(errors)))) from None
    if table.num_rows == 0:
        raise TaxFileRejected([LineError(2, "", _("The file has no data lines."))], 1)

    step(60, _("Summarising the file"))
    man = engine.manifest(table)
    file_year = int(man["year"])
    if year is not None and file_year != year:
        raise TaxFileRejected(
            [
                LineError(
                    2,
                    "year",
                    _("The file is for %(found)d, not %(expected)d.")
                    % {"found": file_year, "expected": year},
                )
            ],
            1,
        )

    relpath = tax_file_relpath(file_year, sha256)
    target = data_dir() / relpath
    existed_before = target.exists()
    step(70, _("Storing the rows as Parquet"))
    if not existed_before:
        target.parent.mkdir(parents=True, exist_ok=True)
        engine.write_parquet(table, target)
    del table

    step(95, _("Recording the manifest"))
    tax_file = TaxFile(
        sha256=sha256,
        original_name=Path(original_name).name[:255] or relpath.name,
        path=relpath.as_posix(),
        year=file_year,
        months=[int(m) for m in man["months"]],
        rows=int(man["rows"]),
        persons=int(man["persons"]),
        payers=int(man.get("payers", 0)),
        submitted_from=_parse_datetime(man["submitted_from"]),
        submitted_to=_parse_datetime(man["submitted_to"]),
        total_tax=Decimal(str(man["total_tax"])),
        imported_by=actor,
    )
    try:
        with transaction.atomic():
            save_new(tax_file, event=PensionEvent.TAX_FILE_IMPORTED, actor=actor, reason=reason)
    except IntegrityError:
        # The same file was imported at the same moment by someone else: theirs stands.
        again = tax_file_by_sha(sha256)
        if again is None:
            _remove_if_new(target, existed_before)
            raise
        return again, False
    except Exception:
        _remove_if_new(target, existed_before)
        raise
    step(100, _("Imported"))
    logger.info("social tax file %s imported: year %s, %s rows", sha256[:12], file_year, tax_file.rows)
    return tax_file, True


def taxfile_stage_upload(*, chunks: Iterable[bytes], actor: Any) -> tuple[str, Path]:
    """Copy an uploaded file chunk by chunk to ``DATA_DIR/uploads/<sha256>.csv`` (nothing is
    imported yet, so nothing is audited); returns its SHA-256 and path. Memory stays small
    whatever the file's size."""
    require(actor, "pensions.add_taxfile")
    folder = data_dir() / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f"pensions-tax-{uuid.uuid4().hex}.part"
    digest = hashlib.sha256()
    try:
        with tmp.open("wb") as out:
            for chunk in chunks:
                digest.update(chunk)
                out.write(chunk)
        final = staged_upload_path(digest.hexdigest())
        tmp.replace(final)
    finally:
        tmp.unlink(missing_ok=True)
    return digest.hexdigest(), final


def staged_upload_path(sha256: str) -> Path:
    if not sha256.isalnum():
        raise ValueError("bad upload id")
    return data_dir() / "uploads" / f"{sha256}.csv"


def _remove_if_new(target: Path, existed_before: bool) -> None:
    if not existed_before:
        target.unlink(missing_ok=True)
