"""Pages of feature flags: the flag × environment matrix, a flag with its state per environment
(changed right there), create and edit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tugi.core.exports import rows_csv_response
from tugi.core.permissions import can
from tugi.core.viewkit import form_view, need

from .. import selectors_flags as selectors
from ..forms.flags import FlagCreateForm, FlagEditForm, FlagStateForm
from ..models import Environment, System
from ..services import flags as services


def flag_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "delivery.view_featureflag")
    qs = selectors.flags(user=request.user)
    system = request.GET.get("system", "").upper()
    if system in System.values:
        qs = qs.filter(system=system)
    query = request.GET.get("q", "").strip()
    if query:
        qs = qs.filter(key__icontains=query) | qs.filter(description__icontains=query)
    if request.GET.get("archived") != "1":
        qs = qs.filter(archived=False)
    flag_list_ = list(qs.order_by("system", "key"))
    matrix = selectors.matrix(flag_list_)
    if request.GET.get("export") == "csv":
        rows: list[list[Any]] = [
            [_("System"), _("Key"), _("Environment"), _("State"), _("Value"), _("Changed")]
        ]
        for row in matrix["rows"]:
            for env, state in row["cells"]:
                rows.append(
                    [
                        row["flag"].system,
                        row["flag"].key,
                        env.name,
                        (_("on") if state.enabled else _("off")) if state else _("not set"),
                        state.variant if state else "",
                        f"{state.changed_at:%Y-%m-%d %H:%M}" if state else "",
                    ]
                )
        return rows_csv_response(rows, "feature-flags.csv")
    return render(
        request,
        "delivery/flag_list.html",
        {
            "matrix": matrix,
            "systems": System.values,
            "system": system,
            "q": query,
            "can_add": can(request.user, "delivery.add_featureflag"),
        },
    )


def flag_detail(request: HttpRequest, pk: int) -> HttpResponse:
    flag = selectors.flag_get(user=request.user, pk=pk)
    states = selectors.states_of(flag)
    rows = [(env, states.get(env.pk)) for env in selectors.environments_of(flag.system)]
    return render(request, "delivery/flag_detail.html", _detail_context(request, flag, rows))


def _detail_context(request: HttpRequest, flag: Any, rows: list[Any], errors: Any = None) -> dict[str, Any]:
    from tugi.core.selectors import audit_events

    history = []
    if can(request.user, "core.view_auditevent"):
        history = list(
            audit_events(user=request.user)
            .filter(object_type="delivery.flagstate", object_id__in=[str(s.pk) for _e, s in rows if s])
            .order_by("-occurred_at")[:30]
        )
    return {
        "flag": flag,
        "rows": rows,
        "tickets": selectors.linked_tickets(flag),
        "expectations": selectors.expectations(flag),
        "can_edit": can(request.user, "delivery.change_featureflag"),
        "can_set": can(request.user, "delivery.change_flagstate") and not flag.archived,
        "history": history,
        "state_errors": errors or {},
    }


def flag_create(request: HttpRequest) -> HttpResponse:
    need(request, "delivery.add_featureflag")
    form = FlagCreateForm(request.POST or None, initial={"system": request.GET.get("system", "")})
    return form_view(
        request,
        form,
        lambda d: services.flag_create(
            system=d["system"],
            key=d["key"],
            description=d.get("description", ""),
            actor=request.user,
            reason=d.get("reason", ""),
        ),
        title=_("New feature flag"),
        success=lambda flag: redirect("delivery:flag_detail", flag.pk),
        message=_("Flag created."),
    )


def flag_edit(request: HttpRequest, pk: int) -> HttpResponse:
    flag = selectors.flag_get(user=request.user, pk=pk, action="change")
    form = FlagEditForm(
        request.POST or None,
        system=flag.system,
        initial={
            "description": flag.description,
            "archived": flag.archived,
            "tickets": list(flag.tickets.all()),
        },
    )
    return form_view(
        request,
        form,
        lambda d: services.flag_update(
            flag=flag,
            description=d.get("description", ""),
            archived=d.get("archived", False),
            tickets=d.get("tickets") or [],
            actor=request.user,
            reason=d.get("reason", ""),
        ),
        title=_("Edit flag %(key)s") % {"key": flag},
        success=lambda _r: redirect("delivery:flag_detail", flag.pk),
        extra={"cancel_url": reverse("delivery:flag_detail", args=[flag.pk])},
    )


@require_POST
def flag_state_set(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "delivery.change_flagstate")
    flag = selectors.flag_get(user=request.user, pk=pk)
    form = FlagStateForm(request.POST)
    env = None
    if form.is_valid():
        env = Environment.objects.filter(pk=form.cleaned_data["environment"], system=flag.system).first()
    if env is None:
        messages.error(request, _("Choose an environment of %(system)s.") % {"system": flag.system})
        return redirect("delivery:flag_detail", flag.pk)
    try:
        services.flag_state_set(
            flag=flag,
            environment=env,
            enabled=form.cleaned_data["enabled"],
            variant=form.cleaned_data.get("variant", ""),
            actor=request.user,
            reason=form.cleaned_data.get("reason", ""),
        )
    except ValidationError as exc:
        states = selectors.states_of(flag)
        rows = [(e, states.get(e.pk)) for e in selectors.environments_of(flag.system)]
        ctx = _detail_context(request, flag, rows, {env.pk: exc.messages})
        return render(request, "delivery/flag_detail.html", ctx, status=400)
    messages.success(request, _("%(flag)s in %(env)s saved.") % {"flag": flag.key, "env": env.name})
    return redirect("delivery:flag_detail", flag.pk)


urlpatterns: list[URLPattern] = [
    path("flags/", flag_list, name="flag_list"),
    path("flags/new/", flag_create, name="flag_create"),
    path("flags/<int:pk>/", flag_detail, name="flag_detail"),
    path("flags/<int:pk>/edit/", flag_edit, name="flag_edit"),
    path("flags/<int:pk>/state/", flag_state_set, name="flag_state_set"),
]
