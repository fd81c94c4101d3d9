"""Pages of the access area: explain (why an account can or can't do something), the effective
rights of an account at any date, and the effective rights of a whole system as CSV or XLSX."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _

from tugi.core.exports import rows_csv_response, xlsx_response
from tugi.core.forms import apply_errors
from tugi.core.viewkit import need

from .. import selectors_explain as selectors
from ..forms.explain import AccountRightsForm, ExplainForm, SystemExportForm

PERM = "access.view_account"


# --- file responses -------------------------------------------------------------------------------


def _file(
    kind: str, header: Sequence[Any], rows: Callable[[], Iterable[Sequence[Any]]], name: str, title: str
) -> HttpResponse | StreamingHttpResponse:
    if kind == "xlsx":
        return xlsx_response(header, rows(), f"{name}.xlsx", title)
    return rows_csv_response(itertools.chain([header], rows()), f"{name}.csv")


def _lookup(form: Any, *steps: Callable[[], Any]) -> list[Any] | None:
    """Run each lookup; put every error it raises on the form. None if any failed."""
    found: list[Any] = []
    failed = False
    for step in steps:
        try:
            found.append(step())
        except ValidationError as exc:
            apply_errors(form, exc)
            found.append(None)
            failed = True
    return None if failed else found


# --- pages ----------------------------------------------------------------------------------------


def explain_page(request: HttpRequest) -> HttpResponse:
    """Is a right granted to an account on a day; through which paths; if not, what would grant it."""
    need(request, PERM)
    codes = [s.code for s in selectors.systems(user=request.user)]
    bound = "account" in request.GET
    form = ExplainForm(request.GET if bound else None, systems=codes)
    result = None
    if bound and form.is_valid():
        data = form.cleaned_data
        found = _lookup(
            form,
            lambda: selectors.account_by_username(user=request.user, username=data["account"]),
            lambda: selectors.system_by_code(user=request.user, code=data["system"]),
        )
        if found is not None:
            account, system = found
            right = _lookup(
                form, lambda: selectors.right_by_code(user=request.user, system=system, code=data["right"])
            )
            if right is not None:
                result = selectors.explanation_for_page(
                    user=request.user, account=account, right=right[0], at=data["at"]
                )
    return render(request, "access/explain_form.html", {"form": form, "result": result})


def explain_rights(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The effective rights of an account on any day, per system, each with its path."""
    need(request, PERM)
    codes = [s.code for s in selectors.systems(user=request.user)]
    bound = "account" in request.GET
    form = AccountRightsForm(request.GET if bound else None, systems=codes)
    context: dict[str, Any] = {"form": form, "rights": None}
    if bound and form.is_valid():
        data = form.cleaned_data
        found = _lookup(
            form,
            lambda: selectors.account_by_username(user=request.user, username=data["account"]),
            lambda: (
                selectors.system_by_code(user=request.user, code=data["system"]) if data["system"] else None
            ),
        )
        if found is not None:
            account, system = found
            day = data["at"] or timezone.localdate()
            rights = selectors.account_rights(user=request.user, account=account, at=day, system=system)
            export = request.GET.get("export", "")
            if export in ("csv", "xlsx"):
                return _file(
                    export,
                    selectors.ACCOUNT_EXPORT_HEADER,
                    lambda: selectors.account_rights_rows(rights),
                    f"rights-{account.username}-{day.isoformat()}",
                    account.username,
                )
            context.update(
                account=account,
                day=day,
                rights=rights,
                by_system=selectors.account_rights_by_system(rights),
                query=request.GET.urlencode(),
            )
    return render(request, "access/explain_rights.html", context)


def explain_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The effective rights of every employed account of a system, as CSV or XLSX."""
    need(request, PERM)
    codes = [s.code for s in selectors.systems(user=request.user)]
    bound = "system" in request.GET
    form = SystemExportForm(request.GET if bound else None, systems=codes)
    if bound and form.is_valid():
        data = form.cleaned_data
        found = _lookup(form, lambda: selectors.system_by_code(user=request.user, code=data["system"]))
        if found is not None:
            system = found[0]
            day = data["at"] or timezone.localdate()
            return _file(
                data["format"],
                selectors.SYSTEM_EXPORT_HEADER,
                lambda: selectors.system_rights_rows(user=request.user, system=system, at=day),
                f"rights-{system.code}-{day.isoformat()}",
                system.code,
            )
    return render(
        request,
        "access/explain_export.html",
        {"form": form, "title": _("Export the effective rights of a system")},
    )


urlpatterns: list[URLPattern] = [
    path("explain/", explain_page, name="explain"),
    path("explain/rights/", explain_rights, name="explain_rights"),
    path("explain/export/", explain_export, name="explain_export"),
]
