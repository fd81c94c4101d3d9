"""Small helpers that keep area views to configuration: form + service call + redirect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from .exports import table_csv_response
from .forms import apply_errors
from .permissions import can


def need(request: HttpRequest, perm: str) -> None:
    """403 unless the user holds ``perm`` (used before showing a form for a change)."""
    if not can(request.user, perm):
        raise PermissionDenied


def form_view(
    request: HttpRequest,
    form: Any,
    call: Callable[[dict[str, Any]], Any],
    *,
    title: str,
    success: Callable[[Any], HttpResponse] | str,
    message: str = "",
    template: str = "core/form.html",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """Validate ``form``, call the service with its cleaned data, show field errors it raises."""
    if request.method == "POST" and form.is_valid():
        try:
            result = call(form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, message or _("Saved."))
            return success(result) if callable(success) else redirect(success)
    return render(request, template, {"form": form, "title": title, **(extra or {})})


def list_view(
    request: HttpRequest,
    *,
    filterset: Any,
    table_class: Any,
    template: str,
    export_name: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse | StreamingHttpResponse:
    """A filtered, sorted, paginated list with CSV export of all filtered rows."""
    table = table_class(filterset.qs)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    if request.GET.get("export") == "csv":
        return table_csv_response(table, export_name)
    return render(request, template, {"filter": filterset, "table": table, **(extra or {})})


def import_view(
    request: HttpRequest,
    form: Any,
    call: Callable[[dict[str, Any]], Any],
    *,
    template: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """An import page: validate ``form``, call the import service with its cleaned data and show
    its summary, or every bad line of a rejected file (answered 400) or the field errors."""
    from .imports import ImportError_

    errors: list[Any] = []
    summary = None
    if request.method == "POST" and form.is_valid():
        try:
            summary = call(form.cleaned_data)
        except ImportError_ as exc:
            errors = exc.errors
        except ValidationError as exc:
            apply_errors(form, exc)
    context = {"form": form, "errors": errors, "summary": summary, **(extra or {})}
    return render(request, template, context, status=400 if errors else 200)
