"""Pages of the access area: access requests, their stages and decisions, my approvals."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from tugi.core.forms import apply_errors
from tugi.core.permissions import can
from tugi.core.viewkit import form_view, list_view, need

from .. import selectors_requests as selectors
from ..filters.requests import RequestFilter
from ..forms.requests import DecisionForm, RequestForm
from ..services import requests as services
from ..tables.requests import RequestTable


def request_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "access.view_accessrequest")
    return list_view(
        request,
        filterset=RequestFilter(request.GET, queryset=selectors.requests(user=request.user)),
        table_class=RequestTable,
        template="access/requests_list.html",
        export_name="access-requests.csv",
    )


def request_mine(request: HttpRequest) -> HttpResponse:
    """My approvals: the requests waiting for my decision, and those I decided."""
    need(request, "access.view_accessrequest")
    waiting = selectors.requests_waiting_for(user=request.user)
    decided = RequestTable(selectors.requests_decided_by(user=request.user), prefix="decided-")
    RequestConfig(request, paginate={"per_page": 25}).configure(decided)
    return render(
        request,
        "access/requests_mine.html",
        {
            "waiting": RequestTable(waiting, orderable=False),
            "decided": decided,
            "waiting_count": len(waiting),
        },
    )


def request_create(request: HttpRequest) -> HttpResponse:
    need(request, "access.add_accessrequest")
    initial = {
        "valid_from": timezone.localdate(),
        "account": request.GET.get("account"),
        "profile": request.GET.get("profile"),
    }
    form = RequestForm(request.POST or None, initial=initial)
    return form_view(
        request,
        form,
        lambda d: services.request_create(actor=request.user, **d),
        title=_("Request access"),
        success=lambda r: redirect("access:requests_detail", r.pk),
        message=_("Request sent; the first approver has been told."),
        template="access/requests_form.html",
        extra={"cancel_url": reverse("access:requests_list")},
    )


def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access_request = selectors.request_get(user=request.user, pk=pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        need(request, services.APPROVE_PERMISSION)
        if form.is_valid():
            try:
                services.request_decide(request=access_request, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Decision saved."))
                return redirect("access:requests_detail", access_request.pk)
    return render(
        request,
        "access/requests_detail.html",
        {
            "req": access_request,
            "stages": selectors.request_stages(access_request),
            "form": form,
            "may_decide": services.can_decide(access_request, request.user),
            "may_cancel": access_request.status in services.OPEN_STATUSES
            and access_request.requester_id == request.user.pk
            and can(request.user, "access.add_accessrequest"),
            "sensitive": services.sensitive_rights(access_request.profile),
            # an open request shows the check as it stands now (an exception may have come since)
            "sod_result": services.sod_check(
                access_request.account,
                access_request.profile,
                access_request.valid_from,
                access_request.valid_to,
            )
            if access_request.status in services.OPEN_STATUSES
            else access_request.sod_result,
        },
        status=200,
    )


@require_POST
def request_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "access.add_accessrequest")
    access_request = selectors.request_get(user=request.user, pk=pk)
    try:
        services.request_cancel(
            request=access_request, actor=request.user, reason=request.POST.get("reason", "")[:500]
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Request cancelled."))
    return redirect("access:requests_detail", access_request.pk)


urlpatterns: list[URLPattern] = [
    path("requests/", request_list, name="requests_list"),
    path("requests/new/", request_create, name="requests_create"),
    path("requests/approvals/", request_mine, name="requests_mine"),
    path("requests/<int:pk>/", request_detail, name="requests_detail"),
    path("requests/<int:pk>/cancel/", request_cancel, name="requests_cancel"),
]
