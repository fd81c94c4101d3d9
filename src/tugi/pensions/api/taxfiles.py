"""API of the social tax files: upload a file (multipart), list the imported files.

No ``from __future__ import annotations``: django-ninja resolves a paginated handler's
annotations in another module's namespace (see tugi.core.api)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema, Status, UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from .. import selectors_taxfiles as selectors
from ..services import taxfiles as services

router = Router(tags=["pensions"])


class TaxFileOut(Schema):
    id: int
    sha256: str
    original_name: str
    path: str = Field(..., description="Where the rows are stored as Parquet, relative to the data directory")
    year: int
    months: list[int]
    rows: int
    persons: int
    payers: int
    submitted_from: dt.datetime
    submitted_to: dt.datetime
    total_tax: str = Field(..., description="Sum of social tax in the file, EUR, exact decimal")
    imported_by: str
    imported_at: dt.datetime


class TaxFileImported(TaxFileOut):
    new: bool = Field(..., description="False when the same file (same SHA-256) was imported before")


@router.get("/tax-files", response=list[TaxFileOut], summary="Imported social tax files (manifests)")
@paginate(LimitOffsetPagination)
def tax_file_list(request: HttpRequest, year: int | None = None) -> Any:
    qs = selectors.tax_file_list(user=request.user)
    if year is not None:
        qs = qs.filter(year=year)
    return [selectors.manifest_of(tf) for tf in qs.order_by("-year", "sha256")]


@router.post(
    "/tax-files",
    response={201: TaxFileImported, 200: TaxFileImported},
    summary="Import a social tax file (CSV); 422 with the bad lines when rejected",
)
def tax_file_import(
    request: HttpRequest, file: File[UploadedFile], year: Form[int | None] = None, reason: Form[str] = ""
) -> Any:
    _digest, staged = services.taxfile_stage_upload(chunks=file.chunks(), actor=request.user)
    try:
        tax_file, created = services.taxfile_import(
            path=staged, original_name=file.name or "upload.csv", actor=request.user, year=year, reason=reason
        )
    finally:
        staged.unlink(missing_ok=True)
    return Status(201 if created else 200, {**selectors.manifest_of(tax_file), "new": created})
