"""API of automated results: ``POST /api/v1/testing/runs/{id}/junit`` with a JUnit XML report as
the raw request body or as the multipart field ``file``.

Answers 201 with the import when it is new, 200 with the earlier import when the same file was
already imported into the run, 422 when the file is not a JUnit report (nothing stored).

No ``from __future__ import annotations``: django-ninja resolves the annotations at import."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status

from tugi.core.selectors import get_restricted

from ..models import TestRun
from ..services import junit as services

router = Router(tags=["testing"])


class JUnitImportOut(Schema):
    id: int
    run: int
    sha256: str
    filename: str
    total: int
    passed: int
    failed: int
    skipped: int
    matched: int
    unmatched: list[str]
    duplicate: bool


def _out(imp: Any, created: bool) -> dict[str, Any]:
    return {
        "id": imp.pk,
        "run": imp.run_id,
        "sha256": imp.sha256,
        "filename": imp.filename,
        "total": imp.total,
        "passed": imp.passed,
        "failed": imp.failed,
        "skipped": imp.skipped,
        "matched": imp.matched,
        "unmatched": list(imp.results.filter(case__isnull=True).values_list("name", flat=True)),
        "duplicate": not created,
    }


@router.post(
    "/runs/{run_id}/junit",
    response={200: JUnitImportOut, 201: JUnitImportOut},
    summary="Import a JUnit XML report into a run (raw XML body or multipart field 'file')",
)
def junit_post(request: HttpRequest, run_id: int) -> Any:
    run = get_restricted(TestRun.objects.all(), request.user, pk=run_id)
    upload = request.FILES.get("file")
    if upload is not None:
        content, filename = upload.read(), upload.name or ""
    else:
        content, filename = request.body, request.headers.get("X-Filename", "")
    if not content.strip():
        raise ValidationError({"file": "Send the JUnit XML as the request body or the field 'file'."})
    imp, created = services.junit_import(run=run, content=content, actor=request.user, filename=filename)
    return Status(201 if created else 200, _out(imp, created))
