"""Pages of test data: scenarios, generating a batch, a batch with its export, pseudonymising."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _

from tugi.core.forms import apply_errors
from tugi.core.permissions import can
from tugi.core.viewkit import form_view, need

from .. import selectors_testdata as selectors
from ..forms.testdata import GenerateForm, PseudonymiseForm, ScenarioForm
from ..services import pseudonymise as pseudonymise_services
from ..services import testdata as services


def testdata_list(request: HttpRequest) -> HttpResponse:
    need(request, "testing.view_testdatascenario")
    return render(
        request,
        "testing/testdata_list.html",
        {
            "scenarios": selectors.scenarios(user=request.user),
            "batches": selectors.batches(user=request.user)[:20],
            "issued": selectors.issued_count(),
        },
    )


def scenario_create(request: HttpRequest) -> HttpResponse:
    need(request, "testing.add_testdatascenario")
    form = ScenarioForm(request.POST or None)
    return form_view(
        request,
        form,
        lambda d: services.scenario_create(actor=request.user, **d),
        title=_("New test data scenario"),
        success=lambda s: redirect("testing:scenario_detail", s.pk),
        message=_("Scenario saved."),
        extra={"cancel_url": reverse("testing:testdata_list")},
    )


def scenario_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "testing.change_testdatascenario")
    scenario = selectors.scenario_get(user=request.user, pk=pk, action="change")
    form = ScenarioForm(
        request.POST or None,
        initial={"name": scenario.name, "description": scenario.description, "spec_text": scenario.spec_text},
    )
    return form_view(
        request,
        form,
        lambda d: services.scenario_update(scenario=scenario, actor=request.user, **d),
        title=_("Edit %(scenario)s") % {"scenario": scenario},
        success=lambda s: redirect("testing:scenario_detail", s.pk),
        extra={"cancel_url": reverse("testing:scenario_detail", args=[scenario.pk])},
    )


def scenario_detail(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "testing.view_testdatascenario")
    scenario = selectors.scenario_get(user=request.user, pk=pk)
    may_generate = can(request.user, "testing.add_generationbatch")
    form = GenerateForm(request.POST or None)
    if request.method == "POST":
        need(request, "testing.add_generationbatch")
        if form.is_valid():
            try:
                batch = services.batch_generate(
                    scenario=scenario,
                    count=form.cleaned_data["count"],
                    environment=form.cleaned_data["environment"],
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Generated %(n)d persons.") % {"n": batch.count})
                return redirect("testing:batch_detail", batch.pk)
    return render(
        request,
        "testing/testdata_scenario.html",
        {
            "scenario": scenario,
            "batches": selectors.batches(user=request.user, scenario=scenario),
            "form": form if may_generate else None,
            "may_change": can(request.user, "testing.change_testdatascenario"),
        },
        status=400 if request.method == "POST" else 200,
    )


def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "testing.view_generationbatch")
    batch = selectors.batch_get(user=request.user, pk=pk)
    return render(
        request,
        "testing/testdata_batch.html",
        {"batch": batch, "identities": selectors.batch_identities(batch=batch)},
    )


def batch_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    need(request, "testing.view_generationbatch")
    if fmt not in ("csv", "json"):
        raise Http404
    batch = selectors.batch_get(user=request.user, pk=pk)
    content, media = services.batch_export(batch=batch, fmt=fmt, actor=request.user)
    response = HttpResponse(content, content_type=f"{media}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="test-data-{batch.pk}.{fmt}"'
    return response


def pseudonymise(request: HttpRequest) -> HttpResponse:
    need(request, "testing.add_generationbatch")
    form = PseudonymiseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        files = {f.name: f.read() for f in form.cleaned_data["csv_files"]}
        try:
            archive, _report = pseudonymise_services.extract_pseudonymise(
                files=files,
                key=form.cleaned_data["key"],
                kinds_text=form.cleaned_data["kinds"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            response = HttpResponse(archive, content_type="application/zip")
            response["Content-Disposition"] = 'attachment; filename="pseudonymised.zip"'
            return response
    return render(
        request,
        "testing/testdata_pseudonymise.html",
        {"form": form, "title": _("Pseudonymise an extract")},
        status=400 if request.method == "POST" else 200,
    )


urlpatterns: list[URLPattern] = [
    path("test-data/", testdata_list, name="testdata_list"),
    path("test-data/scenarios/new/", scenario_create, name="scenario_create"),
    path("test-data/scenarios/<int:pk>/", scenario_detail, name="scenario_detail"),
    path("test-data/scenarios/<int:pk>/edit/", scenario_edit, name="scenario_edit"),
    path("test-data/batches/<int:pk>/", batch_detail, name="batch_detail"),
    path("test-data/batches/<int:pk>/export.<str:fmt>", batch_export, name="batch_export"),
    path("test-data/pseudonymise/", pseudonymise, name="pseudonymise"),
]
