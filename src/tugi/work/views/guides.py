"""Pages of the guides topic: guides and process guides, their review."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tugi.core.permissions import can
from tugi.core.selectors import get_restricted
from tugi.core.viewkit import form_view, list_view, need

from .. import selectors, services
from ..filters import GuideFilter
from ..forms import GuideForm
from ..markdown import render_markdown
from ..models import Guide
from ..tables import GuideTable


def guide_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "work.view_guide")
    return list_view(
        request,
        filterset=GuideFilter(request.GET, queryset=selectors.guides(user=request.user)),
        table_class=GuideTable,
        template="work/guide_list.html",
        export_name="guides.csv",
    )


def guide_detail(request: HttpRequest, slug: str) -> HttpResponse:
    guide = get_restricted(Guide.objects.select_related("owner"), request.user, slug=slug)
    return render(
        request,
        "work/guide_detail.html",
        {
            "guide": guide,
            "html": render_markdown(guide.body),
            "can_edit": can(request.user, "work.change_guide"),
            "can_review": services.guide_can_confirm_review(guide=guide, actor=request.user),
        },
    )


def guide_create(request: HttpRequest) -> HttpResponse:
    need(request, "work.add_guide")
    form = GuideForm(
        request.POST or None,
        initial={
            "owner": request.user.pk,
            "last_reviewed_on": dt.date.today(),
            "area": request.GET.get("area", ""),  # e.g. from the testing guidance page
        },
    )
    return form_view(
        request,
        form,
        lambda d: services.guide_create(actor=request.user, **d),
        title=_("New guide"),
        success=lambda g: redirect("work:guide_detail", g.slug),
        message=_("Guide saved."),
    )


def guide_edit(request: HttpRequest, slug: str) -> HttpResponse:
    need(request, "work.change_guide")
    guide = get_restricted(Guide.objects.all(), request.user, "change", slug=slug)
    form = GuideForm(request.POST or None, initial={f: getattr(guide, f) for f in services.GUIDE_FIELDS})
    return form_view(
        request,
        form,
        lambda d: services.guide_update(guide=guide, actor=request.user, **d),
        title=_("Edit %(name)s") % {"name": guide},
        success=lambda g: redirect("work:guide_detail", g.slug),
    )


@require_POST
def guide_review(request: HttpRequest, slug: str) -> HttpResponse:
    need(request, "work.change_guide")
    guide = get_restricted(Guide.objects.all(), request.user, "change", slug=slug)
    try:
        services.guide_mark_reviewed(guide=guide, actor=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Review confirmed."))
    return redirect("work:guide_detail", guide.slug)


urlpatterns: list[URLPattern] = [
    path("guides/", guide_list, name="guide_list"),
    path("guides/new/", guide_create, name="guide_create"),
    path("guides/<slug:slug>/", guide_detail, name="guide_detail"),
    path("guides/<slug:slug>/edit/", guide_edit, name="guide_edit"),
    path("guides/<slug:slug>/review/", guide_review, name="guide_review"),
]
