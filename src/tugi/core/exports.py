"""CSV and XLSX exports: any django-tables2 table (what the user sees, filtered and sorted, all pages), or
plain rows. One writer: semicolon-separated UTF-8 with a byte-order mark, so Excel opens it right."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse


class _Echo:
    def write(self, value: str) -> str:
        return value


def rows_csv_response(rows: Iterable[Iterable[Any]], filename: str) -> StreamingHttpResponse:
    """Stream ``rows`` (the first one the header) as a CSV download."""
    writer = csv.writer(_Echo(), delimiter=";")

    def lines() -> Any:
        yield "\ufeff"
        for row in rows:
            yield writer.writerow(["" if v is None else str(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table_csv_response(table: Any, filename: str) -> HttpResponse | StreamingHttpResponse:
    """Every row of a table, rendered as its cells show them."""
    return rows_csv_response(table.as_values(), filename)


def dict_table_csv_response(table: Any, filename: str) -> StreamingHttpResponse:
    """A table over plain dicts (computed reports): raw values in the table's column order, without
    the per-cell rendering that takes seconds for thousands of rows."""
    names = [column.name for column in table.columns]
    header = [str(column.header) for column in table.columns]
    return rows_csv_response([header, *([row.get(n) for n in names] for row in table.data)], filename)


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bytes(sheets: Iterable[tuple[str, Sequence[Any], Iterable[Sequence[Any]]]]) -> bytes:
    """A workbook with one sheet per ``(title, header, rows)``: a bold header, dates kept as dates,
    numbers (``Decimal`` included) as numbers, everything else as text."""
    import datetime as dt
    import io
    from decimal import Decimal

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title=str(title)[:31])
        cells = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=str(name))
            cell.font = Font(bold=True)
            cells.append(cell)
        sheet.append(cells)
        for row in rows:
            sheet.append(
                [
                    v
                    if v is None
                    or (isinstance(v, dt.date | int | float | Decimal) and not isinstance(v, bool))
                    else str(v)
                    for v in row
                ]
            )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_response(
    header: Sequence[Any], rows: Iterable[Sequence[Any]], filename: str, title: str = "data"
) -> HttpResponse:
    """One sheet as an XLSX download."""
    return xlsx_sheets_response([(title, header, rows)], filename)


def xlsx_sheets_response(
    sheets: Iterable[tuple[str, Sequence[Any], Iterable[Sequence[Any]]]], filename: str
) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(sheets), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
