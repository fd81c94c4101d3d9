"""Pages of the sub-ledger: the journal (filters, CSV), an entry with its lines and reversal, the
reversal form, the trial balance (saldoandmik) with its CSV and month close."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tugi.core.exports import rows_csv_response
from tugi.core.forms import apply_errors
from tugi.core.permissions import can
from tugi.core.viewkit import form_view, list_view, need

from .. import selectors_ledger as selectors
from ..filters.ledger import EntryFilter
from ..forms.ledger import PeriodCloseForm, ReverseForm
from ..models import JournalEntry
from ..services import ledger as services
from ..tables.ledger import EntryTable


def entry_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "finance.view_journalentry")
    return list_view(
        request,
        filterset=EntryFilter(request.GET, queryset=selectors.entries(), request=request),
        table_class=EntryTable,
        template="finance/ledger_journal.html",
        export_name="journal.csv",
    )


def _entry(pk: int) -> JournalEntry:
    try:
        return selectors.entry_get(pk)
    except JournalEntry.DoesNotExist as exc:
        raise Http404 from exc


def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "finance.view_journalentry")
    entry = _entry(pk)
    context = {
        "entry": entry,
        "lines": list(entry.lines.select_related("person", "overpayment")),
        "reversal": selectors.entry_reversal(entry),
        "source_url": selectors.source_url(entry),
        "can_reverse": selectors.can_reverse(entry) and can(request.user, "finance.add_journalentry"),
    }
    return render(request, "finance/ledger_entry.html", context)


def entry_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "finance.add_journalentry")
    entry = _entry(pk)
    form = ReverseForm(request.POST or None)
    return form_view(
        request,
        form,
        lambda d: services.entry_reverse(entry=entry, reason=d["reason"], actor=request.user),
        title=_("Reverse entry #%(n)s") % {"n": entry.number},
        success=lambda e: redirect("finance:entry_detail", e.pk),
        message=_("Entry reversed."),
        template="finance/ledger_reverse.html",
        extra={"entry": entry, "cancel_url": reverse("finance:entry_detail", args=[entry.pk])},
    )


def _period(request: HttpRequest) -> dt.date:
    value = request.GET.get("period")
    if value:
        return selectors.parse_period(value)
    today = dt.date.today().replace(day=1)
    return (today - dt.timedelta(days=1)).replace(day=1)


def trial_balance(
    request: HttpRequest, close_form: Any = None, status: int = 200
) -> HttpResponse | StreamingHttpResponse:
    need(request, "finance.view_journalentry")
    try:
        period = _period(request)
    except ValidationError:
        messages.error(request, _("Give the month as YYYY-MM."))
        period = (dt.date.today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    if request.GET.get("export") == "csv":
        return rows_csv_response(selectors.saldoandmik_rows(period), f"saldoandmik-{period:%Y-%m}.csv")
    rows = selectors.trial_balance(period)
    context = {
        "period": period,
        "period_value": f"{period:%Y-%m}",
        "rows": rows,
        "totals": selectors.trial_balance_totals(period, rows),
        "due": selectors.due_date(period),
        "closed": selectors.closed_periods(),
        "is_closed": selectors.is_closed(period),
        "can_close": can(request.user, "finance.add_periodclose"),
        "close_form": close_form or PeriodCloseForm(initial={"period": f"{period:%Y-%m}"}),
    }
    return render(request, "finance/ledger_trial_balance.html", context, status=status)


@require_POST
def period_close(request: HttpRequest) -> HttpResponse:
    need(request, "finance.add_periodclose")
    form = PeriodCloseForm(request.POST)
    if form.is_valid():
        try:
            period = selectors.parse_period(form.cleaned_data["period"])
            services.period_close(period=period, actor=request.user)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Month %(p)s closed.") % {"p": f"{period:%Y-%m}"})
            return redirect(f"{reverse('finance:trial_balance')}?period={period:%Y-%m}")
    response = trial_balance(request, close_form=form, status=422)
    assert isinstance(response, HttpResponse)
    return response


urlpatterns: list[URLPattern] = [
    path("ledger/", entry_list, name="entry_list"),
    path("ledger/<int:pk>/", entry_detail, name="entry_detail"),
    path("ledger/<int:pk>/reverse/", entry_reverse, name="entry_reverse"),
    path("ledger/trial-balance/", trial_balance, name="trial_balance"),
    path("ledger/trial-balance/close/", period_close, name="period_close"),
]
