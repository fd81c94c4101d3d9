"""Go / no-go pages: the checklist of a delivery and the decision form, a decision with its PDF
and release-evidence JSON, co-approval."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tugi.core.forms import apply_errors
from tugi.core.permissions import can
from tugi.core.viewkit import need

from .. import selectors_deliveries, selectors_go
from ..forms.go import GoForm
from ..services import go as services


def go_page(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "delivery.view_godecision")
    delivery = selectors_deliveries.delivery_get(user=request.user, pk=pk)
    form = GoForm(request.POST or None)
    status = 200
    if request.method == "POST":
        need(request, "delivery.add_godecision")
        if form.is_valid():
            try:
                decision = services.go_decide(delivery=delivery, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Decision recorded."))
                return redirect("delivery:go_decision", decision.pk)
        status = 400
    items, _data = selectors_go.checklist(delivery)
    return render(
        request,
        "delivery/go_page.html",
        {
            "delivery": delivery,
            "items": items,
            "all_ok": all(i["ok"] for i in items),
            "form": form,
            "may_decide": can(request.user, "delivery.add_godecision"),
            "decisions": selectors_go.decisions(delivery=delivery),
            "co_approval": selectors_go.co_approval_required(delivery, "go"),
        },
        status=status,
    )


def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    go = selectors_go.decision_get(user=request.user, pk=pk)
    return render(
        request,
        "delivery/go_decision.html",
        {
            "go": go,
            "may_coapprove": go.co_approval_required
            and not go.co_approved_by_id
            and go.decided_by_id != request.user.pk
            and can(request.user, "delivery.coapprove_godecision"),
        },
    )


def decision_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    go = selectors_go.decision_get(user=request.user, pk=pk)
    response = HttpResponse(bytes(go.pdf) or services.decision_pdf(go), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="go-no-go-{go.delivery.system}-{go.delivery.version}-{go.pk}.pdf"'
    )
    return response


def decision_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    go = selectors_go.decision_get(user=request.user, pk=pk)
    response = HttpResponse(selectors_go.canonical_json(go.evidence), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="release-evidence-{go.pk}.json"'
    response["X-Evidence-SHA256"] = go.evidence_sha256
    return response


@require_POST
def decision_coapprove(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "delivery.coapprove_godecision")
    go = selectors_go.decision_get(user=request.user, pk=pk)
    try:
        services.go_coapprove(decision=go, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("Decision co-approved."))
    return redirect("delivery:go_decision", go.pk)


urlpatterns: list[URLPattern] = [
    path("deliveries/<int:pk>/go/", go_page, name="go_page"),
    path("decisions/<int:pk>/", decision_detail, name="go_decision"),
    path("decisions/<int:pk>/pdf/", decision_pdf, name="go_decision_pdf"),
    path("decisions/<int:pk>/evidence.json", decision_evidence, name="go_decision_evidence"),
    path("decisions/<int:pk>/coapprove/", decision_coapprove, name="go_decision_coapprove"),
]
