"""CSV exports: any django-tables2 table (what the user sees, filtered and sorted, all pages), or
plain rows. One writer: semicolon-separated UTF-8 with a byte-order mark, so Excel opens it right."""

from __future__ import annotations

import csv
from collections.abc import Iterable
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
