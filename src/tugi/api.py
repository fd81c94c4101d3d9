"""Tugi's API under /api/v1/: one NinjaAPI; each area adds its router here."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

from tugi.access.api import router as access_router
from tugi.classifiers.api import router as classifiers_router
from tugi.core.api import router as core_router
from tugi.core.imports import ImportError_
from tugi.core.services import token_authenticate
from tugi.delivery.api import router as delivery_router
from tugi.finance.api import router as finance_router
from tugi.pensions.api import router as pensions_router
from tugi.testing.api import router as testing_router
from tugi.work.api import router as work_router


class TokenAuth(HttpBearer):
    """``Authorization: Bearer TOKEN`` with a personal API token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Tugi API",
    version="1",
    description="Tugi: the workbench of the Social Insurance Board's development unit. "
    "Authenticate with `Authorization: Bearer TOKEN` (create tokens under API tokens) or a browser session.",
    auth=[TokenAuth(), django_auth],
    urls_namespace="api-1.0.0",
)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": "Invalid input", "errors": errors}, status=422)


@api.exception_handler(ImportError_)
def _import_error(request: HttpRequest, exc: ImportError_) -> HttpResponse:
    errors = [{"line": e.line, "field": e.field, "message": e.message} for e in exc.errors]
    return api.create_response(
        request, {"detail": "File rejected; nothing was stored", "lines": errors}, status=422
    )


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)


api.add_router("/", core_router)
api.add_router("/work", work_router)
api.add_router("/access", access_router)
api.add_router("/classifiers", classifiers_router)
api.add_router("/pensions", pensions_router)
api.add_router("/delivery", delivery_router)
api.add_router("/testing", testing_router)
api.add_router("/finance", finance_router)
