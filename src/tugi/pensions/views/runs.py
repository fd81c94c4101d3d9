"""Pages of calculation runs: list, create, the run page (status, progress, inputs, review,
checklist, results), the decisions and the exports. Views parse input and call a service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from tugi.core.exports import rows_csv_response, xlsx_response
from tugi.core.forms import apply_errors
from tugi.core.permissions import can
from tugi.core.viewkit import list_view, need

from .. import selectors_runs as selectors
from ..filters.runs import RunFilter
from ..forms.runs import ResultSearchForm, RunCreateForm, RunDecisionForm, RunDiscardForm
from ..models import CalculationRun, RunKind, RunStatus
from ..services import runs as services
from ..tables.runs import PensionResultTable, PersonResultTable, RunTable

#: An XLSX export stops here (a spreadsheet of 700 000 rows helps nobody); CSV has every row.
XLSX_MAX_ROWS = 100_000


def run_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "pensions.view_calculationrun")
    return list_view(
        request,
        filterset=RunFilter(request.GET, queryset=selectors.runs(user=request.user)),
        table_class=RunTable,
        template="pensions/run_list.html",
        export_name="calculation-runs.csv",
        extra={"can_create": can(request.user, "pensions.add_calculationrun")},
    )


def run_create(request: HttpRequest) -> HttpResponse:
    need(request, "pensions.add_calculationrun")
    form = RunCreateForm(request.POST or None, initial={"compute": True})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kind = data["kind"]
        try:
            run = services.run_create(
                kind=kind,
                actor=request.user,
                year=data.get("year") if kind != RunKind.INDEXATION else None,
                effective_date=data.get("effective_date") if kind == RunKind.INDEXATION else None,
                index=data.get("index") if kind == RunKind.INDEXATION else None,
                note=data.get("note", ""),
            )
            if data.get("compute"):
                services.run_compute(run=run, actor=request.user)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Run created."))
            return redirect("pensions:run_detail", run.pk)
    return render(request, "pensions/run_create.html", {"form": form})


def _actions(request: HttpRequest, run: CalculationRun) -> dict[str, bool]:
    user = request.user
    may_change = can(user, "pensions.change_calculationrun")
    involved = user.pk in {run.created_by_id, run.computed_by_id}
    return {
        "may_compute": can(user, "pensions.add_calculationrun")
        and run.status in (RunStatus.DRAFT, RunStatus.FAILED, RunStatus.COMPUTED),
        "may_approve": may_change and run.status == RunStatus.COMPUTED and not involved,
        "may_apply": may_change and run.status == RunStatus.APPROVED and not involved,
        "may_discard": may_change and run.status in services.DISCARDABLE,
        "may_inform": may_change
        and run.status == RunStatus.APPLIED
        and run.kind != RunKind.YEAR_SHARES
        and not (run.review or {}).get("payments_informed"),
        "four_eyes_blocked": may_change
        and run.status in (RunStatus.COMPUTED, RunStatus.APPROVED)
        and involved,
        "may_see_results": can(user, "pensions.view_runpersonresult")
        if run.kind == RunKind.YEAR_SHARES
        else can(user, "pensions.view_runpensionresult"),
    }


def _results_table(request: HttpRequest, run: CalculationRun, code: str = "") -> Any:
    if selectors.is_pension_run(run):
        table: Any = PensionResultTable(selectors.pension_results(run, code=code))
    else:
        table = PersonResultTable(selectors.person_results(run, code=code))
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    return table


def _chart(review: dict[str, Any]) -> dict[str, Any] | None:
    """Bars of the histogram as SVG geometry (no inline style: the CSP forbids it)."""
    hist = review.get("histogram")
    if not hist or not hist.get("buckets"):
        return None
    top = max((b["count"] for b in hist["buckets"]), default=0) or 1
    width, row = 360, 22
    bars = []
    for i, bucket in enumerate(hist["buckets"]):
        bars.append(
            {
                **bucket,
                "y": i * row,
                "text_y": i * row + 15,
                "width": max(1 if bucket["count"] else 0, round(width * bucket["count"] / top)),
            }
        )
    return {
        "bars": bars,
        "height": len(bars) * row,
        "width": width,
        "of": hist.get("of"),
        "total": hist.get("total"),
    }


def _anomalies(review: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {**a, "label": selectors.ANOMALY_LABELS.get(a["key"], a["key"])} for a in review.get("anomalies", [])
    ]


def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_get(user=request.user, pk=pk)
    actions = _actions(request, run)
    search = ResultSearchForm(request.POST or None)
    code = ""
    if request.method == "POST" and search.is_valid():
        code = search.cleaned_data["personal_code"]
        _log_person_view(request, run, code)
    review = run.review or {}
    context = {
        "run": run,
        **actions,
        "checklist": selectors.checklist(run),
        "counts": selectors.figures(run.counts),
        "totals": selectors.figures(run.totals),
        "runbook_url": selectors.runbook_url(user=request.user),
        "may_seed_runbook": can(request.user, "work.add_guide"),
        "review": review,
        "chart": _chart(review),
        "anomalies": _anomalies(review),
        "results": _results_table(request, run, code)
        if actions["may_see_results"] and run.status not in (RunStatus.DRAFT, RunStatus.COMPUTING)
        else None,
        "search": search,
        "searched": bool(code),
        "decision_form": RunDecisionForm(),
        "discard_form": RunDiscardForm(),
        "inputs_changed": selectors_changed(run) if run.status == RunStatus.COMPUTED else [],
    }
    return render(request, "pensions/run_detail.html", context)


def _log_person_view(request: HttpRequest, run: CalculationRun, code: str) -> None:
    """Looking up one person's result is a view of their data: the view log records it."""
    from tugi.core.selectors import person_find_by_code
    from tugi.core.services import person_view_record

    person = person_find_by_code(user=request.user, personal_code=code)
    if person is not None:
        person_view_record(
            viewer=request.user,
            person=person,
            purpose=_("Result of calculation run #%(pk)s") % {"pk": run.pk},
        )


