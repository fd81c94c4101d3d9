"""The import format of personalised social tax (PENSIONS.md § 1): read, validate, store as Parquet.

CSV, UTF-8, ``;``, header required, decimal point ``.``::

    person_code;payer_code;year;month;social_tax;funded_pension;submitted_at

The WHOLE file is validated before anything is returned: any bad line makes ``read_tax_csv`` raise
``TaxFileInvalid`` with the problems (line number — the header is line 1 —, field, message).
Parsing is done by ``pyarrow.csv`` with every column as a string and validation is vectorised
(``pyarrow.compute`` / NumPy over the whole column), so that 8 million rows take seconds.
Corrections are not applied here: the engine takes the latest ``submitted_at`` per person, payer,
year and month (``tugi.engine.yearly.latest_rows``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from tugi.engine.arrowutil import decimal_units

COLUMNS = ("person_code", "payer_code", "year", "month", "social_tax", "funded_pension", "submitted_at")
MAX_PROBLEMS = 100
#: A row's social tax above this is refused (1 000 000 000.00 EUR): it keeps the engine's integer
#: arithmetic far from int64 overflow.
MAX_SOCIAL_TAX_CENTS = 100_000_000_000

SCHEMA = pa.schema(
    [
        ("person_code", pa.string()),
        ("payer_code", pa.string()),
        ("year", pa.int16()),
        ("month", pa.int8()),
        ("social_tax_cents", pa.int64()),
        ("funded", pa.bool_()),
        ("submitted_at", pa.timestamp("us", tz="UTC")),
    ]
)

_AMOUNT = r"^(?P<whole>[0-9]+)(?:\.(?P<frac>[0-9]{1,2}))?$"
_DATETIME = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})$"


@dataclass(frozen=True)
class LineProblem:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}"
        if self.field:
            where += f", {self.field}"
        return f"{where}: {self.message}"


class TaxFileInvalid(ValueError):
    """The file was refused: ``problems`` holds the first 100, ``total`` counts them all."""

    def __init__(self, problems: list[LineProblem], total: int | None = None) -> None:
        self.problems = problems[:MAX_PROBLEMS]
        self.total = total if total is not None else len(problems)
        first = str(self.problems[0]) if self.problems else "invalid file"
        more = f" (and {self.total - 1} more problems)" if self.total > 1 else ""
        super().__init__(f"{first}{more}")


# --- personal codes, vectorised -----------------------------------------------------------------

_W1 = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 1], dtype=np.int64)
_W2 = np.array([3, 4, 5, 6, 7, 8, 9, 1, 2, 3], dtype=np.int64)
_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def valid_personal_codes(codes: pa.Array) -> np.ndarray:
    """A boolean mask: which codes are valid Estonian personal codes (as ``stdnum.ee.ik.is_valid``
    for codes of exactly 11 digits: century digit 1–8, a real birth date, the check digit).

    Vectorised over NumPy digit arrays; a test compares it with ``stdnum`` on random codes."""
    codes = codes.cast(pa.string())
    n = len(codes)
    mask = pc.fill_null(pc.match_substring_regex(codes, r"^[0-9]{11}$"), False).to_numpy(zero_copy_only=False)
    result = np.zeros(n, dtype=bool)
    if not mask.any():
        return result
    good = pc.filter(codes, pa.array(mask))
    data = "".join(good.to_pylist()).encode("ascii")
    digits = np.frombuffer(data, dtype=np.uint8).reshape(-1, 11).astype(np.int64) - 48
    first = digits[:, 0]
    century = np.select([first <= 2, first <= 4, first <= 6], [1800, 1900, 2000], 2100)
    year = century + digits[:, 1] * 10 + digits[:, 2]
    month = digits[:, 3] * 10 + digits[:, 4]
    day = digits[:, 5] * 10 + digits[:, 6]
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    month_ok = (month >= 1) & (month <= 12)
    days = _DAYS[np.clip(month, 0, 12)] + ((month == 2) & leap)
    date_ok = month_ok & (day >= 1) & (day <= days) & (first >= 1) & (first <= 8)
    body = digits[:, :10]
    check = (body @ _W1) % 11
    check2 = (body @ _W2) % 11
    check = np.where(check == 10, check2, check) % 10
    ok = date_ok & (check == digits[:, 10])
    result[np.flatnonzero(mask)] = ok
    return result


# --- reading ------------------------------------------------------------------------------------


def _read_header(path: Path) -> list[str]:
    with path.open("rb") as handle:
        raw = handle.readline()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TaxFileInvalid([LineProblem(1, "", "the file is not UTF-8")]) from exc
    return [name.strip('"') for name in text.lstrip("\ufeff").rstrip("\r\n").split(";")]


def _check_header(header: list[str]) -> None:
    if header == [""]:
        raise TaxFileInvalid([LineProblem(1, "", "the file is empty; a header line is required")])
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise TaxFileInvalid(
            [LineProblem(1, name, f"column '{name}' is missing from the header") for name in missing]
        )
    if tuple(header) != COLUMNS:
        raise TaxFileInvalid([LineProblem(1, "", f"the header must be exactly: {';'.join(COLUMNS)}")])


def _parse(path: Path, *, use_threads: bool) -> tuple[pa.Table, list[tuple[int, int]]]:
    """All columns as strings, plus the rows with a wrong column count as (line, columns)."""
    bad: list[tuple[int, int]] = []

    def handler(row: Any) -> str:
        bad.append((int(row.number) if row.number is not None else -1, int(row.actual_columns)))
        return "skip"

    table = pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(
            column_names=list(COLUMNS), skip_rows=1, use_threads=use_threads, block_size=1 << 24
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=";", invalid_row_handler=handler, ignore_empty_lines=False
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in COLUMNS},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    return table, bad


class _Problems:
    """Problems found column by column: row indices per message, turned into lines at the end."""

    def __init__(self, line_of: Callable[[np.ndarray], np.ndarray]) -> None:
        self.line_of = line_of
        self.items: list[tuple[np.ndarray, int, str, str]] = []
        self.total = 0

    def add(self, rows: np.ndarray, field: str, message: str) -> None:
        if len(rows):
            order = COLUMNS.index(field) if field in COLUMNS else -1
            self.items.append((self.line_of(rows[: MAX_PROBLEMS * 2]), order, field, message))
            self.total += len(rows)

    def add_lines(self, lines: list[tuple[int, str, str]]) -> None:
        for line, field, message in lines:
            self.items.append((np.array([line], dtype=np.int64), -1, field, message))
            self.total += 1

    def result(self) -> list[LineProblem]:
        flat = [
            (int(line), order, field, message)
            for lines, order, field, message in self.items
            for line in np.sort(lines)[:MAX_PROBLEMS]
        ]
        flat.sort(key=lambda item: (item[0], item[1]))
        return [LineProblem(line, field, message) for line, _order, field, message in flat[:MAX_PROBLEMS]]


def _digits(text: pa.Array, shortest: int, longest: int) -> np.ndarray:
    """Which values are ASCII digits only, of ``shortest``–``longest`` characters (no regex: fast)."""
    length = pc.binary_length(text)
    ok = pc.and_(
        pc.utf8_is_digit(text), pc.and_(pc.greater_equal(length, shortest), pc.less_equal(length, longest))
    )
    ascii_only = pc.equal(pc.utf8_length(text), length)  # utf8_is_digit also accepts other scripts' digits
    return pc.fill_null(pc.and_(ok, ascii_only), False).to_numpy(zero_copy_only=False)


def read_tax_csv(path: Path, *, year: int | None = None) -> pa.Table:
    """Read and validate a whole file of personalised social tax; ``TaxFileInvalid`` if any line is bad.

    ``year``: the year being imported (rows of another year are refused); without it, all rows
    must share one year. Returns columns person_code, payer_code, year (int16), month (int8),
    social_tax_cents (int64), funded (bool), submitted_at (timestamp[us, UTC])."""
    path = Path(path)
    _check_header(_read_header(path))
    try:
        table, bad = _parse(path, use_threads=True)
        if bad and any(line < 0 for line, _ in bad):
            table, bad = _parse(path, use_threads=False)
    except UnicodeDecodeError as exc:  # pragma: no cover - pyarrow reports encoding as ArrowInvalid
        raise TaxFileInvalid([LineProblem(0, "", "the file is not UTF-8")]) from exc
    except pa.ArrowInvalid as exc:
        raise TaxFileInvalid([LineProblem(0, "", f"the file cannot be read as CSV: {exc}")]) from exc

    # Map row index -> line number, accounting for skipped rows (wrong column count).
    skipped = np.array(sorted(line for line, _ in bad), dtype=np.int64)
    before = skipped - 2 - np.arange(len(skipped), dtype=np.int64)

    def line_of(rows: np.ndarray) -> np.ndarray:
        rows = rows.astype(np.int64)
        return rows + 2 + np.searchsorted(before, rows, side="right")

    n = table.num_rows
    cols = {name: table.column(name).combine_chunks() for name in COLUMNS}
    # Empty lines at the very end of the file are tolerated.
    all_empty = np.ones(n, dtype=bool)
    for name in COLUMNS:
        all_empty &= pc.equal(cols[name], "").to_numpy(zero_copy_only=False)
    tail = n
    while not bad and tail > 0 and all_empty[tail - 1]:
        tail -= 1
    if tail < n:
        table = table.slice(0, tail)
        cols = {name: arr.slice(0, tail) for name, arr in cols.items()}
        all_empty = all_empty[:tail]
        n = tail

    problems = _Problems(line_of)
    problems.add_lines(
        [(line, "", f"wrong number of columns: {count} instead of {len(COLUMNS)}") for line, count in bad]
    )
    empty_rows = np.flatnonzero(all_empty)
    problems.add(empty_rows, "", "empty line")
    not_empty = ~all_empty

    # person_code: validate each distinct code once.
    codes = cols["person_code"]
    distinct = pc.unique(codes)
    valid_distinct = valid_personal_codes(distinct)
    if not valid_distinct.all():
        invalid_values = pc.filter(distinct, pa.array(~valid_distinct))
        bad_code = pc.is_in(codes, value_set=invalid_values).to_numpy(zero_copy_only=False)
        problems.add(np.flatnonzero(bad_code & not_empty), "person_code", "invalid personal code")

    payer_empty = pc.equal(pc.utf8_trim_whitespace(cols["payer_code"]), "").to_numpy(zero_copy_only=False)
    problems.add(np.flatnonzero(payer_empty & not_empty), "payer_code", "payer code is empty")

    # year
    year_text = cols["year"]
    year_ok = _digits(year_text, 4, 4)
    year_values = np.zeros(n, dtype=np.int64)
    if year_ok.any():
        year_values[year_ok] = pc.cast(pc.filter(year_text, pa.array(year_ok)), pa.int64()).to_numpy()
    problems.add(np.flatnonzero(~year_ok & not_empty), "year", "year is not a four-digit integer")
    expected_year = year
    if expected_year is None and year_ok.any():
        expected_year = int(year_values[np.flatnonzero(year_ok)[0]])
    if expected_year is not None:
        other = year_ok & (year_values != expected_year)
        label = "the imported year" if year is not None else "the year of the file's first row"
        problems.add(
            np.flatnonzero(other),
            "year",
            f"year is not {label} ({expected_year})",
        )

    # month
    month_text = cols["month"]
    month_ok = _digits(month_text, 1, 2)
    month_values = np.zeros(n, dtype=np.int64)
    if month_ok.any():
        month_values[month_ok] = pc.cast(pc.filter(month_text, pa.array(month_ok)), pa.int64()).to_numpy()
    month_ok &= (month_values >= 1) & (month_values <= 12)
    problems.add(np.flatnonzero(~month_ok & not_empty), "month", "month is not a number from 1 to 12")

    # social_tax: non-negative, at most 2 decimals
    tax_text = cols["social_tax"]
    tax_ok = pc.match_substring_regex(tax_text, _AMOUNT).to_numpy(zero_copy_only=False)
    negative = np.zeros(n, dtype=bool)
    too_precise = np.zeros(n, dtype=bool)
    if not tax_ok.all():  # only a bad file pays for telling why
        negative = pc.match_substring_regex(tax_text, r"^-[0-9]+(\.[0-9]+)?$").to_numpy(zero_copy_only=False)
        too_precise = pc.match_substring_regex(tax_text, r"^[0-9]+\.[0-9]{3,}$").to_numpy(
            zero_copy_only=False
        )
    cents = np.zeros(n, dtype=np.int64)
    if tax_ok.any():
        # The shape is checked (digits, at most 2 decimals): a decimal cast is exact. Strings of 16
        # characters or more are beyond any plausible amount and stay out of the cast.
        too_long = pc.greater(pc.utf8_length(tax_text), 15).to_numpy(zero_copy_only=False)
        castable = tax_ok & ~too_long
        if castable.any():
            amounts = pc.filter(tax_text, pa.array(castable)).cast(pa.decimal128(18, 2))
            cents[castable] = decimal_units(amounts, 2).to_numpy()
        cents[tax_ok & too_long] = MAX_SOCIAL_TAX_CENTS + 1
    too_large = tax_ok & (cents > MAX_SOCIAL_TAX_CENTS)
    problems.add(np.flatnonzero(negative & not_empty), "social_tax", "social tax is negative")
    problems.add(np.flatnonzero(too_precise & not_empty), "social_tax", "social tax has more than 2 decimals")
    problems.add(
        np.flatnonzero(~tax_ok & ~negative & ~too_precise & not_empty),
        "social_tax",
        "social tax is not a number (use a decimal point)",
    )
    problems.add(np.flatnonzero(too_large), "social_tax", "social tax is implausibly large")

    # funded_pension
    funded_text = cols["funded_pension"]
    funded_ok = pc.is_in(funded_text, value_set=pa.array(["0", "1"])).to_numpy(zero_copy_only=False)
    problems.add(np.flatnonzero(~funded_ok & not_empty), "funded_pension", "funded_pension is not 0 or 1")

    # submitted_at: ISO datetime with an offset
    # Validated per distinct value: a file has far fewer submission times than rows.
    encoded = cols["submitted_at"].dictionary_encode()
    sub_values = encoded.dictionary
    sub_indices = encoded.indices
    value_ok = pc.match_substring_regex(sub_values, _DATETIME).to_numpy(zero_copy_only=False)
    stamps = None
    if value_ok.all():
        try:
            stamps = sub_values.cast(pa.timestamp("us", tz="UTC")).take(sub_indices)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            stamps = None
    if stamps is None:
        value_ok = _check_datetimes_slowly(sub_values, value_ok)
    sub_ok = value_ok[sub_indices.to_numpy(zero_copy_only=False)] if n else np.zeros(0, dtype=bool)
    problems.add(
        np.flatnonzero(~sub_ok & not_empty),
        "submitted_at",
        "submitted_at is not an ISO date and time with an offset (e.g. 2025-02-10T08:00:00+02:00)",
    )

    if problems.total:
        raise TaxFileInvalid(problems.result(), problems.total)
    if n == 0:
        raise TaxFileInvalid([LineProblem(2, "", "the file has no rows")])

    assert stamps is not None
    return pa.table(
        {
            "person_code": codes,
            "payer_code": cols["payer_code"],
            "year": pa.array(year_values.astype(np.int16)),
            "month": pa.array(month_values.astype(np.int8)),
            "social_tax_cents": pa.array(cents),
            "funded": pc.equal(funded_text, "1"),
            "submitted_at": stamps,
        },
        schema=SCHEMA,
    )


def _check_datetimes_slowly(text: pa.Array, shape_ok: np.ndarray) -> np.ndarray:
    """Only for a file with a suspect ``submitted_at``: check each distinct value with Python."""
    ok = shape_ok.copy()
    distinct = pc.unique(pc.filter(text, pa.array(shape_ok)))
    bad_values = []
    for value in distinct.to_pylist():
        try:
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            bad_values.append(value)
            continue
        if parsed.tzinfo is None:
            bad_values.append(value)
    if bad_values:
        ok &= ~pc.is_in(text, value_set=pa.array(bad_values, pa.string())).to_numpy(zero_copy_only=False)
    return ok


# --- manifest and storage -----------------------------------------------------------------------


def cents_to_str(cents: int) -> str:
    """Integer cents as a decimal string with 2 places ("-1.05", "0.00")."""
    return str(Decimal(int(cents)).scaleb(-2))


def manifest(table: pa.Table) -> dict[str, Any]:
    """What the database keeps of a file: year, months, rows, persons, payers, submitted range, total."""
    years = pc.unique(table.column("year")).to_pylist()
    months = sorted(int(m) for m in pc.unique(table.column("month")).to_pylist())
    submitted = pc.min_max(table.column("submitted_at")).as_py()
    total = pc.sum(table.column("social_tax_cents")).as_py() or 0
    return {
        "year": int(years[0]) if len(years) == 1 else None,
        "months": months,
        "rows": table.num_rows,
        "persons": len(pc.unique(table.column("person_code"))),
        "payers": len(pc.unique(table.column("payer_code"))),
        "submitted_from": submitted["min"].isoformat() if submitted["min"] else None,
        "submitted_to": submitted["max"].isoformat() if submitted["max"] else None,
        "total_tax": cents_to_str(total),
    }


def write_parquet(table: pa.Table, path: Path) -> None:
    """Write ``table`` to ``path`` atomically (a temporary name, then rename); deterministic bytes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        pq.write_table(table, temp, compression="zstd", row_group_size=1 << 20)
        os.replace(temp, path)
    finally:
        if temp.exists():
            temp.unlink()


def read_parquet(paths: list[Path] | Path) -> pa.Table:
    """The rows of one or several stored Parquet files as one table."""
    if isinstance(paths, Path | str):
        paths = [Path(paths)]
    tables = [pq.read_table(p) for p in paths]
    if not tables:
        return SCHEMA.empty_table()
    return pa.concat_tables([t.cast(SCHEMA) for t in tables])


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes (hex)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
