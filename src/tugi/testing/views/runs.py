"""Pages of test plans and runs: lists with progress, a plan with its cases, a run with its cases
executed in place, progress per tester, adding / removing / assigning cases."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tugi.core.permissions import can
from tugi.core.uploads import read_upload
from tugi.core.viewkit import form_view, list_view, need

from .. import selectors_runs as selectors
from ..filters.runs import RunFilter
from ..forms.runs import AssignForm, ExecutionForm, PlanForm, RunCasesForm, RunForm
from ..models import ExecutionAttachment, RunCase, TestCase
from ..services import runs as services
from ..tables.runs import PlanTable, RunTable

# --- plans ---------------------------------------------------------------------------------------


def plan_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    from django_tables2 import RequestConfig

    from tugi.core.exports import table_csv_response

    need(request, "testing.view_testplan")
    table = PlanTable(selectors.plans(user=request.user))
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    if request.GET.get("export") == "csv":
        return table_csv_response(table, "test-plans.csv")
    return render(
        request,
        "testing/plan_list.html",
        {"table": table, "can_create": can(request.user, "testing.add_testplan")},
    )


def _plan_values(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in {"reason", "cases"}}


def plan_create(request: HttpRequest) -> HttpResponse:
    need(request, "testing.add_testplan")
    form = PlanForm(
        request.POST or None, user=request.user, initial={"delivery": request.GET.get("delivery")}
    )
    return form_view(
        request,
        form,
        lambda d: services.plan_create(
            actor=request.user, reason=d.get("reason", ""), cases=list(d["cases"]), **_plan_values(d)
        ),
        title=_("New test plan"),
        success=lambda plan: redirect("testing:plan_detail", plan.pk),
        message=_("Test plan created."),
        extra={"cancel_url": reverse("testing:plan_list")},
    )


def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk, action="change")
    initial = {
        "name": plan.name,
        "delivery": plan.delivery,
        "description": plan.description,
        "cases": list(plan.cases.all()),
    }
    form = PlanForm(request.POST or None, user=request.user, initial=initial)
    return form_view(
        request,
        form,
        lambda d: services.plan_update(
            plan=plan,
            actor=request.user,
            reason=d.get("reason", ""),
            cases=list(d["cases"]),
            **_plan_values(d),
        ),
        title=_("Edit %(plan)s") % {"plan": plan},
        success=lambda _r: redirect("testing:plan_detail", plan.pk),
        extra={"cancel_url": reverse("testing:plan_detail", args=[plan.pk])},
    )


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk)
    cases = list(plan.cases.select_related("current_version").order_by("key"))
    statuses = selectors.case_statuses(cases)
    runs = list(plan.runs.select_related("environment").order_by("-created_at"))
    progress = selectors.runs_progress(runs)
    return render(
        request,
        "testing/plan_detail.html",
        {
            "plan": plan,
            "cases": [(c, statuses[c.pk]) for c in cases],
            "runs": [(r, progress[r.pk]) for r in runs],
            "can_edit": can(request.user, "testing.change_testplan"),
            "can_run": can(request.user, "testing.add_testrun"),
        },
    )


# --- runs ----------------------------------------------------------------------------------------


def run_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "testing.view_testrun")
    return list_view(
        request,
        filterset=RunFilter(request.GET, queryset=selectors.runs(user=request.user)),
        table_class=RunTable,
        template="testing/run_list.html",
        export_name="test-runs.csv",
        extra={"can_create": can(request.user, "testing.add_testrun")},
    )


def _run_values(data: dict[str, Any]) -> dict[str, Any]:
    return {
        k: ("" if v is None and k in {"environment_name", "version"} else v)
        for k, v in data.items()
        if k != "reason"
    }


def run_create(request: HttpRequest) -> HttpResponse:
    need(request, "testing.add_testrun")
    initial: dict[str, Any] = {}
    if request.GET.get("plan"):
        plan = selectors.plan_get(user=request.user, pk=request.GET["plan"])
        initial = {"plan": plan, "name": _("%(plan)s run") % {"plan": plan.name}}
    form = RunForm(request.POST or None, initial=initial)
    return form_view(
        request,
        form,
        lambda d: services.run_create(actor=request.user, reason=d.get("reason", ""), **_run_values(d)),
        title=_("New test run"),
        success=lambda run: redirect("testing:run_detail", run.pk),
        message=_("Test run created."),
        extra={"cancel_url": reverse("testing:run_list")},
    )


def run_edit(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_get(user=request.user, pk=pk, action="change")
    initial = {f: getattr(run, f) for f in services.RUN_FIELDS}
    form = RunForm(request.POST or None, initial=initial, editing=True)
    return form_view(
        request,
        form,
        lambda d: services.run_update(
            run=run, actor=request.user, reason=d.get("reason", ""), **_run_values(d)
        ),
        title=_("Edit %(run)s") % {"run": run},
        success=lambda _r: redirect("testing:run_detail", run.pk),
        extra={"cancel_url": reverse("testing:run_detail", args=[run.pk])},
    )


def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_get(user=request.user, pk=pk)
    latest = selectors.latest_in_run(run)
    rows = [(rc, latest.get(rc.case_id)) for rc in selectors.run_cases(run)]
    mine = request.GET.get("mine") == "1"
    if mine:
        rows = [(rc, e) for rc, e in rows if rc.assignee_id == request.user.pk]
    can_change = can(request.user, "testing.change_testrun")
    in_run = [rc.case_id for rc, _e in rows]
    return render(
        request,
        "testing/run_detail.html",
        {
            "run": run,
            "rows": rows,
            "mine": mine,
            "progress": selectors.run_progress(run, latest=latest),
            "testers": selectors.tester_progress(run, latest=latest),
            "can_execute": can(request.user, "testing.add_execution") and run.status != "cancelled",
            "can_change": can_change,
            "execution_form": ExecutionForm(),
            "assign_form": AssignForm(),
            "add_form": RunCasesForm(
                choices=TestCase.objects.filter(active=True).exclude(pk__in=in_run).order_by("key")
            )
            if can_change
            else None,
        },
    )


@require_POST
def run_cases_add(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_get(user=request.user, pk=pk, action="change")
    form = RunCasesForm(request.POST)
    if form.is_valid():
        try:
            keys = services.run_cases_add(
                run=run,
                cases=list(form.cleaned_data["cases"]),
                assignee=form.cleaned_data.get("assignee"),
                actor=request.user,
                reason=form.cleaned_data.get("reason", ""),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if keys:
                messages.success(request, _("Added: %(keys)s") % {"keys": ", ".join(keys)})
            else:
                messages.info(request, _("Those cases are already in the run."))
    else:
        messages.error(request, _("Choose the cases to add."))
    return redirect("testing:run_detail", run.pk)


@require_POST
def run_case_remove(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
    run = selectors.run_get(user=request.user, pk=pk, action="change")
    rc = RunCase.objects.filter(run=run, case_id=case_pk).select_related("case").first()
    if rc is None:
        raise Http404
    keys = services.run_cases_remove(
        run=run, cases=[rc.case], actor=request.user, reason=request.POST.get("reason", "")
    )
    messages.success(request, _("Removed: %(keys)s") % {"keys": ", ".join(keys)})
    return redirect("testing:run_detail", run.pk)


@require_POST
def run_case_assign(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
    run = selectors.run_get(user=request.user, pk=pk, action="change")
    rc = RunCase.objects.filter(run=run, case_id=case_pk).first()
    if rc is None:
        raise Http404
    form = AssignForm(request.POST)
    if form.is_valid():
        services.run_case_assign(run_case=rc, assignee=form.cleaned_data.get("assignee"), actor=request.user)
        messages.success(request, _("Tester saved."))
    else:
        messages.error(request, _("Choose a tester."))
    return redirect("testing:run_detail", run.pk)


@require_POST
def execution_create(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
    """Record a result of one case of the run (the run page's execute-in-place form)."""
    need(request, "testing.add_execution")
    run = selectors.run_get(user=request.user, pk=pk)
    rc = RunCase.objects.filter(run=run, case_id=case_pk).select_related("case").first()
    if rc is None:
        raise Http404
    form = ExecutionForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data.get("attachment")
        try:
            services.execution_record(
                run=run,
                case=rc.case,
                status=form.cleaned_data["status"],
                comment=form.cleaned_data.get("comment", ""),
                attachments=[upload] if upload else [],
                actor=request.user,
            )
        except ValidationError as exc:
            messages.error(request, f"{rc.case.key}: " + " ".join(exc.messages))
        else:
            messages.success(request, _("%(key)s: result saved.") % {"key": rc.case.key})
    else:
        messages.error(
            request,
            f"{rc.case.key}: " + " ".join(str(m) for errs in form.errors.values() for m in errs),
        )
    url = reverse("testing:run_detail", args=[run.pk])
    if request.POST.get("mine") == "1":
        url += "?mine=1"
    return redirect(f"{url}#case-{rc.case_id}")


def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = ExecutionAttachment.objects.select_related("execution__run").filter(pk=pk).first()
    if attachment is None:
        raise Http404
    selectors.run_get(user=request.user, pk=attachment.execution.run_id)
    try:
        content = read_upload(attachment.digest, attachment.suffix)
    except (OSError, ValueError):
        raise Http404 from None
    response = HttpResponse(content, content_type=attachment.content_type or "application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{attachment.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns: list[URLPattern] = [
    path("plans/", plan_list, name="plan_list"),
    path("plans/new/", plan_create, name="plan_create"),
    path("plans/<int:pk>/", plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", plan_edit, name="plan_edit"),
    path("runs/", run_list, name="run_list"),
    path("runs/new/", run_create, name="run_create"),
    path("runs/<int:pk>/", run_detail, name="run_detail"),
    path("runs/<int:pk>/edit/", run_edit, name="run_edit"),
    path("runs/<int:pk>/cases/", run_cases_add, name="run_cases_add"),
    path("runs/<int:pk>/cases/<int:case_pk>/remove/", run_case_remove, name="run_case_remove"),
    path("runs/<int:pk>/cases/<int:case_pk>/assign/", run_case_assign, name="run_case_assign"),
    path("runs/<int:pk>/cases/<int:case_pk>/execute/", execution_create, name="execution_create"),
    path("attachments/<int:pk>/", attachment_download, name="execution_attachment"),
]
