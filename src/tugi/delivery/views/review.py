"""The weekly review page of tickets overdue or stalled in testing, with CSV / XLSX export."""

from __future__ import annotations

import io

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone

from tugi.core.exports import rows_csv_response
from tugi.core.viewkit import need

from .. import selectors_review as selectors


def _days(request: HttpRequest) -> int:
    try:
        return max(1, min(60, int(request.GET.get("days", ""))))
    except ValueError:
        return selectors.stalled_days_default()


def review(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "delivery.view_ticket")
    days = _days(request)
    rows = selectors.review(user=request.user, stalled_after=days)
    export = request.GET.get("export")
    stamp = timezone.localdate().isoformat()
    if export == "csv":
        return rows_csv_response(selectors.export_rows(rows), f"ticket-review-{stamp}.csv")
    if export == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "review"
        for row in selectors.export_rows(rows):
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="ticket-review-{stamp}.xlsx"'
        return response
    return render(
        request,
        "delivery/review_page.html",
        {
            "groups": selectors.grouped(rows),
            "days": days,
            "count": len(rows),
            "overdue": sum(1 for r in rows if r.overdue),
            "stalled": sum(1 for r in rows if r.stalled),
        },
    )


urlpatterns: list[URLPattern] = [path("review/", review, name="review_page")]
