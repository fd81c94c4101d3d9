"""Pages of the register topic: pensions (list, detail with amount history, suspend / resume / end /
correct, grant from a person's page), insured years and the pensioner register import.

A personal code is never put in a URL: the "find by personal code" forms are POSTed and the found
code is kept in the session under a random key that the list's URL carries.
"""

from __future__ import annotations

import secrets
import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tugi.core.imports import ImportError_
from tugi.core.permissions import can
from tugi.core.selectors import person_get
from tugi.core.services import person_view_record
from tugi.core.viewkit import form_view, list_view, need

from .. import selectors_register as selectors
from ..filters.register import InsuredYearFilter, PensionFilter
from ..forms.register import (
    AmountCorrectForm,
    FindPersonForm,
    PensionEndForm,
    PensionersImportForm,
    PensionGrantForm,
    PensionResumeForm,
    PensionSuspendForm,
)
from ..models import PensionStatus
from ..selectors_explain import explain_pension
from ..services import register as services
from ..tables.register import InsuredYearTable, PensionTable, run_link

FIND_SESSION_KEY = "pensions_find"


def _found_code(request: HttpRequest) -> str:
    """The personal code of the "find by personal code" search the URL's key points to, or ""."""
    key = request.GET.get("find", "")
    return str(request.session.get(FIND_SESSION_KEY, {}).get(key, "")) if key else ""


def _find(request: HttpRequest, list_name: str) -> HttpResponse:
    form = FindPersonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(str(m) for errs in form.errors.values() for m in errs))
        return redirect(list_name)
    key = secrets.token_urlsafe(8)
    found = dict(request.session.get(FIND_SESSION_KEY, {}))
    found = dict(list(found.items())[-9:])  # keep the last few searches only
    found[key] = form.cleaned_data["personal_code"]
    request.session[FIND_SESSION_KEY] = found
    return redirect(f"{reverse(list_name)}?find={key}")


# --- pensions ------------------------------------------------------------------------------------


def pension_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "pensions.view_pension")
    if request.method == "POST":
        return _find(request, "pensions:pension_list")
    code = _found_code(request)
    qs = selectors.pension_list(user=request.user)
    if code:
        qs = qs.filter(person__personal_code=code)
    return list_view(
        request,
        filterset=PensionFilter(request.GET, queryset=qs),
        table_class=PensionTable,
        template="pensions/register_pension_list.html",
        export_name="pensions.csv",
        extra={
            "find_form": FindPersonForm(),
            "found": f"{code[:7]}****" if code else "",
            "can_import": can(request.user, "pensions.add_pension"),
        },
    )


def pension_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pension = selectors.pension_get(user=request.user, pk=pk)
    person_view_record(viewer=request.user, person=pension.person, purpose=_("pension page"))
    explanation = explain_pension(pension)
    for row in explanation.history:
        row.run_html = run_link(row.run_id)  # type: ignore[attr-defined]
    user = request.user
    may_change = can(user, "pensions.change_pension")
    return render(
        request,
        "pensions/pension_detail.html",
        {
            "pension": pension,
            "person": pension.person,
            "x": explanation,
            "can_suspend": may_change and pension.status == PensionStatus.IN_PAYMENT,
            "can_resume": may_change and pension.status == PensionStatus.SUSPENDED,
            "can_end": may_change and pension.status != PensionStatus.ENDED,
            "can_correct": may_change
            and can(user, "pensions.add_pensionamount")
            and pension.status != PensionStatus.ENDED,
        },
    )


def _action(
    request: HttpRequest, pk: int, form_class: Any, call: Any, title: str, message: str
) -> HttpResponse:
    need(request, "pensions.change_pension")
    pension = selectors.pension_get(user=request.user, pk=pk, action="change")
    form = form_class(request.POST or None, **_initial(form_class, pension))
    return form_view(
        request,
        form,
        lambda d: call(pension=pension, actor=request.user, **d),
        title=title % {"pension": pension},
        success=lambda _result: redirect("pensions:pension_detail", pension.pk),
        message=message,
        extra={"cancel_url": reverse("pensions:pension_detail", args=[pension.pk])},
    )


def _initial(form_class: Any, pension: Any) -> dict[str, Any]:
    if form_class is AmountCorrectForm:
        return {
            "initial": {
                "service_years": pension.service_years,
                "insurance_shares": pension.insurance_shares,
                "joint_shares": pension.joint_shares,
                "adjustment_factor": pension.adjustment_factor,
            }
        }
    return {}


