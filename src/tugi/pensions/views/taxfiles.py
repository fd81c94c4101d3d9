"""Pages of imported social tax files: the list, the upload and one file's manifest."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tugi.core.permissions import can
from tugi.core.services import job_start
from tugi.core.viewkit import list_view, need

from .. import selectors_taxfiles as selectors
from ..contributions.taxfiles import IMPORT_JOB
from ..filters.taxfiles import TaxFileFilter
from ..forms.taxfiles import TaxFileUploadForm
from ..services import taxfiles as services
from ..tables.taxfiles import TaxFileTable, months_text

#: Files up to this size are imported while the user waits; bigger ones by a background job.
SYNC_IMPORT_BYTES = 8 * 1024 * 1024
#: How many of a rejected file's problems the page shows.
SHOWN_PROBLEMS = 50


def taxfile_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    need(request, "pensions.view_taxfile")
    return list_view(
        request,
        filterset=TaxFileFilter(request.GET, queryset=selectors.tax_file_list(user=request.user)),
        table_class=TaxFileTable,
        template="pensions/taxfile_list.html",
        export_name="social-tax-files.csv",
        extra={
            "can_import": can(request.user, "pensions.add_taxfile"),
            "years": [
                {**y, "months": months_text(y["months"]), "complete": len(y["months"]) == 12}
                for y in selectors.tax_year_summary()
            ],
        },
    )


def _already(tax_file: Any) -> str:
    when = formats.date_format(timezone.localtime(tax_file.created_at), "d.m.Y H:i")
    return _("This file was already imported on %(when)s by %(who)s; nothing was changed.") % {
        "when": when,
        "who": tax_file.imported_by.get_username(),
    }


def taxfile_upload(request: HttpRequest) -> HttpResponse:
    need(request, "pensions.add_taxfile")
    form = TaxFileUploadForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    total = 0
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        year = form.cleaned_data.get("year")
        reason = form.cleaned_data.get("reason", "")
        digest, staged = services.taxfile_stage_upload(chunks=upload.chunks(), actor=request.user)
        existing = selectors.tax_file_by_sha(digest)
        if existing is not None and (year is None or existing.year == year):
            staged.unlink(missing_ok=True)
            messages.info(request, _already(existing))
            return redirect("pensions:taxfile_detail", existing.pk)
        if upload.size > SYNC_IMPORT_BYTES:
            try:
                job = job_start(
                    kind=IMPORT_JOB,
                    # per user: a colleague's upload of the same file must not answer with their job
                    key=f"{request.user.pk}:{digest}:{year or ''}",
                    actor=request.user,
                    params={"sha256": digest, "original_name": upload.name, "year": year, "reason": reason},
                    title=_("Import social tax file %(name)s") % {"name": upload.name},
                )
            except Exception:
                staged.unlink(missing_ok=True)
                raise
            return redirect("core:job_detail", job.uid)
        try:
            tax_file, created = services.taxfile_import(
                path=staged, original_name=upload.name, actor=request.user, year=year, reason=reason
            )
        except services.TaxFileRejected as exc:
            errors, total = exc.errors[:SHOWN_PROBLEMS], exc.total
        else:
            if created:
                messages.success(
                    request,
                    _("The file was imported: %(rows)d rows of %(persons)d persons for %(year)d.")
                    % {"rows": tax_file.rows, "persons": tax_file.persons, "year": tax_file.year},
                )
            else:
                messages.info(request, _already(tax_file))
            return redirect("pensions:taxfile_detail", tax_file.pk)
        finally:
            staged.unlink(missing_ok=True)
    return render(
        request,
        "pensions/taxfile_upload.html",
        {"form": form, "errors": errors, "total": total, "more": max(0, total - len(errors))},
    )


def taxfile_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tax_file = selectors.tax_file_get(user=request.user, pk=pk)
    months = selectors.tax_file_month_summary(tax_file)
    siblings = [tf for tf in selectors.tax_files(tax_file.year) if tf.pk != tax_file.pk]
    return render(
        request,
        "pensions/taxfile_detail.html",
        {
            "tax_file": tax_file,
            "months": months,
            "months_text": months_text(tax_file.months),
            "siblings": siblings,
            "year_months": months_text(selectors.months_covered(tax_file.year)),
            "manifest": selectors.manifest_of(tax_file),
        },
    )


urlpatterns: list[URLPattern] = [
    path("tax-files/", taxfile_list, name="taxfile_list"),
    path("tax-files/import/", taxfile_upload, name="taxfile_import"),
    path("tax-files/<int:pk>/", taxfile_detail, name="taxfile_detail"),
]
