"""The finance API is documented in the OpenAPI schema that scripts and the docs page read."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


def test_the_finance_endpoints_are_in_the_valid_openapi_document(db: Any) -> None:
    spec = Client().get("/api/v1/openapi.json").json()
    validate(spec)
    paths = spec["paths"]
    for path, method in (
        ("/api/v1/finance/runs", "post"),
        ("/api/v1/finance/runs/{run_id}/approve", "post"),
        ("/api/v1/finance/bank/inbound", "post"),
        ("/api/v1/finance/overpayments/{pk}/decide", "post"),
        ("/api/v1/finance/overpayments/{pk}/repayments", "post"),
        ("/api/v1/finance/ledger/trial-balance", "get"),
        ("/api/v1/finance/reports/{name}", "get"),
        ("/api/v1/finance/monitors/{pk}/run", "post"),
        ("/api/v1/finance/problems", "post"),
    ):
        assert method in paths.get(path, {}), f"{method.upper()} {path} is not documented"
