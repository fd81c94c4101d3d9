"""The explanation page (issue 3 § 7): a person's figures of a year, step by step.

Reached from the person page's "Pension insurance" section; the URL names the person by ``uid``,
never by personal code. Viewing writes the personal-data view log.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tugi.core.selectors import person_get
from tugi.core.services import person_view_record
from tugi.core.viewkit import need

from .. import selectors_register as selectors
from ..selectors_explain import explain_year
from ..tables.register import run_link

AVERAGE_SOURCES = {
    "confirmed": gettext_lazy("confirmed by the government (recorded in Tugi)"),
    "proposal": gettext_lazy("the run's proposal (not yet confirmed)"),
    "provisional": gettext_lazy("provisional average"),
    "file": gettext_lazy("reference value of the parameter files"),
}


def explain_person_year(request: HttpRequest, uid: str, year: int) -> HttpResponse:
    need(request, "pensions.view_insuredyear")
    person = person_get(user=request.user, uid=uid)
    purpose = request.GET.get("purpose") or _("explanation of the insured year %(year)d") % {"year": year}
    person_view_record(viewer=request.user, person=person, purpose=purpose)
    explanation = explain_year(person.personal_code, year)
    years = list(selectors.insured_years(person.personal_code).values_list("year", flat=True))
    return render(
        request,
        "pensions/explain_year.html",
        {
            "person": person,
            "year": year,
            "x": explanation,
            "years": years,
            "average_source": AVERAGE_SOURCES.get(explanation.average_source, explanation.average_source),
            "pensions": list(selectors.person_pensions(person.pk)),
            "run_html": run_link(explanation.stored.run_id) if explanation.stored else "",
        },
    )


urlpatterns: list[URLPattern] = [
    path("explain/<uuid:uid>/<int:year>/", explain_person_year, name="explain_year"),
]
