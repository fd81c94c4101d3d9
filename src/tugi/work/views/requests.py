"""Pages of the requests topic: development requests in the template, their lifecycle, analytic
input, sign-offs, the link to a delivery, the impact panel and the exports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tugi.core.forms import apply_errors
from tugi.core.permissions import can
from tugi.core.viewkit import form_view, list_view, need

from .. import documents
from .. import selectors_requests as selectors
from ..filters.requests import RequestFilter
from ..forms.requests import CommentForm, DeliveryLinkForm, RequestForm, RequestMoveForm, SignOffForm
from ..models import DevelopmentRequest, RequestStatus
from ..services import requests as services
from ..tables.requests import RequestTable

MULTI = ("entities", "attributes", "classifiers", "rights")


def request_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "work.view_developmentrequest")
    return list_view(
        request,
        filterset=RequestFilter(request.GET, queryset=selectors.requests(user=request.user)),
        table_class=RequestTable,
        template="work/requests_list.html",
        export_name="development-requests.csv",
    )


def _detail(request: HttpRequest, req: DevelopmentRequest, status: int = 200, **forms: Any) -> HttpResponse:
    user = request.user
    may_change = can(user, "work.change_developmentrequest")
    reviewer = next((r for r in req.reviewers.all() if r.user_id == user.pk), None)
    context = {
        "req": req,
        "sections": selectors.sections(req),
        "impact": selectors.impact(req),
        "reviewers": list(req.reviewers.all()),
        "may_change": may_change,
        "may_edit": may_change and req.status in services.EDITABLE_STATUSES,
        "may_comment": can(user, "work.add_requestcomment") and req.status in services.OPEN_STATUSES,
        "may_sign_off": reviewer is not None
        and reviewer.signed_off_at is None
        and req.status == RequestStatus.IN_REVIEW,
        "next_states": [(s, RequestStatus(s).label) for s in services.next_states(req)] if may_change else [],
        "may_link": may_change and req.status in services.OPEN_STATUSES,
        "comment_form": forms.get("comment_form") or CommentForm(),
        "move_form": forms.get("move_form") or RequestMoveForm(),
        "sign_off_form": forms.get("sign_off_form") or SignOffForm(),
        "link_form": forms.get("link_form")
        or DeliveryLinkForm(user=user, initial={"delivery": req.delivery_id}),
        "formats": documents.FORMATS,
    }
    return render(request, "work/requests_detail.html", context, status=status)


def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.request_get(user=request.user, pk=pk))


def request_create(request: HttpRequest) -> HttpResponse:
    need(request, "work.add_developmentrequest")
    form = RequestForm(request.POST or None)
    return form_view(
        request,
        form,
        lambda d: services.request_create(actor=request.user, **d),
        title=_("New development request"),
        success=lambda r: redirect("work:request_detail", r.pk),
        message=_("Development request drafted."),
        template="work/requests_form.html",
    )


def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "work.change_developmentrequest")
    req = selectors.request_get(user=request.user, pk=pk, action="change")
    initial: dict[str, Any] = {f: getattr(req, f) for f in services.REQUEST_FIELDS}
    for name in MULTI:
        initial[name] = [o.pk for o in getattr(req, name).all()]
    initial["reviewers"] = [r.user_id for r in req.reviewers.all()]
    form = RequestForm(request.POST or None, initial=initial)
    return form_view(
        request,
        form,
        lambda d: services.request_update(request=req, actor=request.user, **d),
        title=_("Edit %(name)s") % {"name": req},
        success=lambda r: redirect("work:request_detail", r.pk),
        template="work/requests_form.html",
        extra={"cancel_url": reverse("work:request_detail", args=[req.pk])},
    )


def _post_form(
    request: HttpRequest, pk: int, form_name: str, form: Any, call: Any, ok: str, action: str = "view"
) -> HttpResponse:
    req = selectors.request_get(user=request.user, pk=pk, action=action)
    if form.is_valid():
        try:
            call(req, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, ok)
            return redirect("work:request_detail", req.pk)
    return _detail(request, selectors.request_get(user=request.user, pk=pk), **{form_name: form})


@require_POST
def request_move(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "work.change_developmentrequest")
    form = RequestMoveForm(request.POST)

    def call(req: DevelopmentRequest, d: dict[str, Any]) -> None:
        extra = {}
        if d["to"] == RequestStatus.ESTIMATED:
            extra = {"estimate_days": d.get("estimate_days"), "estimate_note": d.get("estimate_note") or ""}
        services.request_move(
            request=req, to=d["to"], actor=request.user, reason=d.get("reason", ""), **extra
        )

    return _post_form(request, pk, "move_form", form, call, _("The request moved on."), "change")


@require_POST
def request_comment(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "work.add_requestcomment")
    form = CommentForm(request.POST)

    def call(req: DevelopmentRequest, d: dict[str, Any]) -> None:
        services.request_comment_add(request=req, section=d["section"], text=d["text"], actor=request.user)

    return _post_form(request, pk, "comment_form", form, call, _("Analytic input added."))


@require_POST
def request_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    form = SignOffForm(request.POST)

    def call(req: DevelopmentRequest, d: dict[str, Any]) -> None:
        try:
            services.request_sign_off(request=req, actor=request.user, note=d.get("note", ""))
        except PermissionDenied as exc:
            raise ValidationError(str(exc)) from None

    return _post_form(request, pk, "sign_off_form", form, call, _("Signed off."))


@require_POST
def request_link_delivery(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "work.change_developmentrequest")
    form = DeliveryLinkForm(request.POST, user=request.user)

    def call(req: DevelopmentRequest, d: dict[str, Any]) -> None:
        services.request_link_delivery(
            request=req, delivery=d["delivery"], actor=request.user, reason=d.get("reason", "")
        )

    return _post_form(request, pk, "link_form", form, call, _("Linked to the delivery."), "change")


def request_export(request: HttpRequest, pk: int) -> HttpResponse:
    req = selectors.request_get(user=request.user, pk=pk)
    fmt = request.GET.get("format", "md")
    if fmt not in documents.FORMATS:
        raise Http404
    response = HttpResponse(documents.render(req, fmt), content_type=documents.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="development-request-{req.pk}.{fmt}"'
    return response


urlpatterns: list[URLPattern] = [
    path("requests/", request_list, name="request_list"),
    path("requests/new/", request_create, name="request_create"),
    path("requests/<int:pk>/", request_detail, name="request_detail"),
    path("requests/<int:pk>/edit/", request_edit, name="request_edit"),
    path("requests/<int:pk>/move/", request_move, name="request_move"),
    path("requests/<int:pk>/comment/", request_comment, name="request_comment"),
    path("requests/<int:pk>/sign-off/", request_sign_off, name="request_sign_off"),
    path("requests/<int:pk>/delivery/", request_link_delivery, name="request_link_delivery"),
    path("requests/<int:pk>/export/", request_export, name="request_export"),
]