def selectors_changed(run: CalculationRun) -> list[str]:
    from ..services.runs_compute import INPUT_LABELS, changed_inputs

    try:
        return [_(INPUT_LABELS.get(k, k)) for k in changed_inputs(run)]
    except ValidationError:
        return [_("the parameters")]


def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment htmx polls while the run computes; it reloads the page when done."""
    run = selectors.run_get(user=request.user, pk=pk)
    response = render(request, "pensions/run_progress.html", {"run": run, "job": run.job})
    if run.status != RunStatus.COMPUTING:
        response["HX-Refresh"] = "true"
    return response


def _decide(request: HttpRequest, pk: int, call: Any, form_class: Any, done: str) -> HttpResponse:
    run = selectors.run_get(user=request.user, pk=pk)
    form = form_class(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("pensions:run_detail", run.pk)
    try:
        call(run, form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
    else:
        messages.success(request, done)
    return redirect("pensions:run_detail", run.pk)


@require_POST
def run_compute(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "pensions.add_calculationrun")
    return _decide(
        request,
        pk,
        lambda run, d: services.run_compute(run=run, actor=request.user),
        RunDecisionForm,
        _("Computing started."),
    )


@require_POST
def run_approve(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "pensions.change_calculationrun")
    return _decide(
        request,
        pk,
        lambda run, d: services.run_approve(run=run, actor=request.user, reason=d.get("reason", "")),
        RunDecisionForm,
        _("Run approved."),
    )


@require_POST
def run_apply(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "pensions.change_calculationrun")
    return _decide(
        request,
        pk,
        lambda run, d: services.run_apply(run=run, actor=request.user, reason=d.get("reason", "")),
        RunDecisionForm,
        _("Run applied to the register."),
    )


@require_POST
def run_discard(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "pensions.change_calculationrun")
    return _decide(
        request,
        pk,
        lambda run, d: services.run_discard(run=run, actor=request.user, reason=d["reason"]),
        RunDiscardForm,
        _("Run discarded."),
    )


@require_POST
def run_payments_informed(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "pensions.change_calculationrun")
    return _decide(
        request,
        pk,
        lambda run, d: services.run_mark_payments_informed(
            run=run, actor=request.user, reason=d.get("reason", "")
        ),
        RunDecisionForm,
        _("Payments marked as informed; the finance team was notified."),
    )


@require_POST
def runbook_create(request: HttpRequest) -> HttpResponse:
    """Seed the process guide "Yearly mass calculation" (once; the run pages link it)."""
    from ..services.runs_guide import runbook_ensure

    need(request, "work.add_guide")
    guide = runbook_ensure(actor=request.user)
    return redirect("work:guide_detail", guide.slug)


def run_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse | StreamingHttpResponse:
    run = selectors.run_get(user=request.user, pk=pk)
    if not _actions(request, run)["may_see_results"]:
        raise PermissionDenied
    if fmt not in ("csv", "xlsx"):
        raise Http404
    header, rows = selectors.results_rows(run)
    name = f"run-{run.pk}-{run.kind}"
    if fmt == "csv":
        return rows_csv_response(_with_header(header, rows), f"{name}.csv")
    return xlsx_response(header, _capped(rows), f"{name}.xlsx", "results")


def _with_header(header: list[str], rows: Any) -> Any:
    yield header
    yield from rows


def _capped(rows: Any) -> Any:
    for count, row in enumerate(rows):
        if count >= XLSX_MAX_ROWS:
            yield [
                _("Only the first %(n)d rows are in this file; the CSV export has every row.")
                % {"n": XLSX_MAX_ROWS}
            ]
            return
        yield row


urlpatterns: list[URLPattern] = [
    path("runs/", run_list, name="run_list"),
    path("runs/new/", run_create, name="run_create"),
    path("runs/<int:pk>/", run_detail, name="run_detail"),
    path("runs/<int:pk>/progress/", run_progress, name="run_progress"),
    path("runs/<int:pk>/compute/", run_compute, name="run_compute"),
    path("runs/<int:pk>/approve/", run_approve, name="run_approve"),
    path("runs/<int:pk>/apply/", run_apply, name="run_apply"),
    path("runs/<int:pk>/discard/", run_discard, name="run_discard"),
    path("runs/<int:pk>/payments-informed/", run_payments_informed, name="run_payments_informed"),
    path("runs/<int:pk>/export.<str:fmt>", run_export, name="run_export"),
    path("runs/runbook/", runbook_create, name="run_runbook_create"),
]
