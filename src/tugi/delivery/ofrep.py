"""The OpenFeature Remote Evaluation Protocol (OFREP) for Tugi's feature flags, mounted at /ofrep/.

``POST /ofrep/v1/evaluate/flags/{key}`` evaluates one flag, ``POST /ofrep/v1/evaluate/flags`` all
flags of the environment (with an ``ETag``; ``If-None-Match`` answers 304). The request body is
``{"context": {...}}``; the context names the environment:

- ``environment`` (its name, e.g. ``skais-uat``) and optionally ``system`` (``SKAIS``/``STAR``), or
- ``targetingKey`` as ``SYSTEM/environment`` or just the environment's name.

Authentication: ``Authorization: Bearer <Tugi API token>`` (or a signed-in session) of a user who
may view flag states. Errors follow OFREP: ``{"key", "errorCode", "errorDetails"}`` with
``FLAG_NOT_FOUND`` (404), ``INVALID_CONTEXT`` / ``PARSE_ERROR`` (400); 401 without credentials,
403 without the right.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from tugi.core.permissions import can
from tugi.core.services import token_authenticate

from . import selectors_flags as sel
from .models import Environment, System

PERMISSION = "delivery.view_flagstate"


def _error(status: int, code: str, details: str, key: str | None = None) -> JsonResponse:
    body: dict[str, Any] = {"errorCode": code, "errorDetails": details}
    if key is not None:
        body = {"key": key, **body}
    return JsonResponse(body, status=status)


def _user(request: HttpRequest) -> Any | None:
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token_authenticate(token.strip())
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated and user.is_active else None


def _guard(request: HttpRequest) -> HttpResponse | None:
    if request.method != "POST":
        response = HttpResponse(status=405)
        response["Allow"] = "POST"
        return response
    user = _user(request)
    if user is None:
        response = HttpResponse(status=401)
        response["WWW-Authenticate"] = 'Bearer realm="Tugi"'
        return response
    if not can(user, PERMISSION):
        return HttpResponse(status=403)
    request.user = user
    return None


class ContextError(Exception):
    def __init__(self, code: str, details: str):
        super().__init__(details)
        self.code, self.details = code, details


def _context(request: HttpRequest) -> dict[str, Any]:
    if not request.body:
        return {}
    try:
        data = json.loads(request.body)
    except ValueError:
        raise ContextError("PARSE_ERROR", "The request body is not JSON.") from None
    if not isinstance(data, dict):
        raise ContextError("PARSE_ERROR", "The request body must be a JSON object.")
    context = data.get("context", {})
    if not isinstance(context, dict):
        raise ContextError("INVALID_CONTEXT", "context must be an object.")
    return context


def environment_from(context: dict[str, Any]) -> Environment:
    """The environment the evaluation context names (see the module docstring)."""
    system = str(context.get("system") or "").strip().upper()
    name = str(context.get("environment") or "").strip()
    if not name:
        target = str(context.get("targetingKey") or "").strip()
        if "/" in target:
            system_part, _slash, name = target.partition("/")
            system = system or system_part.strip().upper()
            name = name.strip()
        else:
            name = target
    if not name:
        raise ContextError(
            "INVALID_CONTEXT",
            "Name the environment: context.environment (and context.system) or targetingKey.",
        )
    if system and system not in System.values:
        raise ContextError(
            "INVALID_CONTEXT", f"Unknown system {system!r}; use one of {', '.join(System.values)}."
        )
    envs = Environment.objects.filter(name__iexact=name)
    if system:
        envs = envs.filter(system=system)
    found = list(envs[:2])
    if not found:
        raise ContextError("INVALID_CONTEXT", f"Unknown environment {name!r}.")
    if len(found) > 1:
        raise ContextError(
            "INVALID_CONTEXT", f"Environment {name!r} exists in several systems; give context.system."
        )
    return found[0]


@csrf_exempt
def evaluate_flag(request: HttpRequest, key: str) -> HttpResponse:
    refused = _guard(request)
    if refused is not None:
        return refused
    try:
        environment = environment_from(_context(request))
    except ContextError as exc:
        return _error(400, exc.code, exc.details, key)
    evaluation = sel.evaluate_key(environment, key)
    if evaluation is None:
        return _error(404, "FLAG_NOT_FOUND", f"No flag {key!r} in {environment.system}.", key)
    return JsonResponse(evaluation.as_ofrep())


@csrf_exempt
def evaluate_flags(request: HttpRequest) -> HttpResponse:
    refused = _guard(request)
    if refused is not None:
        return refused
    try:
        environment = environment_from(_context(request))
    except ContextError as exc:
        return _error(400, exc.code, exc.details)
    body = {"flags": [e.as_ofrep() for e in sel.evaluate_all(environment)]}
    content = json.dumps(body, sort_keys=True, ensure_ascii=False)
    etag = '"' + hashlib.sha256(content.encode()).hexdigest()[:32] + '"'
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(content, content_type="application/json")
    response["ETag"] = etag
    return response
