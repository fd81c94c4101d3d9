"""Pages of tickets: list, detail, create and edit, import, the UAT readiness check and its
override, routing to testing, links to test runs and defects."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tugi.core.forms import apply_errors
from tugi.core.permissions import can
from tugi.core.viewkit import form_view, import_view, list_view, need

from .. import selectors_tickets as selectors
from ..filters.tickets import TicketFilter
from ..forms.tickets import (
    DefectSignOffForm,
    LinkForm,
    OverrideForm,
    RouteForm,
    TicketForm,
    TicketImportForm,
    TicketStatusForm,
)
from ..selectors import deliveries_for_choice
from ..services import tickets as services
from ..services import uat as uat_services
from ..tables.tickets import TicketTable


def ticket_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "delivery.view_ticket")
    return list_view(
        request,
        filterset=TicketFilter(request.GET, queryset=selectors.tickets(user=request.user)),
        table_class=TicketTable,
        template="delivery/tickets_list.html",
        export_name="tickets.csv",
        extra={
            "can_create": can(request.user, "delivery.add_ticket"),
            "can_import": can(request.user, "delivery.add_ticket")
            and can(request.user, "delivery.change_ticket"),
        },
    )


def ticket_create(request: HttpRequest) -> HttpResponse:
    need(request, "delivery.add_ticket")
    form = TicketForm(
        request.POST or None,
        deliveries=deliveries_for_choice(request.user),
        testers=selectors.testers(),
        initial={"delivery": request.GET.get("delivery") or None},
    )
    return form_view(
        request,
        form,
        lambda d: services.ticket_create(actor=request.user, **d),
        title=_("New ticket"),
        success=lambda t: redirect("delivery:tickets_detail", t.pk),
        message=_("Ticket created."),
        extra={"cancel_url": reverse("delivery:tickets_list")},
    )


def ticket_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "delivery.change_ticket")
    ticket = selectors.ticket_get(user=request.user, pk=pk, action="change")
    info = selectors.detail(ticket)
    initial = {
        "title": ticket.title,
        "system": ticket.system,
        "issue_type": ticket.issue_type,
        "delivery": ticket.delivery,
        "tester": ticket.tester,
        "testing_due": ticket.testing_due,
        "business_description": ticket.business_description,
        "flags": ", ".join(f"{f.flag_key}={'on' if f.expected_enabled else 'off'}" for f in info["flags"]),
        "roles": ", ".join(p.code for p in info["profiles"]),
    }
    form = TicketForm(
        request.POST or None,
        initial=initial,
        deliveries=deliveries_for_choice(request.user),
        testers=selectors.testers(),
        editing=True,
    )

    def call(d: dict[str, Any]) -> Any:
        d.pop("system", None)
        reason = d.pop("reason", "")
        return services.ticket_update(ticket=ticket, actor=request.user, reason=reason, **d)

    return form_view(
        request,
        form,
        call,
        title=_("Edit ticket %(key)s") % {"key": ticket.key},
        success=lambda t: redirect("delivery:tickets_detail", ticket.pk),
        extra={"cancel_url": reverse("delivery:tickets_detail", args=[ticket.pk])},
    )


def ticket_detail(request: HttpRequest, pk: int, **forms: Any) -> HttpResponse:
    ticket = selectors.ticket_get(user=request.user, pk=pk)
    context = {
        **selectors.detail(ticket),
        "may_change": can(request.user, "delivery.change_ticket"),
        "may_check": can(request.user, "delivery.add_uatcheck"),
        "may_override": can(request.user, "delivery.change_uatcheck"),
        "may_link": can(request.user, "delivery.add_ticketlink"),
        "may_signoff": can(request.user, "delivery.change_ticketlink"),
        "route_form": forms.get("route_form")
        or RouteForm(
            testers=selectors.testers(),
            initial={"tester": ticket.tester, "testing_due": ticket.testing_due},
            prefix="route",
        ),
        "override_form": forms.get("override_form") or OverrideForm(prefix="override"),
        "status_form": forms.get("status_form")
        or TicketStatusForm(initial={"status": ticket.status}, prefix="status"),
        "link_form": forms.get("link_form") or LinkForm(prefix="link"),
        "signoff_form": DefectSignOffForm(),
    }
    return render(request, "delivery/tickets_detail.html", context, status=400 if forms else 200)


def _run(request: HttpRequest, call: Any, success: str) -> bool:
    try:
        call()
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return False
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, success)
    return True


@require_POST
def uat_check(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "delivery.add_uatcheck")
    ticket = selectors.ticket_get(user=request.user, pk=pk)
    check = uat_services.uat_check_run(ticket=ticket, actor=request.user)
    if check.passed:
        messages.success(request, _("The ticket is ready for UAT."))
    else:
        messages.warning(request, _("The ticket is not ready for UAT; see the failed items."))
    return redirect("delivery:tickets_detail", ticket.pk)


@require_POST
def uat_override(request: HttpRequest, pk: int, check_pk: int) -> HttpResponse:
    need(request, "delivery.change_uatcheck")
    ticket = selectors.ticket_get(user=request.user, pk=pk)
    check = selectors.check_get(user=request.user, pk=check_pk, action="change")
    if check.ticket_id != ticket.pk:
        return redirect("delivery:tickets_detail", ticket.pk)
    form = OverrideForm(request.POST, prefix="override")
    if form.is_valid():
        try:
            uat_services.uat_check_override(
                check=check, reason=form.cleaned_data["reason"], actor=request.user
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The check is overridden; the ticket may be routed to testing."))
            return redirect("delivery:tickets_detail", ticket.pk)
    return ticket_detail(request, pk, override_form=form)


@require_POST
def ticket_route(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "delivery.change_ticket")
    ticket = selectors.ticket_get(user=request.user, pk=pk, action="change")
    form = RouteForm(request.POST, testers=selectors.testers(), prefix="route")
    if form.is_valid():
        try:
            services.ticket_route(ticket=ticket, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The ticket is routed to testing; the tester was told."))
            return redirect("delivery:tickets_detail", ticket.pk)
    return ticket_detail(request, pk, route_form=form)


@require_POST
def ticket_status(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "delivery.change_ticket")
    ticket = selectors.ticket_get(user=request.user, pk=pk, action="change")
    form = TicketStatusForm(request.POST, prefix="status")
    if form.is_valid():
        try:
            services.ticket_set_status(ticket=ticket, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Status changed."))
            return redirect("delivery:tickets_detail", ticket.pk)
    return ticket_detail(request, pk, status_form=form)


@require_POST
def link_add(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "delivery.add_ticketlink")
    ticket = selectors.ticket_get(user=request.user, pk=pk)
    form = LinkForm(request.POST, prefix="link")
    if form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason", "")
        try:
            services.ticket_link_add(ticket=ticket, actor=request.user, reason=reason, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Link added."))
            return redirect("delivery:tickets_detail", ticket.pk)
    return ticket_detail(request, pk, link_form=form)


@require_POST
def link_close(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    need(request, "delivery.change_ticketlink")
    link = selectors.link_get(user=request.user, pk=link_pk, action="change")
    _run(
        request,
        lambda: services.ticket_link_update(link=link, actor=request.user, is_open=False),
        _("Defect closed."),
    )
    return redirect("delivery:tickets_detail", link.ticket_id)


@require_POST
def link_signoff(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    need(request, "delivery.change_ticketlink")
    link = selectors.link_get(user=request.user, pk=link_pk, action="change")
    form = DefectSignOffForm(request.POST)
    note = form.data.get("note", "")
    _run(
        request,
        lambda: services.defect_sign_off(link=link, actor=request.user, note=str(note)),
        _("Defect signed off for the release."),
    )
    return redirect("delivery:tickets_detail", link.ticket_id)


def ticket_import(request: HttpRequest) -> HttpResponse:
    need(request, "delivery.add_ticket")
    need(request, "delivery.change_ticket")
    return import_view(
        request,
        TicketImportForm(request.POST or None, request.FILES or None),
        lambda d: services.tickets_import(
            content=d["file"].read(), fmt=d["fmt"], actor=request.user, reason=d.get("reason", "")
        ),
        template="delivery/tickets_import.html",
        extra={"status_map": sorted(services.STATUS_MAP.items())},
    )


urlpatterns: list[URLPattern] = [
    path("tickets/", ticket_list, name="tickets_list"),
    path("tickets/new/", ticket_create, name="tickets_create"),
    path("tickets/import/", ticket_import, name="tickets_import"),
    path("tickets/<int:pk>/", ticket_detail, name="tickets_detail"),
    path("tickets/<int:pk>/edit/", ticket_edit, name="tickets_edit"),
    path("tickets/<int:pk>/uat-check/", uat_check, name="tickets_uat_check"),
    path("tickets/<int:pk>/uat-check/<int:check_pk>/override/", uat_override, name="tickets_uat_override"),
    path("tickets/<int:pk>/route/", ticket_route, name="tickets_route"),
    path("tickets/<int:pk>/status/", ticket_status, name="tickets_status"),
    path("tickets/<int:pk>/links/", link_add, name="tickets_link_add"),
    path("tickets/<int:pk>/links/<int:link_pk>/close/", link_close, name="tickets_link_close"),
    path("tickets/<int:pk>/links/<int:link_pk>/signoff/", link_signoff, name="tickets_link_signoff"),
]
