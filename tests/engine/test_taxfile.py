"""The import format of personalised social tax: a whole file is validated before anything is returned."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.ee import ik

from tugi.engine.taxfile import (
    COLUMNS,
    SCHEMA,
    TaxFileInvalid,
    file_sha256,
    manifest,
    read_tax_csv,
    valid_personal_codes,
    write_parquet,
)

from .conftest import code

HEADER = ";".join(COLUMNS)


def row(person: str, payer: str = "10000018", year: str = "2025", month: str = "1", tax: str = "660.00",
        funded: str = "1", submitted: str = "2025-02-10T08:00:00+02:00") -> str:  # fmt: skip
    return ";".join([person, payer, year, month, tax, funded, submitted])


def write(tmp_path: Path, *lines: str, header: str = HEADER, name: str = "tax.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def problems_of(path: Path, **kwargs: object) -> list[tuple[int, str, str]]:
    with pytest.raises(TaxFileInvalid) as info:
        read_tax_csv(path, **kwargs)  # type: ignore[arg-type]
    return [(p.line, p.field, p.message) for p in info.value.problems]


def test_a_good_file_gives_typed_rows(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        row(code(1)),
        row(code(1), tax="700", submitted="2025-03-01T10:00:00Z"),  # a correction: both rows are kept
        row(code(2), payer="10000026", month="12", tax="0.5", funded="0"),
    )
    table = read_tax_csv(path, year=2025)
    assert table.schema == SCHEMA
    assert table.column("social_tax_cents").to_pylist() == [66000, 70000, 50]
    assert table.column("funded").to_pylist() == [True, True, False]
    assert table.column("month").to_pylist() == [1, 1, 12]
    assert table.column("submitted_at")[0].as_py() == dt.datetime(2025, 2, 10, 6, 0, tzinfo=dt.UTC)
    info = manifest(table)
    assert info == {
        "year": 2025,
        "months": [1, 12],
        "rows": 3,
        "persons": 2,
        "payers": 2,
        "submitted_from": "2025-02-10T06:00:00+00:00",
        "submitted_to": "2025-03-01T10:00:00+00:00",
        "total_tax": "1360.50",
    }


def test_every_bad_field_is_named_with_its_line(tmp_path: Path) -> None:
    wrong_check = code(3)[:-1] + str((int(code(3)[-1]) + 1) % 10)
    path = write(
        tmp_path,
        row(code(1)),  # line 2: good
        row(wrong_check),  # 3
        row(code(1), payer=" "),  # 4
        row(code(1), year="2024"),  # 5
        row(code(1), month="13"),  # 6
        row(code(1), tax="-5.00"),  # 7
        row(code(1), tax="1,50"),  # 8
        row(code(1), tax="1.505"),  # 9
        row(code(1), funded="2"),  # 10
        row(code(1), submitted="2025-02-10T08:00:00"),  # 11: no offset
        row(code(1), submitted="2025-02-30T08:00:00+02:00"),  # 12: no such day
        f"{code(1)};10000018;2025;1",  # 13: missing columns
        row(code(1), year="x"),  # 14
    )
    assert problems_of(path, year=2025) == [
        (3, "person_code", "invalid personal code"),
        (4, "payer_code", "payer code is empty"),
        (5, "year", "year is not the imported year (2025)"),
        (6, "month", "month is not a number from 1 to 12"),
        (7, "social_tax", "social tax is negative"),
        (8, "social_tax", "social tax is not a number (use a decimal point)"),
        (9, "social_tax", "social tax has more than 2 decimals"),
        (10, "funded_pension", "funded_pension is not 0 or 1"),
        (
            11,
            "submitted_at",
            "submitted_at is not an ISO date and time with an offset (e.g. 2025-02-10T08:00:00+02:00)",
        ),
        (
            12,
            "submitted_at",
            "submitted_at is not an ISO date and time with an offset (e.g. 2025-02-10T08:00:00+02:00)",
        ),
        (13, "", "wrong number of columns: 4 instead of 7"),
        (14, "year", "year is not a four-digit integer"),
    ]


def test_without_a_year_all_rows_must_share_one(tmp_path: Path) -> None:
    path = write(tmp_path, row(code(1)), row(code(2), year="2024", submitted="2024-02-10T08:00:00+02:00"))
    assert problems_of(path) == [(3, "year", "year is not the year of the file's first row (2025)")]
    assert read_tax_csv(write(tmp_path, row(code(1)), name="one.csv")).num_rows == 1


def test_a_missing_column_is_named_on_line_1(tmp_path: Path) -> None:
    header = ";".join(c for c in COLUMNS if c != "funded_pension")
    path = write(tmp_path, header=header)
    assert problems_of(path) == [(1, "funded_pension", "column 'funded_pension' is missing from the header")]
    reordered = write(tmp_path, header=";".join(reversed(COLUMNS)), name="b.csv")
    assert problems_of(reordered)[0][0] == 1


def test_empty_files_are_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert problems_of(empty)[0][0] == 1
    assert problems_of(write(tmp_path, name="header-only.csv")) == [(2, "", "the file has no rows")]


def test_line_numbers_after_a_skipped_line_and_an_empty_line(tmp_path: Path) -> None:
    path = write(tmp_path, f"{code(1)};1", row(code(1)), "", row(code(1), month="0"))
    assert problems_of(path) == [
        (2, "", "wrong number of columns: 2 instead of 7"),
        (4, "", "empty line"),
        (5, "month", "month is not a number from 1 to 12"),
    ]


def test_trailing_empty_lines_and_a_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(("\ufeff" + HEADER + "\r\n" + row(code(1)) + "\r\n\r\n").encode("utf-8"))
    assert read_tax_csv(path).num_rows == 1


def test_only_the_first_100_problems_are_kept_but_all_are_counted(tmp_path: Path) -> None:
    path = write(tmp_path, *[row(code(1), month="13")] * 150)
    with pytest.raises(TaxFileInvalid) as info:
        read_tax_csv(path)
    assert info.value.total == 150
    assert len(info.value.problems) == 100
    assert info.value.problems[0].line == 2
    assert "and 149 more problems" in str(info.value)


def test_parquet_is_written_atomically_and_deterministically(tmp_path: Path) -> None:
    table = read_tax_csv(write(tmp_path, row(code(1)), row(code(2))))
    first, second = tmp_path / "out" / "a.parquet", tmp_path / "out" / "b.parquet"
    write_parquet(table, first)
    write_parquet(table, second)
    assert first.read_bytes() == second.read_bytes()
    assert file_sha256(first) == file_sha256(second)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.parquet", "b.parquet"]
    import pyarrow.parquet as pq

    assert pq.read_table(first).equals(table)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="0123456789", min_size=11, max_size=11), min_size=1, max_size=50))
def test_vectorised_code_check_equals_stdnum(codes: list[str]) -> None:
    # half random strings, half valid codes with a possibly disturbed digit
    mixed = codes + [code(len(c) * i + int(c[:3])) for i, c in enumerate(codes)]
    expected = [ik.is_valid(c) for c in mixed]
    assert valid_personal_codes(pa.array(mixed)).tolist() == expected


def test_code_check_edge_cases() -> None:
    cases = ["", "3800101000", "380010100001", "3800101 0008", "A8001010008", code(5), "98001010008",
             "39002290000", "30002290000"]  # fmt: skip
    assert valid_personal_codes(pa.array(cases)).tolist() == [ik.is_valid(c) and len(c) == 11 for c in cases]


def test_implausibly_large_amounts_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, row(code(1), tax="1000000000.01"), row(code(1), tax="12345678901234567.00"))
    assert problems_of(path) == [
        (2, "social_tax", "social tax is implausibly large"),
        (3, "social_tax", "social tax is implausibly large"),
    ]
    fine = write(
        tmp_path, row(code(1), tax="999999999.99", submitted="2025-02-10T08:00:00.5-01:00"), name="ok.csv"
    )
    table = read_tax_csv(fine)
    assert table.column("social_tax_cents").to_pylist() == [99_999_999_999]
    assert table.column("submitted_at")[0].as_py() == dt.datetime(2025, 2, 10, 9, 0, 0, 500000, tzinfo=dt.UTC)
