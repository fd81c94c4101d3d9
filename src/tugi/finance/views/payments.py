"""Pages of payments: runs (list, create, the run page with review and decisions, its lines with
exports), a person's accounts and holds (placed by hand, released), the account import, the finance
parameters and the agency's debtor accounts. Views parse input and call a service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from tugi.core.exports import rows_csv_response, xlsx_response
from tugi.core.forms import apply_errors
from tugi.core.models import Person
from tugi.core.permissions import can
from tugi.core.viewkit import form_view, import_view, list_view, need

from .. import selectors_payments as selectors
from ..filters.payments import LineFilter, RunFilter
from ..forms.payments import (
    AccountForm,
    AccountImportForm,
    DebtorAccountForm,
    HoldPlaceForm,
    HoldReleaseForm,
    ParameterForm,
    RunCreateForm,
    RunDiscardForm,
    RunReasonForm,
)
from ..models import Benefit, DebtorAccount, PaymentHold, PaymentRun, RunStatus
from ..services import holds as hold_services
from ..services import payments as services
from ..tables.payments import DebtorTable, LineTable, ParameterTable, RunTable

XLSX_MAX_ROWS = 100_000
LINE_EXPORT = [
    "end_to_end_id",
    "benefit_type",
    "creditor_name",
    "iban",
    "bic",
    "town",
    "country",
    "gross",
    "deduction",
    "net",
    "status",
    "hold_reason",
    "bank_status",
]


def run_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "finance.view_paymentrun")
    return list_view(
        request,
        filterset=RunFilter(request.GET, queryset=selectors.runs(user=request.user)),
        table_class=RunTable,
        template="finance/run_list.html",
        export_name="payment-runs.csv",
        extra={"can_create": can(request.user, "finance.add_paymentrun")},
    )


def run_create(request: HttpRequest) -> HttpResponse:
    need(request, "finance.add_paymentrun")
    form = RunCreateForm(request.POST or None, initial={"compute": True})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = services.run_create(
                benefit=data["benefit"], month=data["month"], actor=request.user, note=data.get("note", "")
            )
            if data.get("compute"):
                services.run_compute(run=run, actor=request.user)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Payment run created."))
            return redirect("finance:run_detail", run.pk)
    return render(request, "finance/run_create.html", {"form": form})


def _actions(request: HttpRequest, run: PaymentRun) -> dict[str, bool]:
    user = request.user
    may_change = can(user, "finance.change_paymentrun")
    involved = user.pk in {run.created_by_id, run.computed_by_id}
    return {
        "may_compute": can(user, "finance.add_paymentrun")
        and run.status in (RunStatus.DRAFT, RunStatus.FAILED, RunStatus.COMPUTED),
        "may_approve": may_change and run.status == RunStatus.COMPUTED and not involved,
        "may_release": may_change and run.status == RunStatus.APPROVED,
        "may_discard": may_change and run.status in services.DISCARDABLE,
        "four_eyes_blocked": may_change and run.status == RunStatus.COMPUTED and involved,
    }


def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_get(user=request.user, pk=pk)
    held = selectors.held_lines(run)
    context = {
        "run": run,
        **_actions(request, run),
        "review": selectors.review_rows(run),
        "held": [(line, selectors.hold_label(line.hold_reason)) for line in held[:50]],
        "held_count": run.counts.get("held", 0),
        "files": list(selectors.run_files(run)),
        "reason_form": RunReasonForm(),
        "discard_form": RunDiscardForm(),
    }
    return render(request, "finance/run_detail.html", context)


def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment htmx polls while the run computes; it reloads the page when done."""
    run = selectors.run_get(user=request.user, pk=pk)
    response = render(request, "finance/run_progress.html", {"run": run, "job": run.job})
    if run.status != RunStatus.COMPUTING:
        response["HX-Refresh"] = "true"
    return response


