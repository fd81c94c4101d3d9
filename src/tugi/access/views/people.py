"""Pages of the access area: organisation units, accounts, leavers, the HR import."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tugi.core.imports import ImportError_
from tugi.core.permissions import can
from tugi.core.selectors import get_restricted
from tugi.core.services import job_start
from tugi.core.uploads import store_upload
from tugi.core.viewkit import form_view, list_view, need

from .. import selectors_people as selectors
from ..filters.people import AccountFilter, OrgUnitFilter
from ..forms.people import AccountForm, HrImportForm, LeaveForm, OrgUnitForm
from ..models import EmploymentStatus, OrgUnit
from ..services import people as services
from ..tables.people import AccountTable, OrgUnitTable

HR_IMPORT_JOB = "access-hr-import"


def unit_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "access.view_orgunit")
    return list_view(
        request,
        filterset=OrgUnitFilter(request.GET, queryset=selectors.org_units(user=request.user)),
        table_class=OrgUnitTable,
        template="access/people_unit_list.html",
        export_name="org-units.csv",
    )


def unit_create(request: HttpRequest) -> HttpResponse:
    need(request, "access.add_orgunit")
    form = OrgUnitForm(request.POST or None)
    return form_view(
        request,
        form,
        lambda d: services.org_unit_create(actor=request.user, **d),
        title=_("Add an organisation unit"),
        success="access:people_unit_list",
        message=_("Organisation unit added."),
        extra={"cancel_url": reverse("access:people_unit_list")},
    )


def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "access.change_orgunit")
    unit = get_restricted(OrgUnit.objects.all(), request.user, "change", pk=pk)
    form = OrgUnitForm(
        request.POST or None, initial={"code": unit.code, "name": unit.name, "kind": unit.kind}
    )
    return form_view(
        request,
        form,
        lambda d: services.org_unit_update(unit=unit, actor=request.user, **d),
        title=_("Edit %(name)s") % {"name": unit},
        success="access:people_unit_list",
        extra={"cancel_url": reverse("access:people_unit_list")},
    )


def account_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "access.view_account")
    return list_view(
        request,
        filterset=AccountFilter(request.GET, queryset=selectors.accounts(user=request.user)),
        table_class=AccountTable,
        template="access/people_account_list.html",
        export_name="accounts.csv",
    )


def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = selectors.account_get(user=request.user, pk=pk)
    context = selectors.account_page(user=request.user, account=account)
    return render(
        request,
        "access/people_account_detail.html",
        {
            "account": account,
            **context,
            "can_edit": can(request.user, "access.change_account"),
            "can_leave": can(request.user, "access.change_account")
            and account.status == EmploymentStatus.ACTIVE,
            "can_assign": can(request.user, "access.add_assignment")
            and account.status == EmploymentStatus.ACTIVE,
            "can_request": can(request.user, "access.add_accessrequest")
            and account.status == EmploymentStatus.ACTIVE,
        },
    )


def account_create(request: HttpRequest) -> HttpResponse:
    need(request, "access.add_account")
    form = AccountForm(request.POST or None)
    return form_view(
        request,
        form,
        lambda d: services.account_create(actor=request.user, **d),
        title=_("Add an account"),
        success=lambda a: redirect("access:people_account_detail", a.pk),
        message=_("Account added."),
        extra={"cancel_url": reverse("access:people_account_list")},
    )


def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "access.change_account")
    account = selectors.account_get(user=request.user, pk=pk, action="change")
    initial = {name: getattr(account, name) for name in services.ACCOUNT_FIELDS}
    form = AccountForm(request.POST or None, initial=initial, account=account)
    return form_view(
        request,
        form,
        lambda d: services.account_update(account=account, actor=request.user, **d),
        title=_("Edit %(name)s") % {"name": account},
        success=lambda a: redirect("access:people_account_detail", a.pk),
        message=_("Changes saved."),
        extra={"cancel_url": reverse("access:people_account_detail", args=[account.pk])},
    )


def account_leave(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "access.change_account")
    account = selectors.account_get(user=request.user, pk=pk, action="change")
    form = LeaveForm(request.POST or None, initial={"left_on": timezone.localdate()})
    return form_view(
        request,
        form,
        lambda d: services.account_leave(account=account, actor=request.user, **d),
        title=_("%(name)s leaves") % {"name": account},
        success=lambda a: redirect("access:people_account_detail", a.pk),
        message=_("Marked as a leaver; every assignment ends on the last working day."),
        extra={"cancel_url": reverse("access:people_account_detail", args=[account.pk])},
    )


def hr_import(request: HttpRequest) -> HttpResponse:
    need(request, "access.add_account")
    need(request, "access.change_account")
    need(request, "core.add_job")
    form = HrImportForm(request.POST or None, request.FILES or None)
    errors: list[object] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            services.hr_import_validate(content)
        except ImportError_ as exc:
            errors = list(exc.errors)
        else:
            digest, _path = store_upload(content, ".csv")
            job = job_start(
                kind=HR_IMPORT_JOB,
                # per user and day: the same file again on the same day answers with the same job
                key=f"{request.user.pk}:{digest}:{timezone.localdate().isoformat()}",
                actor=request.user,
                params={"sha256": digest, "reason": form.cleaned_data.get("reason", "")},
                title=_("HR import from %(name)s") % {"name": upload.name},
            )
            return redirect("core:job_detail", job.uid)
    return render(
        request,
        "access/people_import.html",
        {"form": form, "errors": errors, "header": ";".join(services.HR_COLUMNS)},
    )


urlpatterns: list[URLPattern] = [
    path("units/", unit_list, name="people_unit_list"),
    path("units/new/", unit_create, name="people_unit_create"),
    path("units/<int:pk>/edit/", unit_edit, name="people_unit_edit"),
    path("accounts/", account_list, name="people_account_list"),
    path("accounts/new/", account_create, name="people_account_create"),
    path("accounts/import/", hr_import, name="people_hr_import"),
    path("accounts/<int:pk>/", account_detail, name="people_account_detail"),
    path("accounts/<int:pk>/edit/", account_edit, name="people_account_edit"),
    path("accounts/<int:pk>/leave/", account_leave, name="people_account_leave"),
]
