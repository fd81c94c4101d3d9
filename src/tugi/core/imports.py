"""Reading import files: whole-file validation with line numbers, all or nothing."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class LineError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = _("line %(line)d") % {"line": self.line}
        return f"{where}, {self.field}: {self.message}" if self.field else f"{where}: {self.message}"

    @classmethod
    def from_validation_error(cls, line: int, exc: ValidationError) -> list[LineError]:
        if hasattr(exc, "error_dict"):
            return [cls(line, field, str(m)) for field, errs in exc.message_dict.items() for m in errs]
        return [cls(line, "", str(m)) for m in exc.messages]


class ImportError_(Exception):
    """A rejected import file: every bad line with its reason. Nothing was stored."""

    def __init__(self, errors: Sequence[LineError]):
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors[:20]))


MAX_IMPORT_BYTES = 50 * 1024 * 1024

T = TypeVar("T")


def decode(content: bytes) -> str:
    if len(content) > MAX_IMPORT_BYTES:
        raise ImportError_([LineError(0, "", _("The file is larger than 50 MB."))])
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise ImportError_([LineError(line, "", _("The file is not UTF-8 text."))]) from None


def read_csv_rows(
    content: bytes, *, required: Sequence[str], optional: Sequence[str] = (), delimiter: str = ";"
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) from a header-first CSV; a missing column rejects the file.

    A line with the wrong number of fields is not yielded; such lines are reported together in
    one ImportError_ raised after the last line, so that the caller can add its own line errors
    (catch it, merge ``errors``) and the user sees every bad line at once.
    """
    text = decode(content)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ImportError_([LineError(1, "", _("The file is empty; a header line is required."))]) from None
    missing = [c for c in required if c not in header]
    if missing:
        raise ImportError_([LineError(1, c, _("Column is missing from the header.")) for c in missing])
    known = set(required) | set(optional)
    unknown = [h for h in header if h not in known]
    if unknown:
        raise ImportError_([LineError(1, h, _("Unknown column.")) for h in unknown])
    shape_errors: list[LineError] = []
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            shape_errors.append(
                LineError(
                    line,
                    "",
                    _("Expected %(expected)d fields, found %(found)d.")
                    % {"expected": len(header), "found": len(values)},
                )
            )
            continue
        yield line, dict(zip(header, values, strict=True))
    if shape_errors:
        raise ImportError_(shape_errors)


def parse_csv_rows(
    content: bytes,
    parse: Callable[[int, dict[str, str]], T],
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    delimiter: str = ";",
) -> list[T]:
    """Every row of a header-first CSV turned into ``T`` by ``parse(line, record)``, or an
    ImportError_ listing every bad line: the ones ``parse`` refused with a ValidationError (its
    fields become the error's fields), the ones with a wrong number of fields, a bad header. A file
    without data rows is refused too. Nothing partial is returned."""
    rows: list[T] = []
    errors: list[LineError] = []
    try:
        for line, record in read_csv_rows(content, required=required, optional=optional, delimiter=delimiter):
            try:
                rows.append(parse(line, record))
            except ValidationError as exc:
                errors.extend(LineError.from_validation_error(line, exc))
    except ImportError_ as exc:  # a bad header or encoding, or lines with a wrong number of fields
        errors.extend(exc.errors)
    if errors:
        raise ImportError_(sorted(errors, key=lambda e: e.line))
    if not rows:
        raise ImportError_([LineError(1, "", _("The file has no data rows."))])
    return rows
