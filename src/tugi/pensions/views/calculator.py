"""The pension calculator and the indexation modelling page: what-if answers, nothing stored."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from tugi.core.forms import apply_errors
from tugi.core.viewkit import need

from .. import selectors_calculator as selectors
from ..forms.calculator import CalculatorForm, IndexationForm, next_first_of_april
from ..models import ParameterName


def _labelled(values: list[Any]) -> list[tuple[str, Any]]:
    labels = dict(ParameterName.choices)
    return [(str(labels.get(v.name, v.name)), v) for v in values]


def calculator(request: HttpRequest) -> HttpResponse:
    need(request, "pensions.view_parametervalue")
    form = CalculatorForm(request.GET or None)
    result: Any = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            result = selectors.old_age(
                on=data.get("on"),
                base_amount=data.get("base_amount"),
                year_value=data.get("year_value"),
                service_years=data["service_years"],
                insurance_shares=data["insurance_shares"],
                joint_shares=data["joint_shares"],
                adjustment_factor=data["adjustment_factor"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
    used = _labelled(result.used if result else [])
    return render(request, "pensions/calculator.html", {"form": form, "result": result, "used": used})


def indexation(request: HttpRequest) -> HttpResponse:
    need(request, "pensions.view_parametervalue")
    form = IndexationForm(request.GET or None, initial={"on": next_first_of_april()})
    model: Any = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            model = selectors.indexation_model(
                on=data["on"],
                index=data["index"],
                base_amount=data.get("base_amount"),
                year_value=data.get("year_value"),
                extra_base=data.get("extra_base"),
                total_base=data.get("total_base"),
                total_years=data.get("total_years"),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
    used = _labelled(model.used if model else [])
    return render(
        request, "pensions/calculator_indexation.html", {"form": form, "model": model, "used": used}
    )


urlpatterns: list[URLPattern] = [
    path("calculator/", calculator, name="calculator"),
    path("calculator/indexation/", indexation, name="calculator_indexation"),
]