def pension_suspend(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        PensionSuspendForm,
        services.pension_suspend,
        _("Suspend %(pension)s"),
        _("Pension suspended."),
    )


def pension_resume(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        PensionResumeForm,
        services.pension_resume,
        _("Resume %(pension)s"),
        _("Pension resumed."),
    )


def pension_end(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request, pk, PensionEndForm, services.pension_end, _("End %(pension)s"), _("Pension ended.")
    )


def amount_correct(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "pensions.add_pensionamount")
    return _action(
        request,
        pk,
        AmountCorrectForm,
        services.amount_correct,
        _("Correct the amount of %(pension)s"),
        _("The amount is corrected."),
    )


def pension_grant(request: HttpRequest, uid: str) -> HttpResponse:
    need(request, "pensions.add_pension")
    person = person_get(user=request.user, uid=uid)
    types = selectors.pension_types()
    if not types.exists():
        services.pension_type_ensure_defaults()
    form = PensionGrantForm(
        request.POST or None,
        types=types,
        initial={"adjustment_factor": 1, "insurance_shares": 0, "joint_shares": 0},
    )
    return form_view(
        request,
        form,
        lambda d: services.pension_grant(person=person, actor=request.user, **d),
        title=_("Grant a pension to %(person)s") % {"person": person},
        success=lambda p: redirect("pensions:pension_detail", p.pk),
        message=_("Pension granted."),
        extra={"cancel_url": reverse("core:person_detail", args=[person.uid])},
    )


@require_POST
def pensions_end_deceased(request: HttpRequest) -> HttpResponse:
    need(request, "pensions.change_pension")
    count = services.pensions_end_deceased(actor=request.user, reason=request.POST.get("reason", ""))
    messages.success(request, _("Pensions ended for persons who have died: %(n)d.") % {"n": count})
    return redirect("pensions:pension_list")


def pensioners_import(request: HttpRequest) -> HttpResponse:
    need(request, "pensions.add_pension")
    form = PensionersImportForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "pensioners.csv"
            with target.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            try:
                summary = services.pensioners_import(
                    path=target, actor=request.user, reason=form.cleaned_data.get("reason", "")
                )
            except ImportError_ as exc:
                errors = exc.errors[:50]
            else:
                messages.success(
                    request,
                    _(
                        "Imported: %(pensions)d pensions granted, %(persons)d persons added, "
                        "%(unchanged)d rows already in the register."
                    )
                    % {
                        "pensions": summary["pensions_created"],
                        "persons": summary["persons_created"],
                        "unchanged": summary["unchanged"],
                    },
                )
                return redirect("pensions:pension_list")
    return render(request, "pensions/register_import.html", {"form": form, "errors": errors})


# --- insured years -------------------------------------------------------------------------------


def insured_year_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "pensions.view_insuredyear")
    if request.method == "POST":
        return _find(request, "pensions:insured_year_list")
    code = _found_code(request)
    qs = selectors.insured_year_list(user=request.user)
    if code:
        qs = qs.filter(person_code=code)
    return list_view(
        request,
        filterset=InsuredYearFilter(request.GET, queryset=selectors.with_person_uid(qs)),
        table_class=InsuredYearTable,
        template="pensions/register_insured_year_list.html",
        export_name="insured-years.csv",
        extra={"find_form": FindPersonForm(), "found": f"{code[:7]}****" if code else ""},
    )


urlpatterns: list[URLPattern] = [
    path("register/pensions/", pension_list, name="pension_list"),
    path("register/pensions/<int:pk>/", pension_detail, name="pension_detail"),
    path("register/pensions/<int:pk>/suspend/", pension_suspend, name="pension_suspend"),
    path("register/pensions/<int:pk>/resume/", pension_resume, name="pension_resume"),
    path("register/pensions/<int:pk>/end/", pension_end, name="pension_end"),
    path("register/pensions/<int:pk>/correct/", amount_correct, name="pension_correct"),
    path("register/pensions/end-deceased/", pensions_end_deceased, name="pensions_end_deceased"),
    path("register/pensions/grant/<uuid:uid>/", pension_grant, name="pension_grant"),
    path("register/import/", pensioners_import, name="pensioners_import"),
    path("register/insured-years/", insured_year_list, name="insured_year_list"),
]
