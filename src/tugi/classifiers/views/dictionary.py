"""Pages of the classifiers area: the data dictionary of the managed systems and its import."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from tugi.core.imports import ImportError_
from tugi.core.permissions import can
from tugi.core.viewkit import list_view, need

from .. import selectors_dictionary as selectors
from ..filters.dictionary import AttributeFilter
from ..forms.dictionary import DictionaryImportForm
from ..services import dictionary as services
from ..tables.dictionary import AttributeTable

IMPORT_PERMS = (
    "classifiers.add_entity",
    "classifiers.change_entity",
    "classifiers.add_attribute",
    "classifiers.change_attribute",
)


def attribute_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "classifiers.view_attribute")
    return list_view(
        request,
        filterset=AttributeFilter(request.GET, queryset=selectors.attributes(user=request.user)),
        table_class=AttributeTable,
        template="classifiers/dictionary_list.html",
        export_name="data-dictionary.csv",
        extra={
            "systems": selectors.systems(),
            "can_import": all(can(request.user, p) for p in IMPORT_PERMS),
        },
    )


def dictionary_import(request: HttpRequest) -> HttpResponse:
    for perm in IMPORT_PERMS:
        need(request, perm)
    form = DictionaryImportForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    summary = None
    kind = ""
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        call = services.dictionary_import if kind == "dictionary" else services.dictionary_code_counts_import
        try:
            summary = call(
                content=form.cleaned_data["file"].read(),
                actor=request.user,
                reason=form.cleaned_data.get("reason", ""),
            )
        except ImportError_ as exc:
            errors = exc.errors
    return render(
        request,
        "classifiers/dictionary_import.html",
        {"form": form, "errors": errors, "summary": summary, "kind": kind},
    )


urlpatterns: list[URLPattern] = [
    path("dictionary/attributes/", attribute_list, name="dictionary_list"),
    path("dictionary/attributes/import/", dictionary_import, name="dictionary_import"),
]
