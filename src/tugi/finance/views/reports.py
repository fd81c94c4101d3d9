"""Pages of the financial reports: each with a period, totals, a chart, the reconciliation with
the ledger and an XLSX export."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from tugi.core.exports import xlsx_sheets_response
from tugi.core.viewkit import need

from .. import selectors_reports as selectors


def report_index(request: HttpRequest) -> HttpResponse:
    need(request, "finance.view_journalentry")
    return render(request, "finance/report_index.html", {"reports": selectors.REPORTS})


def report_view(request: HttpRequest, name: str) -> HttpResponse:
    need(request, "finance.view_journalentry")
    if name not in selectors.REPORTS:
        raise Http404
    errors: dict[str, list[str]] = {}
    try:
        start, end = selectors.report_period(request.GET.get("from"), request.GET.get("to"))
    except ValidationError as exc:
        errors = exc.message_dict
        start, end = selectors.report_period(None, None)
    report = selectors.report(name, start, end)
    if request.GET.get("export") == "xlsx" and not errors:
        checks: list[list[Any]] = [
            [c["label"], c["report"], c["ledger"], c["difference"]] for c in report.checks
        ]
        return xlsx_sheets_response(
            [
                (report.name, report.header, report.rows),
                ("totals", ["", *report.totals.keys()], [["", *report.totals.values()]]),
                ("ledger", ["check", "report", "ledger", "difference"], checks),
            ],
            f"{name}-{start:%Y-%m}-{end:%Y-%m}.xlsx",
        )
    context = {
        "report": report,
        "reports": selectors.REPORTS,
        "name": name,
        "start": f"{start:%Y-%m}",
        "end": f"{end:%Y-%m}",
        "errors": errors,
        "chart": selectors.bars(report.chart),
        "totals": [(selectors.TOTAL_LABELS.get(k, k), k, v) for k, v in report.totals.items()],
    }
    return render(request, "finance/report_detail.html", context, status=400 if errors else 200)


urlpatterns: list[URLPattern] = [
    path("reports/", report_index, name="report_index"),
    path("reports/<slug:name>/", report_view, name="report_view"),
]