def run_lines(request: HttpRequest, pk: int) -> HttpResponse | StreamingHttpResponse:
    need(request, "finance.view_paymentline")
    run = selectors.run_get(user=request.user, pk=pk)
    filterset = LineFilter(request.GET, queryset=selectors.run_lines(run))
    export = request.GET.get("export")
    if export == "csv":
        rows = filterset.qs.values_list(*LINE_EXPORT)
        return rows_csv_response([LINE_EXPORT, *rows.iterator()], f"payment-run-{run.pk}-lines.csv")
    if export == "xlsx":
        rows = filterset.qs.values_list(*LINE_EXPORT)[:XLSX_MAX_ROWS]
        return xlsx_response(LINE_EXPORT, rows, f"payment-run-{run.pk}-lines.xlsx", title="lines")
    table = LineTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "finance/run_lines.html", {"run": run, "filter": filterset, "table": table})


def _decide(request: HttpRequest, pk: int, call: Any, done: str) -> HttpResponse:
    run = selectors.run_get(user=request.user, pk=pk)
    try:
        call(run)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except PermissionDenied as exc:
        if not str(exc):
            raise
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("finance:run_detail", run.pk)


@require_POST
def run_compute(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "finance.add_paymentrun")
    return _decide(
        request, pk, lambda run: services.run_compute(run=run, actor=request.user), _("Computing started.")
    )


@require_POST
def run_approve(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "finance.change_paymentrun")
    reason = request.POST.get("reason", "")
    return _decide(
        request,
        pk,
        lambda run: services.run_approve(run=run, actor=request.user, reason=reason),
        _("Payment run approved."),
    )


@require_POST
def run_release(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "finance.change_paymentrun")
    return _decide(
        request,
        pk,
        lambda run: services.run_release(run=run, actor=request.user),
        _("Payment run released; the bank files are written."),
    )


@require_POST
def run_discard(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "finance.change_paymentrun")
    reason = request.POST.get("reason", "")
    return _decide(
        request,
        pk,
        lambda run: services.run_discard(run=run, actor=request.user, reason=reason),
        _("Payment run discarded."),
    )


def _person(uid: Any) -> Person:
    return get_object_or_404(Person, uid=uid)


def account_add(request: HttpRequest, uid: Any) -> HttpResponse:
    need(request, "finance.add_bankaccount")
    person = _person(uid)
    back = reverse("core:person_detail", args=[person.uid])
    return form_view(
        request,
        AccountForm(request.POST or None),
        lambda d: services.account_give(person=person, actor=request.user, **d),
        title=_("Bank account of %(person)s") % {"person": person},
        success=back,
        message=_("Bank account saved."),
        extra={"cancel_url": back, "person": person},
    )


def account_import(request: HttpRequest) -> HttpResponse:
    need(request, "finance.add_bankaccount")
    return import_view(
        request,
        AccountImportForm(request.POST or None, request.FILES or None),
        lambda d: services.accounts_import(content=d["file"].read(), actor=request.user),
        template="finance/account_import.html",
    )


def hold_place(request: HttpRequest, uid: Any) -> HttpResponse:
    """A specialist holds a person's payments by hand, with a reason code and a note."""
    need(request, "finance.add_paymenthold")
    person = _person(uid)
    back = reverse("core:person_detail", args=[person.uid])
    return form_view(
        request,
        HoldPlaceForm(request.POST or None),
        lambda d: hold_services.hold_place(person=person, actor=request.user, by_hand=True, **d),
        title=_("Hold the payments of %(person)s") % {"person": person},
        success=back,
        message=_("Payments held."),
        template="finance/hold_place.html",
        extra={"cancel_url": back, "person": person, "active_hold": hold_services.active_hold(person.pk)},
    )


