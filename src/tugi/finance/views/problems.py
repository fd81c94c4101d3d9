"""Pages of the finance problem register: the list (filters, CSV export), a problem with its
timeline and lifecycle steps, report and edit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tugi.core.forms import apply_errors
from tugi.core.permissions import can
from tugi.core.viewkit import form_view, list_view, need

from .. import selectors_problems as selectors
from ..filters.problems import ProblemFilter
from ..forms.problems import ProblemForm, ProblemForwardForm, ProblemSolveForm, ProblemStepForm
from ..models import FinanceProblem
from ..services import problems as services
from ..tables.problems import ProblemTable


def problem_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "finance.view_financeproblem")
    return list_view(
        request,
        filterset=ProblemFilter(request.GET, queryset=selectors.problems(user=request.user), request=request),
        table_class=ProblemTable,
        template="finance/problem_list.html",
        export_name="finance-problems.csv",
        extra={"can_add": can(request.user, "finance.add_financeproblem")},
    )


def _forms(request: HttpRequest, **bound: Any) -> dict[str, Any]:
    return {
        "forward_form": bound.get("forward") or ProblemForwardForm(user=request.user, prefix="fwd"),
        "solve_form": bound.get("solve") or ProblemSolveForm(prefix="solve"),
        "step_form": bound.get("step") or ProblemStepForm(prefix="step"),
    }


def _detail(request: HttpRequest, problem: FinanceProblem, status: int = 200, **bound: Any) -> HttpResponse:
    context = {
        "problem": problem,
        "timeline": selectors.timeline(user=request.user, problem=problem),
        "allowed": services.TRANSITIONS.get(problem.status, ()),
        "can_change": can(request.user, "finance.change_financeproblem"),
        "can_add_monitor": can(request.user, "finance.add_monitor"),
        **_forms(request, **bound),
    }
    return render(request, "finance/problem_detail.html", context, status=status)


def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.problem_get(user=request.user, pk=pk))


def problem_create(request: HttpRequest) -> HttpResponse:
    need(request, "finance.add_financeproblem")
    form = ProblemForm(request.POST or None, initial={"reported_on": timezone.localdate()})

    def call(d: dict[str, Any]) -> Any:
        data = dict(d)
        reason = data.pop("reason", "")
        return services.problem_create(actor=request.user, reason=reason, **data)

    return form_view(
        request,
        form,
        call,
        title=_("Report a finance problem"),
        success=lambda p: redirect("finance:problem_detail", p.pk),
        message=_("Problem reported."),
    )


def problem_edit(request: HttpRequest, pk: int) -> HttpResponse:
    problem = selectors.problem_get(user=request.user, pk=pk, action="change")
    form = ProblemForm(request.POST or None, initial={f: getattr(problem, f) for f in services.EDITABLE})

    def call(d: dict[str, Any]) -> Any:
        data = dict(d)
        reason = data.pop("reason", "")
        return services.problem_update(problem=problem, actor=request.user, reason=reason, **data)

    return form_view(
        request,
        form,
        call,
        title=_("Edit problem #%(id)s") % {"id": problem.pk},
        success=lambda p: redirect("finance:problem_detail", p.pk),
        message=_("Problem saved."),
    )


def _step(
    request: HttpRequest, pk: int, form: Any, key: str, call: Callable[[FinanceProblem, dict[str, Any]], Any]
) -> HttpResponse:
    problem = selectors.problem_get(user=request.user, pk=pk, action="change")
    if form.is_valid():
        try:
            call(problem, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Problem updated."))
            return redirect("finance:problem_detail", problem.pk)
    problem.refresh_from_db()
    return _detail(request, problem, 422, **{key: form})


@require_POST
def problem_analyse(request: HttpRequest, pk: int) -> HttpResponse:
    def call(p: FinanceProblem, d: dict[str, Any]) -> Any:
        return services.problem_analyse(problem=p, actor=request.user, reason=d.get("reason", ""))

    return _step(request, pk, ProblemStepForm(request.POST, prefix="step"), "step", call)


@require_POST
def problem_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    def call(p: FinanceProblem, d: dict[str, Any]) -> Any:
        return services.problem_reopen(problem=p, actor=request.user, reason=d.get("reason", ""))

    return _step(request, pk, ProblemStepForm(request.POST, prefix="step"), "step", call)


@require_POST
def problem_close(request: HttpRequest, pk: int) -> HttpResponse:
    def call(p: FinanceProblem, d: dict[str, Any]) -> Any:
        return services.problem_close(problem=p, actor=request.user, reason=d.get("reason", ""))

    return _step(request, pk, ProblemStepForm(request.POST, prefix="step"), "step", call)


@require_POST
def problem_forward(request: HttpRequest, pk: int) -> HttpResponse:
    def call(p: FinanceProblem, d: dict[str, Any]) -> Any:
        return services.problem_forward(
            problem=p,
            partner=d["partner"],
            partner_reference=d["partner_reference"],
            forwarded_on=d.get("forwarded_on"),
            actor=request.user,
            reason=d.get("reason", ""),
        )

    form = ProblemForwardForm(request.POST, user=request.user, prefix="fwd")
    return _step(request, pk, form, "forward", call)


@require_POST
def problem_solve(request: HttpRequest, pk: int) -> HttpResponse:
    def call(p: FinanceProblem, d: dict[str, Any]) -> Any:
        return services.problem_solve(
            problem=p,
            root_cause=d["root_cause"],
            resolution=d["resolution"],
            solved_on=d.get("solved_on"),
            monitor=d.get("monitor"),
            actor=request.user,
            reason=d.get("reason", ""),
        )

    return _step(request, pk, ProblemSolveForm(request.POST, prefix="solve"), "solve", call)


urlpatterns: list[URLPattern] = [
    path("problems/", problem_list, name="problem_list"),
    path("problems/new/", problem_create, name="problem_create"),
    path("problems/<int:pk>/", problem_detail, name="problem_detail"),
    path("problems/<int:pk>/edit/", problem_edit, name="problem_edit"),
    path("problems/<int:pk>/analyse/", problem_analyse, name="problem_analyse"),
    path("problems/<int:pk>/reopen/", problem_reopen, name="problem_reopen"),
    path("problems/<int:pk>/forward/", problem_forward, name="problem_forward"),
    path("problems/<int:pk>/solve/", problem_solve, name="problem_solve"),
    path("problems/<int:pk>/close/", problem_close, name="problem_close"),
]
