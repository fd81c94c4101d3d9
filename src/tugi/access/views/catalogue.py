"""Pages of the access area: managed systems, their rights catalogue and its import."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _

from tugi.core.imports import ImportError_
from tugi.core.permissions import can
from tugi.core.viewkit import form_view, list_view, need

from .. import selectors_catalogue as selectors
from ..filters.catalogue import RightFilter, SystemFilter
from ..forms.catalogue import CatalogueImportForm, RightForm, SystemForm
from ..services import catalogue as services
from ..tables.catalogue import RightTable, SystemTable


def system_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "access.view_managedsystem")
    return list_view(
        request,
        filterset=SystemFilter(request.GET, queryset=selectors.systems(user=request.user)),
        table_class=SystemTable,
        template="access/catalogue_system_list.html",
        export_name="systems.csv",
    )


def system_create(request: HttpRequest) -> HttpResponse:
    need(request, "access.add_managedsystem")
    form = SystemForm(request.POST or None)
    return form_view(
        request,
        form,
        lambda d: services.system_create(actor=request.user, **d),
        title=_("Add a managed system"),
        success=lambda s: redirect("access:catalogue_system_detail", s.code),
        message=_("Managed system added."),
        extra={"cancel_url": reverse("access:catalogue_system_list")},
    )


def system_detail(request: HttpRequest, code: str) -> HttpResponse | StreamingHttpResponse:
    system = selectors.system_get(user=request.user, code=code)
    qs = selectors.rights(user=request.user, system=system)
    return list_view(
        request,
        filterset=RightFilter(request.GET, queryset=qs, modules=selectors.modules(system=system)),
        table_class=RightTable,
        template="access/catalogue_system_detail.html",
        export_name=f"{system.code}-rights.csv",
        extra={
            "system": system,
            "can_import": can(request.user, "access.add_right") and can(request.user, "access.change_right"),
        },
    )


def catalogue_import(request: HttpRequest, code: str) -> HttpResponse:
    need(request, "access.add_right")
    need(request, "access.change_right")
    system = selectors.system_get(user=request.user, code=code)
    form = CatalogueImportForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    summary = None
    if request.method == "POST" and form.is_valid():
        try:
            summary = services.catalogue_import(
                system=system,
                content=form.cleaned_data["file"].read(),
                fmt=form.cleaned_data["fmt"],
                actor=request.user,
                reason=form.cleaned_data.get("reason", ""),
            )
        except ImportError_ as exc:
            errors = exc.errors
    in_use = selectors.vanished_in_use(system=system) if summary is not None else {}
    return render(
        request,
        "access/catalogue_import.html",
        {"system": system, "form": form, "errors": errors, "summary": summary, "in_use": in_use},
    )


def right_detail(request: HttpRequest, pk: int) -> HttpResponse:
    right = selectors.right_get(user=request.user, pk=pk)
    return render(
        request,
        "access/catalogue_right_detail.html",
        {
            "right": right,
            "holders": selectors.right_holders(right=right),
            "can_edit": can(request.user, "access.change_right"),
        },
    )


def right_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "access.change_right")
    right = selectors.right_get(user=request.user, pk=pk, action="change")
    form = RightForm(request.POST or None, initial={f: getattr(right, f) for f in services.RIGHT_FIELDS})
    return form_view(
        request,
        form,
        lambda d: services.right_update(right=right, actor=request.user, **d),
        title=_("Edit the right %(right)s") % {"right": right},
        success=lambda r: redirect("access:catalogue_right_detail", r.pk),
        extra={"cancel_url": reverse("access:catalogue_right_detail", args=[right.pk])},
    )


urlpatterns: list[URLPattern] = [
    path("systems/", system_list, name="catalogue_system_list"),
    path("systems/new/", system_create, name="catalogue_system_create"),
    path("systems/<slug:code>/", system_detail, name="catalogue_system_detail"),
    path("systems/<slug:code>/import/", catalogue_import, name="catalogue_import"),
    path("rights/<int:pk>/", right_detail, name="catalogue_right_detail"),
    path("rights/<int:pk>/edit/", right_edit, name="catalogue_right_edit"),
]
