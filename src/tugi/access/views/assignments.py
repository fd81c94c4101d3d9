"""Pages of the access area: assignments (list, direct assignment, end, review of flagged ones)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tugi.core.viewkit import form_view, list_view, need

from .. import selectors_people as selectors
from ..filters.assignments import AssignmentFilter
from ..forms.assignments import AssignmentEndForm, AssignmentForm
from ..services import assignments as services
from ..tables.assignments import AssignmentTable


def _back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def assignment_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "access.view_assignment")
    return list_view(
        request,
        filterset=AssignmentFilter(request.GET, queryset=selectors.assignments(user=request.user)),
        table_class=AssignmentTable,
        template="access/assignments_list.html",
        export_name="assignments.csv",
    )


def assignment_create(request: HttpRequest) -> HttpResponse:
    need(request, "access.add_assignment")
    initial = {"valid_from": timezone.localdate(), "account": request.GET.get("account")}
    form = AssignmentForm(request.POST or None, initial=initial)
    return form_view(
        request,
        form,
        lambda d: services.assignment_give(actor=request.user, **d),
        title=_("Assign a profile"),
        success=lambda a: redirect("access:people_account_detail", a.account_id),
        message=_("Profile assigned."),
        extra={"cancel_url": reverse("access:assignments_list")},
    )


def assignment_end(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "access.change_assignment")
    assignment = selectors.assignment_get(user=request.user, pk=pk, action="change")
    form = AssignmentEndForm(request.POST or None, initial={"valid_to": timezone.localdate()})
    back = reverse("access:people_account_detail", args=[assignment.account_id])
    return form_view(
        request,
        form,
        lambda d: services.assignment_end(
            assignment=assignment, on=d["valid_to"], actor=request.user, reason=d["reason"]
        ),
        title=_("End %(assignment)s") % {"assignment": assignment},
        success=back,
        message=_("The assignment ends on the chosen day."),
        extra={"cancel_url": back},
    )


@require_POST
def assignment_review(request: HttpRequest, pk: int) -> HttpResponse:
    """A flagged assignment: keep it (the flag is cleared) or end it today."""
    need(request, "access.change_assignment")
    assignment = selectors.assignment_get(user=request.user, pk=pk, action="change")
    reason = request.POST.get("reason", "")[:500] or _("reviewed after a move")
    action = request.POST.get("action")
    try:
        if action == "keep":
            services.assignment_review_keep(assignment=assignment, actor=request.user, reason=reason)
            messages.success(request, _("The assignment is kept."))
        elif action == "end":
            services.assignment_end(assignment=assignment, actor=request.user, reason=reason)
            messages.success(request, _("The assignment ends today."))
        else:
            messages.error(request, _("Choose whether to keep or end the assignment."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(_back(request, reverse("access:people_account_detail", args=[assignment.account_id])))


urlpatterns: list[URLPattern] = [
    path("assignments/", assignment_list, name="assignments_list"),
    path("assignments/new/", assignment_create, name="assignments_create"),
    path("assignments/<int:pk>/end/", assignment_end, name="assignments_end"),
    path("assignments/<int:pk>/review/", assignment_review, name="assignments_review"),
]
