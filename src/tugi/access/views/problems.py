"""Pages of the access area: access problems (report, list, recurring kinds, detail, work, forward)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from tugi.core.exports import table_csv_response
from tugi.core.permissions import can
from tugi.core.viewkit import form_view, list_view, need
from tugi.work import selectors as work_selectors

from .. import selectors_problems as selectors
from ..filters.problems import ProblemFilter
from ..forms.problems import ProblemForwardForm, ProblemReportForm, ProblemUpdateForm
from ..models import ManagedSystem, ProblemStatus
from ..services import problems as services
from ..tables.problems import ProblemTable, RecurringTable


def problem_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "access.view_accessproblem")
    qs = selectors.problems(user=request.user)
    return list_view(
        request,
        filterset=ProblemFilter(request.GET, queryset=qs, kinds=selectors.kinds(user=request.user)),
        table_class=ProblemTable,
        template="access/problems_list.html",
        export_name="access-problems.csv",
    )


def problem_recurring(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "access.view_accessproblem")
    table = RecurringTable(list(selectors.recurring(user=request.user)))
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    if request.GET.get("export") == "csv":
        return table_csv_response(table, "access-problems-recurring.csv")
    return render(request, "access/problems_recurring.html", {"table": table})


def problem_create(request: HttpRequest) -> HttpResponse:
    """Report a problem; ``?system=&account=&right=`` fill the form in (e.g. from an explanation)."""
    need(request, "access.add_accessproblem")
    initial = {k: request.GET[k] for k in ("account", "right") if k in request.GET}
    if request.GET.get("system"):
        system = ManagedSystem.objects.restrict(request.user).filter(code=request.GET["system"]).first()
        if system is not None:
            initial["system"] = str(system.pk)
    form = ProblemReportForm(request.POST or None, initial=initial, user=request.user)
    return form_view(
        request,
        form,
        lambda d: services.problem_report(actor=request.user, **d),
        title=_("Report an access problem"),
        success=lambda p: redirect("access:problem_detail", p.pk),
        message=_("Problem reported; the explanation of this moment is kept with it."),
        extra={"cancel_url": reverse("access:problem_list")},
    )


def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    problem = selectors.problem_get(user=request.user, pk=pk)
    can_change = can(request.user, "access.change_accessproblem")
    return render(
        request,
        "access/problems_detail.html",
        {
            "problem": problem,
            "explanation": selectors.explanation_view(problem),
            "can_change": can_change,
            "can_forward": can_change and problem.status != ProblemStatus.RESOLVED,
        },
    )


def problem_update(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "access.change_accessproblem")
    problem = selectors.problem_get(user=request.user, pk=pk, action="change")
    form = ProblemUpdateForm(
        request.POST or None, initial={"status": problem.status, "resolution": problem.resolution}
    )
    return form_view(
        request,
        form,
        lambda d: services.problem_update(problem=problem, actor=request.user, **d),
        title=_("Work on the problem"),
        success=lambda p: redirect("access:problem_detail", p.pk),
        extra={"cancel_url": reverse("access:problem_detail", args=[problem.pk])},
    )


def problem_forward(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "access.change_accessproblem")
    problem = selectors.problem_get(user=request.user, pk=pk, action="change")
    partners = work_selectors.partners(user=request.user).filter(active=True)
    form = ProblemForwardForm(
        request.POST or None,
        partners=partners,
        initial={"partner": problem.partner_id, "reference": problem.partner_reference},
    )
    return form_view(
        request,
        form,
        lambda d: services.problem_forward(problem=problem, actor=request.user, **d),
        title=_("Forward the problem to a partner"),
        success=lambda p: redirect("access:problem_detail", p.pk),
        message=_("Problem forwarded."),
        extra={"cancel_url": reverse("access:problem_detail", args=[problem.pk])},
    )


urlpatterns: list[URLPattern] = [
    path("problems/", problem_list, name="problem_list"),
    path("problems/recurring/", problem_recurring, name="problem_recurring"),
    path("problems/new/", problem_create, name="problem_create"),
    path("problems/<int:pk>/", problem_detail, name="problem_detail"),
    path("problems/<int:pk>/edit/", problem_update, name="problem_update"),
    path("problems/<int:pk>/forward/", problem_forward, name="problem_forward"),
]
