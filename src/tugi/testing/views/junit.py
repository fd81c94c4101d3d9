"""Pages of automated results: upload a JUnit XML report into a run, an import with its
matched and unmatched tests, and the mapping of unmatched test names to cases."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from tugi.core.forms import apply_errors
from tugi.core.permissions import can
from tugi.core.selectors import get_restricted
from tugi.core.viewkit import need

from .. import selectors_defects as selectors
from ..forms.defects import JUnitMapForm, JUnitUploadForm
from ..models import TestCase, TestRun
from ..services import junit as services


def junit_upload(request: HttpRequest, run_id: int) -> HttpResponse:
    need(request, "testing.add_junitimport")
    run = get_restricted(TestRun.objects.all(), request.user, pk=run_id)
    form = JUnitUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            imp, created = services.junit_import(
                run=run,
                content=upload.read(),
                actor=request.user,
                filename=upload.name or "",
                reason=form.cleaned_data.get("reason", ""),
            )
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            if created:
                messages.success(
                    request,
                    _("Imported %(total)d tests; %(matched)d executions created.")
                    % {"total": imp.total, "matched": imp.matched},
                )
            else:
                messages.info(request, _("This report was already imported into the run; nothing changed."))
            return redirect("testing:junit_detail", imp.pk)
    return render(
        request,
        "testing/junit_upload.html",
        {"form": form, "run": run, "imports": list(selectors.junit_imports(user=request.user, run=run)[:20])},
        status=422 if request.method == "POST" else 200,
    )


def junit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    imp = selectors.junit_import_get(user=request.user, pk=pk)
    results = list(imp.results.select_related("case", "execution"))
    return render(
        request,
        "testing/junit_detail.html",
        {
            "imp": imp,
            "results": results,
            "unmatched": [r for r in results if r.case_id is None],
            "can_map": can(request.user, "testing.add_junitmapping"),
        },
    )


def junit_mapping(request: HttpRequest) -> HttpResponse:
    need(request, "testing.view_junitmapping")
    form = JUnitMapForm(request.POST or None, initial={"name": request.GET.get("name", "")})
    if request.method == "POST":
        need(request, "testing.add_junitmapping")
        if form.is_valid():
            case = TestCase.objects.filter(key=form.cleaned_data["case_key"].strip().upper()).first()
            if case is None:
                form.add_error("case_key", _("No test case with this key."))
            else:
                try:
                    services.junit_map(
                        name=form.cleaned_data["name"],
                        case=case,
                        actor=request.user,
                        reason=form.cleaned_data.get("reason", ""),
                    )
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    messages.success(request, _("Mapped; the next import matches this test."))
                    return redirect("testing:junit_mapping")
    context: dict[str, Any] = {
        "form": form,
        "unmatched": selectors.junit_unmatched(user=request.user),
        "mappings": list(selectors.junit_mappings(user=request.user)[:500]),
        "can_map": can(request.user, "testing.add_junitmapping"),
    }
    return render(
        request, "testing/junit_mapping.html", context, status=422 if request.method == "POST" else 200
    )


urlpatterns: list[URLPattern] = [
    path("runs/<int:run_id>/junit/", junit_upload, name="junit_upload"),
    path("junit/<int:pk>/", junit_detail, name="junit_detail"),
    path("junit/mapping/", junit_mapping, name="junit_mapping"),
]