@require_POST
def hold_release(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "finance.change_paymenthold")
    hold = get_object_or_404(PaymentHold.objects.select_related("person"), pk=pk)
    form = HoldReleaseForm(request.POST)
    if form.is_valid():
        try:
            hold_services.hold_release(hold=hold, actor=request.user, note=form.cleaned_data["note"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Hold released."))
    else:
        messages.error(request, _("Say why the hold is released."))
    return redirect("core:person_detail", hold.person.uid)


def parameter_list(request: HttpRequest) -> HttpResponse:
    need(request, "finance.view_financeparameter")
    table = ParameterTable(selectors.parameters())
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(
        request,
        "finance/payments_parameters.html",
        {
            "table": table,
            "can_add": can(request.user, "finance.add_financeparameter"),
            "can_view_debtors": can(request.user, "finance.view_debtoraccount"),
        },
    )


def parameter_add(request: HttpRequest) -> HttpResponse:
    need(request, "finance.add_financeparameter")
    back = reverse("finance:parameter_list")
    return form_view(
        request,
        ParameterForm(request.POST or None),
        lambda d: services.parameter_add(actor=request.user, **d),
        title=_("New value of a finance parameter"),
        success=back,
        message=_("Parameter value saved."),
        extra={"cancel_url": back},
    )


def debtor_list(request: HttpRequest) -> HttpResponse:
    need(request, "finance.view_debtoraccount")
    debtors = list(DebtorAccount.objects.order_by("benefit", "-is_active", "code"))
    table = DebtorTable(debtors, can_change=can(request.user, "finance.change_debtoraccount"))
    RequestConfig(request, paginate=False).configure(table)
    active = {d.benefit for d in debtors if d.is_active}
    return render(
        request,
        "finance/debtor_list.html",
        {
            "table": table,
            "can_add": can(request.user, "finance.add_debtoraccount"),
            "without_debtor": [label for value, label in Benefit.choices if value not in active],
        },
    )


def debtor_add(request: HttpRequest) -> HttpResponse:
    need(request, "finance.add_debtoraccount")
    back = reverse("finance:debtor_list")
    return form_view(
        request,
        DebtorAccountForm(request.POST or None, initial={"is_active": True}),
        lambda d: services.debtor_account_save(actor=request.user, **d),
        title=_("New debtor account"),
        success=back,
        message=_("Debtor account saved."),
        extra={"cancel_url": back},
    )


def debtor_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "finance.change_debtoraccount")
    debtor = get_object_or_404(DebtorAccount, pk=pk)
    back = reverse("finance:debtor_list")
    initial = {f: getattr(debtor, f) for f in ("code", "name", "iban", "bic", "benefit", "is_active")}
    return form_view(
        request,
        DebtorAccountForm(request.POST or None, initial=initial),
        lambda d: services.debtor_account_save(actor=request.user, debtor=debtor, **d),
        title=_("Debtor account %(code)s") % {"code": debtor.code},
        success=back,
        message=_("Debtor account saved."),
        extra={"cancel_url": back},
    )


urlpatterns: list[URLPattern] = [
    path("runs/", run_list, name="run_list"),
    path("runs/new/", run_create, name="run_create"),
    path("runs/<int:pk>/", run_detail, name="run_detail"),
    path("runs/<int:pk>/progress/", run_progress, name="run_progress"),
    path("runs/<int:pk>/lines/", run_lines, name="run_lines"),
    path("runs/<int:pk>/compute/", run_compute, name="run_compute"),
    path("runs/<int:pk>/approve/", run_approve, name="run_approve"),
    path("runs/<int:pk>/release/", run_release, name="run_release"),
    path("runs/<int:pk>/discard/", run_discard, name="run_discard"),
    path("accounts/import/", account_import, name="account_import"),
    path("persons/<uuid:uid>/account/", account_add, name="account_add"),
    path("persons/<uuid:uid>/hold/", hold_place, name="hold_place"),
    path("holds/<int:pk>/release/", hold_release, name="hold_release"),
    path("parameters/", parameter_list, name="parameter_list"),
    path("parameters/new/", parameter_add, name="parameter_add"),
    path("debtors/", debtor_list, name="debtor_list"),
    path("debtors/new/", debtor_add, name="debtor_add"),
    path("debtors/<int:pk>/edit/", debtor_edit, name="debtor_edit"),
]
