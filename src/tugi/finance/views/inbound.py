"""Pages of incoming bank files: the list, the upload, a file with its events, the unmatched events
(with filters and CSV export) and matching an event by hand."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from tugi.core.forms import apply_errors
from tugi.core.permissions import can
from tugi.core.viewkit import list_view, need

from .. import selectors_bank as selectors
from ..filters.bank import BankEventFilter, InboundFileFilter
from ..forms.bank import EventMatchForm, InboundUploadForm
from ..models import BankEvent, InboundFile
from ..services.inbound import bank_event_match, inbound_import
from ..tables.bank import BankEventTable, InboundFileTable


def inbound_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "finance.view_inboundfile")
    return list_view(
        request,
        filterset=InboundFileFilter(request.GET or None, queryset=selectors.inbound_files()),
        table_class=InboundFileTable,
        template="finance/inbound_list.html",
        export_name="incoming-bank-files.csv",
        extra={
            "list_title": _("Incoming bank files"),
            "can_upload": can(request.user, "finance.add_inboundfile"),
        },
    )


def inbound_upload(request: HttpRequest) -> HttpResponse:
    """Upload a bank file; a file Tugi cannot read answers 400 with the reason, nothing stored."""
    need(request, "finance.add_inboundfile")
    form = InboundUploadForm(request.POST or None, request.FILES or None)
    summary: dict[str, Any] | None = None
    error = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            summary = inbound_import(content=upload.read(), filename=upload.name or "", actor=request.user)
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and set(exc.message_dict) == {"file"}:
                error = " ".join(exc.message_dict["file"])
            else:
                apply_errors(form, exc)
    context = {"form": form, "summary": summary, "error": error}
    return render(request, "finance/inbound_upload.html", context, status=400 if error else 200)


def inbound_detail(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "finance.view_inboundfile")
    inbound = get_object_or_404(InboundFile.objects.select_related("imported_by"), pk=pk)
    events = list(selectors.bank_events().filter(file=inbound))
    return render(
        request,
        "finance/inbound_detail.html",
        {
            "inbound": inbound,
            "events": events,
            "unmatched": sum(1 for e in events if not e.matched),
            "can_match": can(request.user, "finance.change_bankevent"),
        },
    )


def event_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Bank events; by default the unmatched ones a specialist has to resolve."""
    need(request, "finance.view_bankevent")
    params = request.GET.copy()
    if "matched" not in params:
        params["matched"] = "false"
    return list_view(
        request,
        filterset=BankEventFilter(params, queryset=selectors.bank_events()),
        table_class=BankEventTable,
        template="finance/inbound_events.html",
        export_name="bank-events.csv",
        extra={"list_title": _("Bank events to resolve")},
    )


def event_match(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "finance.change_bankevent")
    event = get_object_or_404(BankEvent.objects.select_related("file"), pk=pk)
    form = EventMatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            bank_event_match(
                event=event,
                actor=request.user,
                note=form.cleaned_data["note"],
                line=form.cleaned_data["end_to_end_id"],
                overpayment=form.cleaned_data["overpayment"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                mapping = {"line": "end_to_end_id", "event": None}
                for field, errs in exc.message_dict.items():
                    target = mapping.get(field, field)
                    form.add_error(target if target in form.fields else None, errs)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("The event was matched."))
            return redirect("finance:inbound_detail", event.file_id)
    return render(request, "finance/inbound_match.html", {"form": form, "event": event})


urlpatterns: list[URLPattern] = [
    path("bank/inbound/", inbound_list, name="inbound_list"),
    path("bank/inbound/upload/", inbound_upload, name="inbound_upload"),
    path("bank/inbound/<int:pk>/", inbound_detail, name="inbound_detail"),
    path("bank/events/", event_list, name="event_list"),
    path("bank/events/<int:pk>/match/", event_match, name="event_match"),
]
