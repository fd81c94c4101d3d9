"""Pages of deliveries: list, detail with schedule and sign-offs, status, the timeline and the
calendar feed address."""

from __future__ import annotations

import datetime as dt
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
from tugi.core.viewkit import form_view, list_view, need

from .. import selectors_deliveries as selectors
from .. import selectors_go
from ..filters.deliveries import DeliveryFilter
from ..forms.deliveries import DeliveryEditForm, DeliveryForm, ScheduleForm, SignoffForm, StatusForm
from ..models import DeliveryStage
from ..services import deliveries as services
from ..tables.deliveries import DeliveryTable


def _partners(user: Any) -> Any:
    from tugi.work.selectors import partners

    return partners(user=user)


def delivery_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "delivery.view_delivery")
    return list_view(
        request,
        filterset=DeliveryFilter(request.GET, queryset=selectors.deliveries(user=request.user)),
        table_class=DeliveryTable,
        template="delivery/deliveries_list.html",
        export_name="deliveries.csv",
        extra={"can_create": can(request.user, "delivery.add_delivery")},
    )


def delivery_create(request: HttpRequest) -> HttpResponse:
    need(request, "delivery.add_delivery")
    form = DeliveryForm(request.POST or None, partners=_partners(request.user))
    return form_view(
        request,
        form,
        lambda d: services.delivery_create(actor=request.user, **d),
        title=_("New delivery"),
        success=lambda d: redirect("delivery:deliveries_detail", d.pk),
        message=_("Delivery created; plan its dates."),
        extra={"cancel_url": reverse("delivery:deliveries_list")},
    )


def delivery_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "delivery.change_delivery")
    delivery = selectors.delivery_get(user=request.user, pk=pk, action="change")
    initial = {f: getattr(delivery, f) for f in services.DELIVERY_FIELDS}
    form = DeliveryEditForm(request.POST or None, initial=initial, partners=_partners(request.user))

    def call(d: dict[str, Any]) -> Any:
        d.pop("system", None)
        return services.delivery_update(delivery=delivery, actor=request.user, **d)

    return form_view(
        request,
        form,
        call,
        title=_("Edit delivery %(d)s") % {"d": delivery},
        success=lambda d: redirect("delivery:deliveries_detail", delivery.pk),
        extra={"cancel_url": reverse("delivery:deliveries_detail", args=[delivery.pk])},
    )


def delivery_detail(request: HttpRequest, pk: int, **forms: Any) -> HttpResponse:
    delivery = selectors.delivery_get(user=request.user, pk=pk)
    dates = selectors.dates_by_stage(delivery)
    may_change = can(request.user, "delivery.change_delivery")
    context = {
        "delivery": delivery,
        "stages": [(stage, dates.get(stage.value)) for stage in DeliveryStage],
        "tickets": list(delivery.tickets.select_related("tester").order_by("key")),
        "signoffs": list(delivery.signoffs.select_related("recorded_by")),
        "decisions": selectors_go.decisions(delivery=delivery),
        "may_change": may_change,
        "may_signoff": can(request.user, "delivery.add_deliverysignoff"),
        "may_decide": can(request.user, "delivery.add_godecision"),
        "status_form": forms.get("status_form")
        or StatusForm(initial={"status": delivery.status}, prefix="status"),
        "schedule_form": forms.get("schedule_form") or ScheduleForm(prefix="schedule"),
        "signoff_form": forms.get("signoff_form") or SignoffForm(prefix="signoff"),
    }
    return render(request, "delivery/deliveries_detail.html", context, status=400 if forms else 200)


def _post(request: HttpRequest, pk: int, form_cls: Any, name: str, call: Any, message: str) -> HttpResponse:
    delivery = selectors.delivery_get(user=request.user, pk=pk)
    form = form_cls(request.POST, prefix=name.removesuffix("_form"))
    if form.is_valid():
        try:
            call(delivery, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, message)
            return redirect("delivery:deliveries_detail", delivery.pk)
    return delivery_detail(request, pk, **{name: form})


@require_POST
def delivery_status(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "delivery.change_delivery")
    return _post(
        request,
        pk,
        StatusForm,
        "status_form",
        lambda d, data: services.delivery_set_status(delivery=d, actor=request.user, **data),
        _("Status changed."),
    )


@require_POST
def delivery_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "delivery.change_delivery")
    return _post(
        request,
        pk,
        ScheduleForm,
        "schedule_form",
        lambda d, data: services.delivery_schedule_set(delivery=d, actor=request.user, **data),
        _("Schedule saved; the delivery-schedule topic was told of a new or moved date."),
    )


@require_POST
def delivery_signoff(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "delivery.add_deliverysignoff")
    return _post(
        request,
        pk,
        SignoffForm,
        "signoff_form",
        lambda d, data: services.signoff_record(delivery=d, actor=request.user, **data),
        _("Sign-off recorded."),
    )


def timeline(request: HttpRequest) -> HttpResponse:
    need(request, "delivery.view_delivery")
    start = None
    try:
        if request.GET.get("from"):
            start = dt.date.fromisoformat(request.GET["from"])
    except ValueError:
        messages.error(request, _("The start date is not a date (YYYY-MM-DD)."))
    try:
        weeks = max(4, min(26, int(request.GET.get("weeks", "12"))))
    except ValueError:
        weeks = 12
    data = selectors.timeline(user=request.user, start=start, weeks=weeks)
    return render(
        request,
        "delivery/deliveries_timeline.html",
        {
            "timeline": data,
            "weeks": weeks,
            "previous": (data.start - dt.timedelta(days=7 * 4)).isoformat(),
            "next": (data.start + dt.timedelta(days=7 * 4)).isoformat(),
            "days": 7 * weeks,
        },
    )


def calendar_page(request: HttpRequest) -> HttpResponse:
    need(request, "delivery.view_delivery")
    feed = selectors.feed_of(request.user)
    url = request.build_absolute_uri(reverse("api-1.0.0:delivery_feed", args=[feed.token])) if feed else ""
    return render(
        request,
        "delivery/deliveries_calendar.html",
        {
            "feed_url": url,
            "api_url": request.build_absolute_uri(reverse("api-1.0.0:delivery_calendar")),
            "may_create": can(request.user, "delivery.add_calendarfeed"),
        },
    )


@require_POST
def calendar_regenerate(request: HttpRequest) -> HttpResponse:
    need(request, "delivery.add_calendarfeed")
    services.feed_regenerate(user=request.user, actor=request.user)
    messages.success(request, _("Your calendar address is new; the old one no longer works."))
    return redirect("delivery:deliveries_calendar")


urlpatterns: list[URLPattern] = [
    path("deliveries/", delivery_list, name="deliveries_list"),
    path("deliveries/new/", delivery_create, name="deliveries_create"),
    path("deliveries/<int:pk>/", delivery_detail, name="deliveries_detail"),
    path("deliveries/<int:pk>/edit/", delivery_edit, name="deliveries_edit"),
    path("deliveries/<int:pk>/status/", delivery_status, name="deliveries_status"),
    path("deliveries/<int:pk>/schedule/", delivery_schedule, name="deliveries_schedule"),
    path("deliveries/<int:pk>/signoff/", delivery_signoff, name="deliveries_signoff"),
    path("timeline/", timeline, name="deliveries_timeline"),
    path("calendar/", calendar_page, name="deliveries_calendar"),
    path("calendar/regenerate/", calendar_regenerate, name="deliveries_calendar_regenerate"),
]
