"""Pages of outgoing bank files: the list (per run), the download of a validated file and the
reconciliation of a run."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from tugi.core.viewkit import list_view, need

from .. import selectors_bank as selectors
from ..filters.bank import BankFileFilter
from ..models import BankFile, PaymentRun
from ..services.bankfiles import bankfile_downloaded
from ..tables.bank import BankFileTable


def bankfile_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "finance.view_bankfile")
    run_id = request.GET.get("run")
    run = PaymentRun.objects.filter(pk=run_id).first() if run_id and run_id.isdigit() else None
    return list_view(
        request,
        filterset=BankFileFilter(request.GET or None, queryset=selectors.bank_files()),
        table_class=BankFileTable,
        template="finance/bank_file_list.html",
        export_name="bank-files.csv",
        extra={"list_title": _("Outgoing bank files"), "run": run},
    )


def bankfile_download(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "finance.view_bankfile")
    bank_file = get_object_or_404(BankFile, pk=pk)
    if bank_file.validated_at is None:
        raise Http404(_("Only a file validated against the XSD can be downloaded."))
    content = bankfile_downloaded(bank_file=bank_file, actor=request.user)
    response = HttpResponse(content, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{bank_file.message_id}.xml"'
    return response


def reconciliation(request: HttpRequest, pk: int) -> HttpResponse:
    need(request, "finance.view_bankfile")
    run = get_object_or_404(PaymentRun, pk=pk)
    return render(request, "finance/reconciliation.html", {"r": selectors.reconciliation(run)})


urlpatterns: list[URLPattern] = [
    path("bank/files/", bankfile_list, name="bankfile_list"),
    path("bank/files/<int:pk>/download/", bankfile_download, name="bankfile_download"),
    path("bank/runs/<int:pk>/reconciliation/", reconciliation, name="reconciliation"),
]
