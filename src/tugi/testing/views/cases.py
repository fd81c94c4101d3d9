"""Pages of test cases: the list (filters, CSV / XLSX export), create and edit with a warning about
likely duplicates, a case with its versions and executions, and the bulk import."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _

from tugi.core.exports import rows_csv_response, xlsx_response
from tugi.core.forms import apply_errors
from tugi.core.permissions import can
from tugi.core.viewkit import import_view, list_view, need

from .. import selectors_cases as selectors
from .. import selectors_runs
from ..filters.cases import CaseFilter
from ..forms.cases import CaseForm, CaseImportForm
from ..services import cases as services
from ..tables.cases import CaseTable


def case_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "testing.view_testcase")
    filterset = CaseFilter(request.GET, queryset=selectors.cases(user=request.user))
    export = request.GET.get("export")
    if export in ("import-csv", "xlsx"):
        rows = selectors.export_rows(filterset.qs.prefetch_related("tickets"))
        if export == "xlsx":
            return xlsx_response(
                rows[0],
                [[v if v is not None else "" for v in r] for r in rows[1:]],
                "test-cases.xlsx",
                "cases",
            )
        return rows_csv_response(rows, "test-cases.csv")
    return list_view(
        request,
        filterset=filterset,
        table_class=CaseTable,
        template="testing/case_list.html",
        export_name="test-cases-list.csv",
        extra={
            "can_create": can(request.user, "testing.add_testcase"),
            "can_import": can(request.user, "testing.add_testcase")
            and can(request.user, "testing.change_testcase"),
        },
    )


def _values(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in {"reason", "ignore_duplicates", "tickets"}}


def _case_form_view(request: HttpRequest, *, case: Any = None) -> HttpResponse:
    if case is None:
        form = CaseForm(request.POST or None)
    else:
        v = case.current_version
        initial = {
            **{f: getattr(case, f) for f in services.CASE_FIELDS if f != "active"},
            "preconditions": v.preconditions if v else "",
            "steps": services.steps_text(v.steps) if v else "",
            "test_data": v.test_data if v else "",
            "tickets": list(case.tickets.all()),
        }
        form = CaseForm(request.POST or None, initial=initial)
    duplicates: list[tuple[Any, float]] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not data.get("ignore_duplicates"):
            duplicates = selectors.likely_duplicates(
                title=data["title"],
                system=data["system"],
                module=data.get("module", ""),
                exclude_pk=case.pk if case else None,
            )
            if case is not None and case.title.strip().lower() == data["title"].strip().lower():
                duplicates = []  # the title did not change: the warning was shown before
        if duplicates:
            posted = request.POST.copy()
            posted["ignore_duplicates"] = "on"  # a second save keeps the case despite the warning
            form.data = posted
        else:
            try:
                values = _values(data)
                if case is None:
                    result = services.case_create(
                        actor=request.user,
                        reason=data.get("reason", ""),
                        tickets=list(data["tickets"]),
                        **values,
                    )
                else:
                    services.case_update(
                        case=case,
                        actor=request.user,
                        reason=data.get("reason", ""),
                        tickets=list(data["tickets"]),
                        **values,
                    )
                    result = case
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Test case saved."))
                return redirect("testing:case_detail", result.pk)
    return render(
        request,
        "testing/case_form.html",
        {
            "form": form,
            "title": _("New test case") if case is None else _("Edit %(key)s") % {"key": case.key},
            "duplicates": duplicates,
            "cancel_url": reverse("testing:case_detail", args=[case.pk])
            if case
            else reverse("testing:case_list"),
        },
    )


def case_create(request: HttpRequest) -> HttpResponse:
    need(request, "testing.add_testcase")
    return _case_form_view(request)


def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk, action="change")
    return _case_form_view(request, case=case)


def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    return render(
        request,
        "testing/case_detail.html",
        {
            "case": case,
            "version": case.current_version,
            "versions": selectors.versions_of(case),
            "executions": selectors.executions_of(case),
            "environments": selectors_runs.case_environments(case),
            "status": selectors_runs.case_status(case),
            "tickets": list(case.tickets.order_by("key")),
            "can_edit": can(request.user, "testing.change_testcase"),
        },
    )


def case_import(request: HttpRequest) -> HttpResponse:
    need(request, "testing.add_testcase")
    need(request, "testing.change_testcase")
    return import_view(
        request,
        CaseImportForm(request.POST or None, request.FILES or None),
        lambda d: services.cases_import(
            content=d["file"].read(), fmt=d["fmt"], actor=request.user, reason=d.get("reason", "")
        ),
        template="testing/case_import.html",
        extra={"columns": services.IMPORT_COLUMNS},
    )


urlpatterns: list[URLPattern] = [
    path("cases/", case_list, name="case_list"),
    path("cases/new/", case_create, name="case_create"),
    path("cases/import/", case_import, name="case_import"),
    path("cases/<int:pk>/", case_detail, name="case_detail"),
    path("cases/<int:pk>/edit/", case_edit, name="case_edit"),
]
