"""Pages of defects: the list (with CSV and JSON export for the developers' tracker), a defect
with its triage SLA and workflow, raise (from a failed execution, prefilled) and edit."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tugi.core.exports import rows_csv_response
from tugi.core.forms import apply_errors
from tugi.core.permissions import can
from tugi.core.selectors import get_restricted
from tugi.core.viewkit import form_view, need

from .. import selectors_defects as selectors
from ..forms.defects import DefectForm, DefectStatusForm
from ..models import DefectSeverity, DefectStatus, Execution
from ..services import defects as services
from ..services.defects import TRANSITIONS, prefill_from_execution


def defect_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "testing.view_defect")
    qs = selectors.defects(user=request.user)
    status = request.GET.get("status", "")
    if status == "open":
        qs = qs.filter(
            status__in=[
                s.value
                for s in (
                    DefectStatus.NEW,
                    DefectStatus.TRIAGED,
                    DefectStatus.IN_PROGRESS,
                    DefectStatus.FIXED,
                )
            ]
        )
    elif status in DefectStatus.values:
        qs = qs.filter(status=status)
    severity = request.GET.get("severity", "")
    if severity in DefectSeverity.values:
        qs = qs.filter(severity=severity)
    query = request.GET.get("q", "").strip()
    if query:
        qs = qs.filter(title__icontains=query)
    qs = qs.order_by("-created_at", "-pk")
    export = request.GET.get("export")
    if export == "csv":
        return rows_csv_response(selectors.defect_csv_rows(qs), "defects.csv")
    if export == "json":
        body = json.dumps(
            [selectors.defect_json(d) for d in qs.prefetch_related("tickets")], ensure_ascii=False, indent=2
        )
        response = HttpResponse(body, content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="defects.json"'
        return response
    rows = list(qs[:200])
    return render(
        request,
        "testing/defect_list.html",
        {
            "defects": rows,
            "statuses": DefectStatus.choices,
            "severities": DefectSeverity.choices,
            "status": status,
            "severity": severity,
            "q": query,
            "can_add": can(request.user, "testing.add_defect"),
        },
    )


def defect_detail(request: HttpRequest, pk: int) -> HttpResponse:
    defect = selectors.defect_get(user=request.user, pk=pk)
    return render(request, "testing/defect_detail.html", _detail_context(request, defect, DefectStatusForm()))


def _detail_context(request: HttpRequest, defect: Any, form: Any) -> dict[str, Any]:
    allowed = TRANSITIONS.get(defect.status, ())
    form.fields["status"].choices = [(s, DefectStatus(s).label) for s in allowed]
    return {
        "defect": defect,
        "tickets": list(defect.tickets.all()),
        "status_form": form,
        "can_change": can(request.user, "testing.change_defect"),
        "overdue": defect.triage_overdue(),
        "webhooks": list(defect.webhooks.order_by("-pk")[:10])
        if can(request.user, "testing.view_webhookdelivery")
        else [],
    }


def defect_create(request: HttpRequest) -> HttpResponse:
    need(request, "testing.add_defect")
    execution = None
    initial: dict[str, Any] = {}
    if request.GET.get("execution") or request.POST.get("execution"):
        execution = get_restricted(
            Execution.objects.select_related("run", "case", "case_version"),
            request.user,
            pk=request.GET.get("execution") or request.POST.get("execution"),
        )
        initial = prefill_from_execution(execution)
        initial["tickets"] = " ".join(t.key for t in execution.case.tickets.all())
    form = DefectForm(request.POST or None, initial=initial)

    def call(d: dict[str, Any]) -> Any:
        data = dict(d)
        tickets = data.pop("tickets")
        reason = data.pop("reason", "")
        return services.defect_create(
            actor=request.user, execution=execution, tickets=tickets, reason=reason, **data
        )

    return form_view(
        request,
        form,
        call,
        title=_("Raise a defect"),
        success=lambda d: redirect("testing:defect_detail", d.pk),
        message=_("Defect raised."),
    )


def defect_edit(request: HttpRequest, pk: int) -> HttpResponse:
    defect = selectors.defect_get(user=request.user, pk=pk, action="change")
    initial = {f: getattr(defect, f) for f in services.EDITABLE}
    initial["tickets"] = " ".join(t.key for t in defect.tickets.all())
    form = DefectForm(request.POST or None, initial=initial)

    def call(d: dict[str, Any]) -> Any:
        data = dict(d)
        tickets = data.pop("tickets")
        reason = data.pop("reason", "")
        return services.defect_update(
            defect=defect, actor=request.user, tickets=tickets, reason=reason, **data
        )

    return form_view(
        request,
        form,
        call,
        title=_("Edit %(key)s") % {"key": defect.key},
        success=lambda d: redirect("testing:defect_detail", d.pk),
        message=_("Defect saved."),
    )


@require_POST
def defect_status(request: HttpRequest, pk: int) -> HttpResponse:
    defect = selectors.defect_get(user=request.user, pk=pk, action="change")
    form = DefectStatusForm(request.POST)
    if form.is_valid():
        try:
            services.defect_set_status(
                defect=defect,
                status=form.cleaned_data["status"],
                fixed_in_version=form.cleaned_data.get("fixed_in_version") or None,
                actor=request.user,
                reason=form.cleaned_data.get("reason", ""),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Status changed."))
            return redirect("testing:defect_detail", defect.pk)
    return render(request, "testing/defect_detail.html", _detail_context(request, defect, form), status=422)


urlpatterns: list[URLPattern] = [
    path("defects/", defect_list, name="defect_list"),
    path("defects/new/", defect_create, name="defect_create"),
    path("defects/<int:pk>/", defect_detail, name="defect_detail"),
    path("defects/<int:pk>/edit/", defect_edit, name="defect_edit"),
    path("defects/<int:pk>/status/", defect_status, name="defect_status"),
]
