"""Pages of the finance area: monitors — the list (last run, outcome, rows found), a monitor with
its history and last rows, run now, create (also prefilled from a problem) and edit with a test
run of the SQL that saves nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tugi.core.forms import apply_errors
from tugi.core.permissions import can
from tugi.core.viewkit import list_view, need

from .. import selectors_monitors as selectors
from .. import selectors_problems
from ..filters.monitors import MonitorFilter
from ..forms.monitors import MonitorForm
from ..services import monitors as services
from ..services import problems as problem_services
from ..tables.monitors import MonitorTable


def monitor_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "finance.view_monitor")
    return list_view(
        request,
        filterset=MonitorFilter(request.GET, queryset=selectors.monitors(user=request.user)),
        table_class=MonitorTable,
        template="finance/monitor_list.html",
        export_name="monitors.csv",
        extra={"can_add": can(request.user, "finance.add_monitor")},
    )


def monitor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    monitor = selectors.monitor_get(user=request.user, pk=pk)
    history = selectors.results(monitor=monitor, limit=30)
    peak = max([r.row_count for r in history] or [0]) or 1
    return render(
        request,
        "finance/monitor_detail.html",
        {
            "monitor": monitor,
            "history": history,
            "peak": peak,
            "last": history[0] if history else None,
            "problems": list(monitor.problems.all()),
            "can_change": can(request.user, "finance.change_monitor"),
        },
    )


def monitor_result(request: HttpRequest, pk: int, result_pk: int) -> HttpResponse:
    monitor = selectors.monitor_get(user=request.user, pk=pk)
    result = selectors.result_get(monitor=monitor, pk=result_pk)
    return render(request, "finance/monitor_result.html", {"monitor": monitor, "result": result})


@require_POST
def monitor_run(request: HttpRequest, pk: int) -> HttpResponse:
    monitor = selectors.monitor_get(user=request.user, pk=pk, action="change")
    result = services.monitor_run(monitor=monitor, actor=request.user)
    if result.outcome == "error":
        messages.error(request, _("The monitor failed: %(error)s") % {"error": result.error})
    else:
        messages.success(request, _("The monitor ran: %(count)s rows found.") % {"count": result.row_count})
    return redirect("finance:monitor_detail", monitor.pk)


def _values(data: dict[str, Any]) -> tuple[dict[str, Any], str]:
    values = dict(data)
    reason = values.pop("reason", "") or ""
    return values, reason


def _form_page(
    request: HttpRequest, form: MonitorForm, save: Any, *, title: str, problem: Any = None
) -> HttpResponse:
    preview = None
    if request.method == "POST" and form.is_valid():
        try:
            if "test" in request.POST:
                preview = services.monitor_test_run(sql=form.cleaned_data.get("sql", ""), actor=request.user)
            else:
                monitor = save(*_values(form.cleaned_data))
                messages.success(request, _("Monitor saved."))
                return redirect("finance:monitor_detail", monitor.pk)
        except ValidationError as exc:
            apply_errors(form, exc)
    # a form with errors is shown again with 200, as every form page of Tugi does
    return render(
        request,
        "finance/monitor_form.html",
        {"form": form, "title": title, "preview": preview, "problem": problem},
    )


def monitor_create(request: HttpRequest) -> HttpResponse:
    need(request, "finance.add_monitor")
    problem = None
    problem_id = request.GET.get("problem") or request.POST.get("problem")
    initial: dict[str, Any] = {"kind": "sql", "is_active": True}
    if problem_id:
        problem = selectors_problems.problem_get(user=request.user, pk=problem_id, action="change")
        initial.update(
            {
                "code": f"problem-{problem.pk}",
                "name": problem.title[:200],
                "description": _("Watches that problem #%(id)s does not recur: %(title)s")
                % {"id": problem.pk, "title": problem.title},
                "sql": "SELECT ...",
            }
        )
    form = MonitorForm(request.POST or None, initial=initial)

    def save(values: dict[str, Any], reason: str) -> Any:
        # the monitor and its link to the problem stand or fall together
        with transaction.atomic():
            monitor = services.monitor_create(actor=request.user, reason=reason, **values)
            if problem is not None:
                problem_services.problem_link_monitor(
                    problem=problem, monitor=monitor, actor=request.user, reason=reason
                )
        return monitor

    return _form_page(request, form, save, title=_("New monitor"), problem=problem)


def monitor_edit(request: HttpRequest, pk: int) -> HttpResponse:
    monitor = selectors.monitor_get(user=request.user, pk=pk, action="change")
    initial = {f: getattr(monitor, f) for f in services.EDITABLE if f != "owner"}
    form = MonitorForm(request.POST or None, initial=initial)

    def save(values: dict[str, Any], reason: str) -> Any:
        return services.monitor_update(monitor=monitor, actor=request.user, reason=reason, **values)

    return _form_page(request, form, save, title=_("Edit monitor %(name)s") % {"name": monitor.name})


urlpatterns: list[URLPattern] = [
    path("monitors/", monitor_list, name="monitor_list"),
    path("monitors/new/", monitor_create, name="monitor_create"),
    path("monitors/<int:pk>/", monitor_detail, name="monitor_detail"),
    path("monitors/<int:pk>/edit/", monitor_edit, name="monitor_edit"),
    path("monitors/<int:pk>/run/", monitor_run, name="monitor_run"),
    path("monitors/<int:pk>/results/<int:result_pk>/", monitor_result, name="monitor_result"),
]
