"""Authentication of the SDMX and FHIR endpoints: a Bearer API token or a browser session.

The endpoints answer 401 themselves (the sign-in middleware lets ``/sdmx/`` and ``/fhir/`` through),
so a machine gets a status code rather than a redirect to the login page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from tugi.core.services import token_authenticate

View = Callable[..., HttpResponse]


def request_user(request: HttpRequest) -> Any | None:
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token_authenticate(token.strip())
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated and user.is_active else None


def authenticated(unauthorized: Callable[[], HttpResponse], *methods: str) -> Callable[[View], View]:
    """Require a token or a session (``unauthorized()`` answers otherwise) and one of ``methods``."""
    allowed = methods or ("GET", "HEAD")

    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request_user(request)
            if user is None:
                response = unauthorized()
                response["WWW-Authenticate"] = 'Bearer realm="Tugi"'
                return response
            request.user = user
            if request.method not in allowed:
                response = HttpResponse(status=405)
                response["Allow"] = ", ".join(allowed)
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
