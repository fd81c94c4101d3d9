"""Request id for the audit log, and sign-in required everywhere but a few public paths."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from .context import new_request_id, request_context

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

# The API and SCIM authenticate by themselves (Bearer token or session) and answer 401.
PUBLIC_PREFIXES = (
    "/healthz",
    "/readyz",
    "/accounts/login",
    "/static/",
    "/api/",
    "/scim/",
    "/i18n/",
    "/sdmx/",
    "/fhir/",
    "/ofrep/",
)


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else new_request_id()
        request.request_id = request_id  # type: ignore[attr-defined]
        with request_context(request_id):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class LoginRequiredMiddleware:
    """Every page needs a signed-in user; the API authenticates by itself (token or session)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if not request.user.is_authenticated and not path.startswith(PUBLIC_PREFIXES):
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)
