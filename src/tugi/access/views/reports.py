"""Pages of the access area: reports, each with CSV export, linked from the reports index."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tables2 import RequestConfig

from tugi.core.exports import dict_table_csv_response
from tugi.core.permissions import can
from tugi.core.viewkit import list_view, need

from .. import selectors_reports as selectors
from ..filters.reports import CampaignResultsForm, ExpiringFilter, SensitiveHoldersForm, ViolationFilter
from ..models import Campaign
from ..tables.reports import (
    CampaignResultsTable,
    ExpiringTable,
    SensitiveHoldersTable,
    UnusedProfilesTable,
    ViolationsTable,
)

REPORTS = [
    (
        "access:report_sensitive",
        "access.view_assignment",
        gettext_lazy("Who holds sensitive rights"),
        gettext_lazy(
            "Every account holding a right that sees personal data, approves payments or "
            "administers a system, and the profile it comes through."
        ),
    ),
    (
        "access:report_unused_profiles",
        "access.view_profile",
        gettext_lazy("Profiles nobody uses"),
        gettext_lazy("Active profiles that no assignment valid today gives."),
    ),
    (
        "access:report_expiring",
        "access.view_assignment",
        gettext_lazy("Assignments expiring in 30 days"),
        gettext_lazy("Time-bound access that ends within the next 30 days."),
    ),
    (
        "access:report_sod_violations",
        "access.view_sodviolation",
        gettext_lazy("Open segregation of duties violations"),
        gettext_lazy("Accounts that break a segregation of duties policy without a valid exception."),
    ),
    (
        "access:report_campaign_results",
        "access.view_campaign",
        gettext_lazy("Campaign results"),
        gettext_lazy("Confirmed, revoked and not reviewed assignments per campaign and reviewer."),
    ),
]


class _FormFilter:
    """Lets ``core/list.html`` show a plain form as the filter of a computed report."""

    def __init__(self, form: Any):
        self.form = form


def _report(
    request: HttpRequest,
    *,
    table: Any,
    export_name: str,
    title: str,
    description: str,
    form: Any = None,
) -> HttpResponse | StreamingHttpResponse:
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    if request.GET.get("export") == "csv":
        return dict_table_csv_response(table, export_name)
    return render(
        request,
        "access/reports_page.html",
        {
            "table": table,
            "filter": _FormFilter(form) if form is not None else None,
            "list_title": title,
            "description": description,
        },
    )


def report_index(request: HttpRequest) -> HttpResponse:
    reports = [
        {"url_name": url_name, "title": title, "description": description}
        for url_name, perm, title, description in REPORTS
        if can(request.user, perm)
    ]
    if not reports:
        raise PermissionDenied
    return render(request, "access/reports_index.html", {"reports": reports})


def report_sensitive(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "access.view_assignment")
    form = SensitiveHoldersForm(request.GET or None)
    system_id, sensitivity = None, ""
    if form.is_valid():
        system = form.cleaned_data.get("system")
        system_id = system.pk if system else None
        sensitivity = form.cleaned_data.get("sensitivity") or ""
    rows = selectors.sensitive_holders(user=request.user, system_id=system_id, sensitivity=sensitivity)
    return _report(
        request,
        table=SensitiveHoldersTable(rows),
        export_name="sensitive-rights.csv",
        title=_("Who holds sensitive rights"),
        description=_("Rights held today, through which assigned profile and included profiles."),
        form=form,
    )


def report_unused_profiles(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "access.view_profile")
    return _report(
        request,
        table=UnusedProfilesTable(selectors.unused_profiles(user=request.user)),
        export_name="unused-profiles.csv",
        title=_("Profiles nobody uses"),
        description=_(
            "Active profiles that no assignment valid today gives. A profile included in another "
            "one may still be used through it."
        ),
    )


def report_expiring(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "access.view_assignment")
    return list_view(
        request,
        filterset=ExpiringFilter(request.GET, queryset=selectors.expiring(user=request.user)),
        table_class=ExpiringTable,
        template="access/reports_page.html",
        export_name="assignments-expiring.csv",
        extra={
            "list_title": _("Assignments expiring in 30 days"),
            "description": _("Active assignments whose last valid day is within the next 30 days."),
        },
    )


def report_sod_violations(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "access.view_sodviolation")
    return list_view(
        request,
        filterset=ViolationFilter(request.GET, queryset=selectors.open_violations(user=request.user)),
        table_class=ViolationsTable,
        template="access/reports_page.html",
        export_name="sod-violations.csv",
        extra={
            "list_title": _("Open segregation of duties violations"),
            "description": _("Violations found by a check or the scheduled scan and not yet resolved."),
        },
    )


def report_campaign_results(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "access.view_campaign")
    form = CampaignResultsForm(request.GET or None, campaigns=Campaign.objects.restrict(request.user))
    campaign = form.cleaned_data.get("campaign") if form.is_valid() else None
    rows = selectors.campaign_results(user=request.user, campaign_id=campaign.pk if campaign else None)
    return _report(
        request,
        table=CampaignResultsTable(rows),
        export_name="campaign-results.csv",
        title=_("Campaign results"),
        description=_(
            "Per campaign and reviewer; pending items of an open campaign count as not reviewed yet."
        ),
        form=form,
    )


urlpatterns: list[URLPattern] = [
    path("reports/", report_index, name="report_index"),
    path("reports/sensitive-rights/", report_sensitive, name="report_sensitive"),
    path("reports/unused-profiles/", report_unused_profiles, name="report_unused_profiles"),
    path("reports/expiring/", report_expiring, name="report_expiring"),
    path("reports/sod-violations/", report_sod_violations, name="report_sod_violations"),
    path("reports/campaign-results/", report_campaign_results, name="report_campaign_results"),
]
