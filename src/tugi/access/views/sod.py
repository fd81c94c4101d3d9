"""Pages of the access area: segregation of duties policies, violations, exceptions, the scan."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tugi.core.permissions import can
from tugi.core.services import job_start
from tugi.core.viewkit import form_view, list_view, need

from .. import selectors_sod as selectors
from ..filters.sod import ExceptionFilter, PolicyFilter, ViolationFilter
from ..forms.sod import ExceptionForm, PolicyForm
from ..services import sod as services
from ..tables.sod import ExceptionTable, PolicyTable, ViolationTable

SCAN_JOB = "access-sod-scan"


def policy_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "access.view_sodpolicy")
    return list_view(
        request,
        filterset=PolicyFilter(request.GET, queryset=selectors.policies(user=request.user)),
        table_class=PolicyTable,
        template="access/sod_policy_list.html",
        export_name="sod-policies.csv",
    )


def policy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    policy = selectors.policy_get(user=request.user, pk=pk)
    open_violations = selectors.violations(user=request.user).filter(policy=policy, resolved_at__isnull=True)
    return render(
        request,
        "access/sod_policy_detail.html",
        {
            "policy": policy,
            "violations": open_violations,
            "can_edit": can(request.user, "access.change_sodpolicy"),
        },
    )


def policy_create(request: HttpRequest) -> HttpResponse:
    need(request, "access.add_sodpolicy")
    form = PolicyForm(request.POST or None)
    return form_view(
        request,
        form,
        lambda d: services.sod_policy_create(actor=request.user, **d),
        title=_("New segregation of duties policy"),
        success=lambda p: redirect("access:sod_policy_detail", p.pk),
        message=_("Policy saved. The next scan checks every account against it."),
        extra={"cancel_url": reverse("access:sod_policy_list")},
    )


def policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "access.change_sodpolicy")
    policy = selectors.policy_get(user=request.user, pk=pk, action="change")
    initial: dict[str, Any] = {name: getattr(policy, name) for name in services.POLICY_FIELDS}
    initial.update({side: list(getattr(policy, side).all()) for side in services.POLICY_SIDES})
    form = PolicyForm(request.POST or None, initial=initial)
    return form_view(
        request,
        form,
        lambda d: services.sod_policy_update(policy=policy, actor=request.user, **d),
        title=_("Edit %(name)s") % {"name": policy},
        success=lambda p: redirect("access:sod_policy_detail", p.pk),
        extra={"cancel_url": reverse("access:sod_policy_detail", args=[policy.pk])},
    )


def violation_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "access.view_sodviolation")
    data = request.GET.copy()
    if "state" not in data:
        data["state"] = "open"
    return list_view(
        request,
        filterset=ViolationFilter(data, queryset=selectors.violations(user=request.user)),
        table_class=ViolationTable,
        template="access/sod_violation_list.html",
        export_name="sod-violations.csv",
        extra={
            "may_grant": services.may_grant_exception(request.user),
            "may_scan": can(request.user, "access.change_sodviolation") and can(request.user, "core.add_job"),
        },
    )


def exception_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "access.view_sodexception")
    return list_view(
        request,
        filterset=ExceptionFilter(request.GET, queryset=selectors.exceptions(user=request.user)),
        table_class=ExceptionTable,
        template="access/sod_exception_list.html",
        export_name="sod-exceptions.csv",
        extra={"may_grant": services.may_grant_exception(request.user)},
    )


def exception_create(request: HttpRequest) -> HttpResponse:
    need(request, "access.add_sodexception")
    initial: dict[str, Any] = {}
    if request.GET.get("violation"):
        violation = selectors.violation_get(user=request.user, pk=request.GET["violation"])
        initial = {"policy": violation.policy_id, "account": violation.account_id}
    form = ExceptionForm(request.POST or None, initial=initial)
    return form_view(
        request,
        form,
        lambda d: services.sod_exception_grant(actor=request.user, **d),
        title=_("Grant a segregation of duties exception"),
        success="access:sod_exception_list",
        message=_("Exception granted."),
        extra={"cancel_url": reverse("access:sod_violation_list")},
    )


@require_POST
def scan(request: HttpRequest) -> HttpResponse:
    need(request, "access.change_sodviolation")
    need(request, "core.add_job")
    job = job_start(
        kind=SCAN_JOB,
        key=f"manual:{request.user.pk}:{timezone.now().isoformat()}",
        actor=request.user,
        title=_("Segregation of duties scan"),
    )
    messages.info(request, _("The scan has started."))
    return redirect("core:job_detail", job.uid)


urlpatterns: list[URLPattern] = [
    path("sod/policies/", policy_list, name="sod_policy_list"),
    path("sod/policies/new/", policy_create, name="sod_policy_create"),
    path("sod/policies/<int:pk>/", policy_detail, name="sod_policy_detail"),
    path("sod/policies/<int:pk>/edit/", policy_edit, name="sod_policy_edit"),
    path("sod/violations/", violation_list, name="sod_violation_list"),
    path("sod/exceptions/", exception_list, name="sod_exception_list"),
    path("sod/exceptions/new/", exception_create, name="sod_exception_create"),
    path("sod/scan/", scan, name="sod_scan"),
]
