"""Pages of the access area: recertification campaigns, my reviews, the closing report."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from tugi.core.exports import table_csv_response
from tugi.core.permissions import can
from tugi.core.selectors import get_restricted
from tugi.core.viewkit import form_view, list_view, need

from .. import selectors_campaigns as selectors
from ..filters.campaigns import CampaignFilter, CampaignItemFilter
from ..forms.campaigns import CampaignForm, DecisionForm
from ..models import CampaignItem, CampaignStatus
from ..services import campaigns as services
from ..tables.campaigns import CampaignItemTable, CampaignTable


def campaign_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "access.view_campaign")
    qs = selectors.campaigns(user=request.user)
    return list_view(
        request,
        filterset=CampaignFilter(request.GET, queryset=qs),
        table_class=CampaignTable,
        template="access/campaigns_list.html",
        export_name="campaigns.csv",
    )


def campaign_create(request: HttpRequest) -> HttpResponse:
    need(request, "access.add_campaign")
    form = CampaignForm(request.POST or None)
    return form_view(
        request,
        form,
        lambda d: services.campaign_create(actor=request.user, **d),
        title=_("New recertification campaign"),
        success=lambda c: redirect("access:campaign_detail", c.pk),
        message=_("Campaign created. Open it when the scope is right."),
        extra={"cancel_url": reverse("access:campaign_list")},
    )


def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse | StreamingHttpResponse:
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    items = selectors.items_of(user=request.user, campaign=campaign)
    item_filter = CampaignItemFilter(request.GET, queryset=items)
    table = CampaignItemTable(item_filter.qs)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    if request.GET.get("export") == "csv":
        return table_csv_response(table, f"campaign-{campaign.pk}-items.csv")
    in_scope = len(selectors.scope_assignments(campaign)) if campaign.status == CampaignStatus.DRAFT else None
    can_change = can(request.user, "access.change_campaign")
    return render(
        request,
        "access/campaigns_detail.html",
        {
            "campaign": campaign,
            "progress": selectors.progress(campaign),
            "table": table,
            "filter": item_filter,
            "in_scope": in_scope,
            "can_open": can_change and campaign.status == CampaignStatus.DRAFT,
            "can_close": can_change and campaign.status == CampaignStatus.OPEN,
        },
    )


def _run(request: HttpRequest, call: Any, success: str) -> None:
    try:
        call()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)


@require_POST
def campaign_open(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "access.change_campaign")
    campaign = selectors.campaign_get(user=request.user, pk=pk, action="change")
    _run(
        request,
        lambda: services.campaign_open(
            campaign=campaign, actor=request.user, reason=request.POST.get("reason", "")
        ),
        _("Campaign opened; the reviewers have been told."),
    )
    return redirect("access:campaign_detail", campaign.pk)


@require_POST
def campaign_close(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "access.change_campaign")
    campaign = selectors.campaign_get(user=request.user, pk=pk, action="change")
    try:
        services.campaign_close(campaign=campaign, actor=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("access:campaign_detail", campaign.pk)
    messages.success(request, _("Campaign closed; revoked assignments have ended."))
    return redirect("access:campaign_report", campaign.pk)


def campaign_report(request: HttpRequest, pk: int) -> HttpResponse | StreamingHttpResponse:
    """The closing report; ``?export=csv`` gives the counts per reviewer, ``&part=items`` the
    revoked and not reviewed assignments."""
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    if campaign.status != CampaignStatus.CLOSED:
        messages.info(request, _("The report is made when the campaign closes."))
        return redirect("access:campaign_detail", campaign.pk)
    report = campaign.report or {}
    if request.GET.get("export") == "csv":
        return _report_csv(campaign, report, items=request.GET.get("part") == "items")
    return render(request, "access/campaigns_report.html", {"campaign": campaign, "report": report})


class _Echo:
    def write(self, value: str) -> str:
        return value


def _report_csv(campaign: Any, report: dict[str, Any], *, items: bool) -> StreamingHttpResponse:
    writer = csv.writer(_Echo(), delimiter=";")
    if items:
        header = [
            _("Decision"),
            _("Account"),
            _("Name"),
            _("Profile"),
            _("Reviewer"),
            _("Comment"),
            _("Ended on"),
        ]
        lines = [
            [
                _("revoked"),
                r["account"],
                r["account_name"],
                r["profile"],
                r["reviewer"],
                r["comment"],
                r["ended_on"],
            ]
            for r in report.get("revocations", [])
        ] + [
            [_("not reviewed"), r["account"], r["account_name"], r["profile"], r["reviewer"], "", ""]
            for r in report.get("not_reviewed_items", [])
        ]
        name = f"campaign-{campaign.pk}-revocations.csv"
    else:
        header = [_("Reviewer"), _("Name"), _("Items"), _("Confirmed"), _("Revoked"), _("Not reviewed")]
        lines = [
            [r["reviewer"], r["name"], r["items"], r["confirmed"], r["revoked"], r["not_reviewed"]]
            for r in report.get("reviewers", [])
        ]
        lines.append(
            [_("Total"), ""] + [report.get(k, 0) for k in ("items", "confirmed", "revoked", "not_reviewed")]
        )
        name = f"campaign-{campaign.pk}-report.csv"

    def rows() -> Any:
        yield "\ufeff"
        for line in [header, *lines]:
            yield writer.writerow(["" if v is None else str(v) for v in line])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def campaign_my_reviews(request: HttpRequest) -> HttpResponse:
    need(request, "access.view_campaignitem")
    items = list(selectors.my_reviews(user=request.user))
    groups: dict[int, dict[str, Any]] = {}
    for item in items:
        group = groups.setdefault(item.campaign_id, {"campaign": item.campaign, "items": [], "pending": 0})
        group["items"].append(item)
        group["pending"] += item.decision == "pending"
    return render(
        request,
        "access/campaigns_my_reviews.html",
        {"groups": list(groups.values()), "can_decide": can(request.user, "access.change_campaignitem")},
    )


@require_POST
def campaign_item_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm or revoke one item. With HTMX the item's row comes back; otherwise My reviews."""
    need(request, "access.change_campaignitem")
    item = get_restricted(
        CampaignItem.objects.select_related(
            "campaign", "assignment__account__org_unit", "assignment__profile__system", "reviewer"
        ),
        request.user,
        "change",
        pk=pk,
        reviewer=request.user,
    )
    form = DecisionForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            item = services.campaign_item_decide(
                item=item,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
                actor=request.user,
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request,
            "access/campaigns_review_row.html",
            {"item": item, "error": error, "comment": request.POST.get("comment", ""), "can_decide": True},
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Decision saved."))
    return redirect("access:campaign_my_reviews")


urlpatterns: list[URLPattern] = [
    path("campaigns/", campaign_list, name="campaign_list"),
    path("campaigns/new/", campaign_create, name="campaign_create"),
    path("campaigns/my-reviews/", campaign_my_reviews, name="campaign_my_reviews"),
    path("campaigns/items/<int:pk>/decide/", campaign_item_decide, name="campaign_item_decide"),
    path("campaigns/<int:pk>/", campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/open/", campaign_open, name="campaign_open"),
    path("campaigns/<int:pk>/close/", campaign_close, name="campaign_close"),
    path("campaigns/<int:pk>/report/", campaign_report, name="campaign_report"),
]
