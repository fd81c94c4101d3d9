"""The finance API: bank files. ``POST /finance/bank/inbound`` imports a pain.002 / camt.053 /
camt.054 file (multipart field ``file`` or the raw body) and answers its summary, or 400 with the
reason when the file cannot be read (nothing stored); ``GET /finance/bank/files?run=`` lists the
outgoing files, ``GET /finance/bank/events?matched=`` the bank events.

No ``from __future__ import annotations``: django-ninja resolves the annotations at import."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status

from tugi.core.permissions import require

from .. import selectors_bank as selectors
from ..services.inbound import inbound_import

router = Router()


class BankFileOut(Schema):
    id: int
    run: int
    message_id: str
    payment_info_id: str
    nb_of_txs: int
    ctrl_sum: Decimal
    requested_date: dt.date
    sha256: str
    size: int
    validated_at: dt.datetime | None
    downloads: int


class BankEventOut(Schema):
    id: int
    file: int
    kind: str
    end_to_end_id: str
    payment_info_id: str
    reference: str
    reason_code: str
    reason_text: str
    amount: Decimal | None
    booked_on: dt.date | None
    line: int | None
    overpayment: int | None
    matched: bool


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]]


@router.post(
    "/bank/inbound",
    response={200: dict[str, Any], 201: dict[str, Any], 400: ErrorOut},
    summary="Import a bank file (pain.002, camt.053, camt.054) as the raw body or the multipart field 'file'",
)
def inbound_post(request: HttpRequest) -> Any:
    require(request.user, "finance.add_inboundfile")
    upload = request.FILES.get("file")
    if upload is not None:
        content, filename = upload.read(), upload.name or ""
    else:
        content, filename = request.body, request.headers.get("X-Filename", "")
    try:
        summary = inbound_import(content=content, filename=filename, actor=request.user)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"file": exc.messages}
        return Status(400, {"detail": "File rejected; nothing was stored", "errors": errors})
    return Status(200 if summary["duplicate"] else 201, summary)


@router.get(
    "/bank/files", response=list[BankFileOut], summary="Outgoing pain.001 files, optionally of one run"
)
def files_get(request: HttpRequest, run: int | None = None) -> Any:
    require(request.user, "finance.view_bankfile")
    return [
        {
            "id": f.pk,
            "run": f.run_id,
            "message_id": f.message_id,
            "payment_info_id": f.payment_info_id,
            "nb_of_txs": f.nb_of_txs,
            "ctrl_sum": f.ctrl_sum,
            "requested_date": f.requested_date,
            "sha256": f.sha256,
            "size": f.size,
            "validated_at": f.validated_at,
            "downloads": f.downloads,
        }
        for f in selectors.bank_files(run)
    ]


@router.get("/bank/events", response=list[BankEventOut], summary="Bank events from incoming files")
def events_get(request: HttpRequest, matched: bool | None = None, limit: int = 500, offset: int = 0) -> Any:
    require(request.user, "finance.view_bankevent")
    qs = selectors.bank_events()
    if matched is not None:
        qs = qs.filter(matched=matched)
    limit = max(1, min(limit, 5000))
    return [
        {
            "id": e.pk,
            "file": e.file_id,
            "kind": e.kind,
            "end_to_end_id": e.end_to_end_id,
            "payment_info_id": e.payment_info_id,
            "reference": e.reference,
            "reason_code": e.reason_code,
            "reason_text": e.reason_text,
            "amount": e.amount,
            "booked_on": e.booked_on,
            "line": e.line_id,
            "overpayment": e.overpayment_id,
            "matched": e.matched,
        }
        for e in qs[offset : offset + limit]
    ]
