"""Pages of test reports: list, create, edit, finalise; the report as a page, PDF and XLSX."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from tugi.core.pdf import Heading, Para, Table, render_pdf
from tugi.core.permissions import can
from tugi.core.viewkit import form_view, list_view, need

from .. import selectors_reports as selectors
from ..filters.reports import ReportFilter
from ..forms.reports import FinaliseForm, ReportCreateForm, ReportEditForm
from ..models import ExecutionStatus, ReportStatus, TestReport
from ..services import reports as services
from ..tables.reports import ReportTable


def report_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "testing.view_testreport")
    return list_view(
        request,
        filterset=ReportFilter(request.GET, queryset=selectors.reports(user=request.user)),
        table_class=ReportTable,
        template="testing/report_list.html",
        export_name="test-reports.csv",
    )


def report_create(request: HttpRequest) -> HttpResponse:
    need(request, "testing.add_testreport")
    form = ReportCreateForm(
        request.POST or None,
        deliveries=selectors.deliveries_for_choice(request.user),
        users=selectors.users_for_choice(),
        initial={"delivery": request.GET.get("delivery", ""), "owner": request.user.pk},
    )
    return form_view(
        request,
        form,
        lambda d: services.report_create(actor=request.user, **d),
        title=_("New test report"),
        success=lambda r: redirect("testing:report_detail", r.pk),
        message=_("Test report created."),
        extra={"cancel_url": reverse("testing:report_list")},
    )


def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "testing.change_testreport")
    report = selectors.report_get(user=request.user, pk=pk)
    form = ReportEditForm(
        request.POST or None,
        users=selectors.users_for_choice(),
        initial={
            "due_date": report.due_date,
            "owner": report.owner_id,
            "summary": report.summary,
            "risks": report.risks,
            "recommendation": report.recommendation,
        },
    )
    return form_view(
        request,
        form,
        lambda d: services.report_update(report=report, actor=request.user, **d),
        title=_("Edit %(report)s") % {"report": report},
        success=lambda r: redirect("testing:report_detail", r.pk),
        extra={"cancel_url": reverse("testing:report_detail", args=[report.pk])},
    )


def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(user=request.user, pk=pk)
    may_change = report.status != ReportStatus.FINAL and can(request.user, "testing.change_testreport")
    return render(
        request,
        "testing/report_detail.html",
        {
            "report": report,
            "data": selectors.report_data(report),
            "statuses": STATUS_LABELS,
            "may_change": may_change,
            "finalise_form": FinaliseForm(),
            "overdue": report.is_overdue(),
        },
    )


@require_POST
def report_finalise(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "testing.change_testreport")
    report = selectors.report_get(user=request.user, pk=pk)
    form = FinaliseForm(request.POST)
    reason = form.cleaned_data.get("reason", "") if form.is_valid() else ""
    try:
        services.report_finalise(report=report, actor=request.user, reason=reason)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The report is final."))
    return redirect("testing:report_detail", report.pk)


STATUS_LABELS = {s.value: str(s.label) for s in ExecutionStatus}


def _parts(report: TestReport, data: dict[str, Any]) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The report's parts as (title, header, rows): the same for the PDF and the XLSX."""
    labels = {s.value: str(s.label) for s in ExecutionStatus}
    return [
        (
            _("Scope: tickets"),
            [_("Ticket"), _("Title"), _("Status")],
            [[t["key"], t["title"], t["status"]] for t in data["tickets"]],
        ),
        (
            _("Scope: cases"),
            [_("Case"), _("Title"), _("Priority"), _("Tickets")],
            [[c["key"], c["title"], c["priority"], c["tickets"]] for c in data["cases"]],
        ),
        (
            _("Traceability"),
            [
                _("Ticket"),
                _("Case"),
                _("Environment"),
                _("Result"),
                _("Version"),
                _("Executed"),
                _("Defects"),
            ],
            [
                [
                    r["ticket"],
                    r["case"],
                    r["environment"],
                    labels.get(r["status"], r["status"]),
                    r["version"],
                    r["executed_at"],
                    r["defects"],
                ]
                for r in data["traceability"]
            ],
        ),
        (
            _("Results by environment"),
            [_("Environment"), *labels.values(), _("Total")],
            [[e["environment"], *(e[s] for s in labels), e["total"]] for e in data["environments"]],
        ),
        (
            _("Open defects"),
            [_("Defect"), _("Title"), _("Severity"), _("Status"), _("Tickets")],
            [[d["key"], d["title"], d["severity"], d["status"], d["tickets"]] for d in data["open_defects"]],
        ),
    ]


def _summary_lines(report: TestReport) -> list[tuple[str, str]]:
    return [
        (_("Delivery"), str(report.delivery)),
        (_("Due date"), report.due_date.strftime("%d.%m.%Y")),
        (_("Status"), str(report.get_status_display())),
        (_("Owner"), report.owner.get_username()),
        (_("Recommendation"), str(report.get_recommendation_display() or "—")),
        (_("Summary"), report.summary or "—"),
        (_("Risks"), report.risks or "—"),
    ]


def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(user=request.user, pk=pk)
    data = selectors.report_data(report)
    blocks: list[Any] = [Para(f"{label}: {value}") for label, value in _summary_lines(report)]
    blocks.append(Para(_("Content as of %(when)s") % {"when": data["generated_at"]}))
    for title, header, rows in _parts(report, data):
        blocks.append(Heading(title, 2))
        blocks.append(Table(header, rows) if rows else Para(_("None.")))
    content = render_pdf(str(report), blocks, subject=_("Test report"))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="test-report-{report.pk}.pdf"'
    return response


def report_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """One sheet per part of the report, the first with the summary."""
    report = selectors.report_get(user=request.user, pk=pk)
    data = selectors.report_data(report)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Summary")[:31]
    for label, value in _summary_lines(report):
        sheet.append([label, _cell(value)])
    sheet.append([_("Content as of"), data["generated_at"]])
    for title, header, rows in _parts(report, data):
        part = book.create_sheet(title.replace(":", "")[:31])
        part.append(header)
        for row in rows:
            part.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="test-report-{report.pk}.xlsx"'
    return response


def _cell(value: Any) -> Any:
    """Text that a spreadsheet would read as a formula is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


urlpatterns: list[URLPattern] = [
    path("reports/", report_list, name="report_list"),
    path("reports/new/", report_create, name="report_create"),
    path("reports/<int:pk>/", report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", report_edit, name="report_edit"),
    path("reports/<int:pk>/finalise/", report_finalise, name="report_finalise"),
    path("reports/<int:pk>/pdf/", report_pdf, name="report_pdf"),
    path("reports/<int:pk>/xlsx/", report_xlsx, name="report_xlsx"),
]
