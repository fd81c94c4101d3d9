"""Pages of overpayments: the list (filters, CSV/XLSX), an overpayment with its timeline, balance,
recoveries, journal lines and the steps its status allows, the notice PDF and the manual finding."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tugi.core.exports import xlsx_response
from tugi.core.forms import apply_errors
from tugi.core.permissions import can
from tugi.core.services import person_view_record
from tugi.core.viewkit import form_view, list_view, need

from .. import selectors_overpayments as selectors
from ..filters.overpayments import OverpaymentFilter
from ..forms.overpayments import (
    ArrangeForm,
    DecideForm,
    HearingForm,
    ManualFindingForm,
    NotifyForm,
    ReasonForm,
    RepaymentForm,
)
from ..models import Overpayment
from ..services import overpayments as services
from ..services.overpayments_notice import notice_pdf
from ..tables.overpayments import OverpaymentTable

#: status → the steps offered on the page
STEPS: dict[str, tuple[str, ...]] = {
    "detected": ("hearing",),
    "hearing": ("decide",),
    "decided": ("notify", "repayment", "waive", "write_off"),
    "notified": ("arrange", "repayment", "waive", "write_off"),
    "recovering": ("arrange", "repayment", "waive", "write_off"),
    "written_off": ("reverse",),
}
FORMS: dict[str, type] = {
    "hearing": HearingForm,
    "decide": DecideForm,
    "notify": NotifyForm,
    "arrange": ArrangeForm,
    "waive": ReasonForm,
    "write_off": ReasonForm,
    "reverse": ReasonForm,
    "repayment": RepaymentForm,
}
#: the right a step needs when not the right to change overpayments
STEP_PERMS: dict[str, str] = {"repayment": "finance.add_recovery"}
CALLS: dict[str, Callable[..., Any]] = {
    "hearing": lambda op, d, u: services.hearing_start(
        overpayment=op, actor=u, on=d.get("on"), note=d["note"]
    ),
    "decide": lambda op, d, u: services.overpayment_decide(
        overpayment=op,
        cause=d["cause"],
        decided_amount=d["decided_amount"],
        decision_reasons=d["decision_reasons"],
        actor=u,
    ),
    "notify": lambda op, d, u: services.overpayment_notify(
        overpayment=op, actor=u, due_date=d.get("due_date")
    ),
    "arrange": lambda op, d, u: services.recovery_arrange(overpayment=op, actor=u, **d),
    "waive": lambda op, d, u: services.overpayment_waive(overpayment=op, reason=d["reason"], actor=u),
    "write_off": lambda op, d, u: services.overpayment_write_off(overpayment=op, reason=d["reason"], actor=u),
    "reverse": lambda op, d, u: services.write_off_reverse(overpayment=op, reason=d["reason"], actor=u),
    "repayment": lambda op, d, u: services.repayment_record(
        overpayment=op, amount=d["amount"], on=d.get("on"), note=d["note"], actor=u
    ),
}


def _step_perm(step: str) -> str:
    return STEP_PERMS.get(step, "finance.change_overpayment")


def _export_rows(qs: Any) -> list[list[Any]]:
    return [
        [
            op.pk,
            op.person.masked_code,
            op.get_source_display(),
            op.period_from,
            op.period_to,
            op.amount,
            op.decided_amount,
            op.get_status_display(),
            op.get_recovery_method_display(),
            op.due_date,
            op.limitation_date,
        ]
        for op in qs
    ]


def overpayment_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "finance.view_overpayment")
    filterset = OverpaymentFilter(request.GET, queryset=selectors.overpayments(), request=request)
    if request.GET.get("export") == "xlsx":
        header = [
            _("No."),
            _("Person"),
            _("Detected from"),
            _("From"),
            _("To"),
            _("Amount"),
            _("To recover"),
            _("Status"),
            _("Method"),
            _("Due"),
            _("Limitation"),
        ]
        return xlsx_response(header, _export_rows(filterset.qs), "overpayments.xlsx", title="overpayments")
    return list_view(
        request,
        filterset=filterset,
        table_class=OverpaymentTable,
        template="finance/overpayment_list.html",
        export_name="overpayments.csv",
        extra={"can_add": can(request.user, "finance.add_overpayment")},
    )


def overpayment_create(request: HttpRequest) -> HttpResponse:
    need(request, "finance.add_overpayment")
    form = ManualFindingForm(request.POST or None)

    def call(d: dict[str, Any]) -> Any:
        return services.overpayment_record_manual(actor=request.user, **d)

    return form_view(
        request,
        form,
        call,
        title=_("Record an overpayment"),
        success=lambda op: redirect("finance:overpayment_detail", op.pk),
        message=_("Overpayment recorded."),
    )


def _entry_url(entry_id: int) -> str:
    try:
        return reverse("finance:entry_detail", args=[entry_id])
    except NoReverseMatch:
        return ""


def _detail(
    request: HttpRequest, op: Overpayment, status: int = 200, bound: dict[str, Any] | None = None
) -> HttpResponse:
    steps = [s for s in STEPS.get(op.status, ()) if can(request.user, _step_perm(s))]
    forms = {s: (bound or {}).get(s) or FORMS[s](prefix=s) for s in steps}
    lines = selectors.journal_lines(op)
    for line in lines:
        line.entry_url = _entry_url(line.entry_id)
    context = {
        "op": op,
        "balance": selectors.balance(op),
        "recoveries": list(op.recoveries.all()),
        "journal_lines": lines,
        "timeline": selectors.timeline(op),
        "step_forms": forms,
    }
    return render(request, "finance/overpayment_detail.html", context, status=status)


def overpayment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "finance.view_overpayment")
    return _detail(request, get_object_or_404(Overpayment.objects.select_related("person"), pk=pk))


@require_POST
def overpayment_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    need(request, _step_perm(step))
    if step not in FORMS:
        raise Http404
    op = get_object_or_404(Overpayment, pk=pk)
    form = FORMS[step](request.POST, prefix=step)
    if form.is_valid():
        try:
            CALLS[step](op, form.cleaned_data, request.user)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            done = _("Repayment recorded.") if step == "repayment" else _("Overpayment updated.")
            messages.success(request, done)
            return redirect("finance:overpayment_detail", op.pk)
    op.refresh_from_db()
    return _detail(request, op, 422, {step: form})


def overpayment_notice(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "finance.view_overpayment")
    op = get_object_or_404(Overpayment, pk=pk)
    if not op.reference_number:
        raise Http404
    # the notice carries the person's name, code and address: downloading it is a view of their data
    person_view_record(viewer=request.user, person=op.person, purpose=_("overpayment notice"))
    response = HttpResponse(notice_pdf(op), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="overpayment-{op.pk}.pdf"'
    return response


urlpatterns: list[URLPattern] = [
    path("overpayments/", overpayment_list, name="overpayment_list"),
    path("overpayments/new/", overpayment_create, name="overpayment_create"),
    path("overpayments/<int:pk>/", overpayment_detail, name="overpayment_detail"),
    path("overpayments/<int:pk>/notice.pdf", overpayment_notice, name="overpayment_notice"),
    path("overpayments/<int:pk>/<slug:step>/", overpayment_step, name="overpayment_step"),
]
