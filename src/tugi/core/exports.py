"""CSV export of any django-tables2 table (what the user sees, filtered and sorted, all pages)."""

from __future__ import annotations

import csv
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse


class _Echo:
    def write(self, value: str) -> str:
        return value


def table_csv_response(table: Any, filename: str) -> HttpResponse | StreamingHttpResponse:
    writer = csv.writer(_Echo(), delimiter=";")

    def rows() -> Any:
        yield "\ufeff"
        for row in table.as_values():
            yield writer.writerow(["" if v is None else str(v) for v in row])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
