"""The parameters screen: every value per parameter, proposals, confirmation by a second person."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tugi.core.permissions import can
from tugi.core.viewkit import form_view, need

from .. import selectors_parameters as selectors
from ..forms.parameters import ParameterProposeForm, ParametersOnForm, ParameterWithdrawForm
from ..models import ParameterName, ParameterStatus
from ..services import parameters as services


def parameter_list(request: HttpRequest) -> HttpResponse:
    need(request, "pensions.view_parametervalue")
    on_form = ParametersOnForm(request.GET or None)
    on = dt.date.today()
    if on_form.is_bound and on_form.is_valid() and on_form.cleaned_data.get("on"):
        on = on_form.cleaned_data["on"]
    groups = selectors.parameter_groups(user=request.user, on=on)
    return render(
        request,
        "pensions/parameter_list.html",
        {
            "groups": groups,
            "on": on,
            "on_form": on_form if on_form.is_bound else ParametersOnForm(initial={"on": on}),
            "can_propose": can(request.user, "pensions.add_parametervalue"),
            "can_confirm": can(request.user, "pensions.change_parametervalue"),
            "proposals": [r for g in groups for r in g.rows if r.status == ParameterStatus.PROPOSED],
            "average_proposals": selectors.average_proposals(),
        },
    )


def parameter_propose(request: HttpRequest) -> HttpResponse:
    need(request, "pensions.add_parametervalue")
    initial: dict[str, Any] = {}
    if request.GET.get("name") in ParameterName.values:
        initial["name"] = request.GET["name"]
        if request.GET.get("value"):
            initial["value"] = request.GET["value"][:40]
        if request.GET.get("valid_from"):
            initial["valid_from"] = request.GET["valid_from"][:10]
    form = ParameterProposeForm(request.POST or None, initial=initial)
    return form_view(
        request,
        form,
        lambda data: services.parameter_propose(actor=request.user, **data),
        title=_("Propose a parameter value"),
        success=reverse("pensions:parameter_list"),
        message=_("The value was proposed. It takes effect once another person confirms it."),
        extra={"cancel_url": reverse("pensions:parameter_list")},
    )


@require_POST
def parameter_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "pensions.change_parametervalue")
    value = selectors.parameter_value_get(user=request.user, pk=pk)
    try:
        services.parameter_confirm(value=value, actor=request.user, reason=request.POST.get("reason", ""))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Confirmed: %(name)s from %(date)s is %(value)s.")
            % {
                "name": value.get_name_display(),
                "date": value.valid_from.strftime("%d.%m.%Y"),
                "value": selectors.plain(value.value),
            },
        )
    return redirect("pensions:parameter_list")


def parameter_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "pensions.add_parametervalue")
    value = selectors.parameter_value_get(user=request.user, pk=pk)
    form = ParameterWithdrawForm(request.POST or None)
    return form_view(
        request,
        form,
        lambda data: services.parameter_withdraw(
            value=value, actor=request.user, reason=data.get("reason", "")
        ),
        title=_("Withdraw %(name)s from %(date)s: %(value)s")
        % {
            "name": value.get_name_display(),
            "date": value.valid_from.strftime("%d.%m.%Y"),
            "value": selectors.plain(value.value),
        },
        success=reverse("pensions:parameter_list"),
        message=_("The value was withdrawn."),
        extra={"cancel_url": reverse("pensions:parameter_list")},
    )


urlpatterns: list[URLPattern] = [
    path("parameters/", parameter_list, name="parameter_list"),
    path("parameters/propose/", parameter_propose, name="parameter_propose"),
    path("parameters/<int:pk>/confirm/", parameter_confirm, name="parameter_confirm"),
    path("parameters/<int:pk>/withdraw/", parameter_withdraw, name="parameter_withdraw"),
]
