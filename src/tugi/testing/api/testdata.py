"""API of test data: list generated batches and fetch one batch's persons (the JSON export), so a
test environment's loader can take them without a browser. Fetching a batch is audited as an export.

No ``from __future__ import annotations``: django-ninja resolves the annotations at import."""

import datetime as dt
import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema

from tugi.core.permissions import can

from .. import selectors_testdata as selectors
from ..services import testdata as services

router = Router(tags=["testing"])


class BatchOut(Schema):
    id: int
    scenario: str
    count: int
    environment: str
    created_at: dt.datetime


@router.get("/testdata/batches", response=list[BatchOut], summary="Generated test data batches")
def batches_list(request: HttpRequest) -> Any:
    if not can(request.user, "testing.view_generationbatch"):
        raise PermissionDenied
    return [
        {
            "id": b.pk,
            "scenario": b.scenario.name,
            "count": b.count,
            "environment": b.environment,
            "created_at": b.created_at,
        }
        for b in selectors.batches(user=request.user)[:1000]
    ]


@router.get("/testdata/batches/{pk}", response=dict[str, Any], summary="One batch's synthetic persons")
def batch_get(request: HttpRequest, pk: int) -> Any:
    if not can(request.user, "testing.view_generationbatch"):
        raise PermissionDenied
    batch = selectors.batch_get(user=request.user, pk=pk)
    content, _media = services.batch_export(batch=batch, fmt="json", actor=request.user)
    return json.loads(content)
