"""The HTTP side of the SCIM service: authentication, parameters, responses and errors.

Each endpoint reads the request, calls a selector or a service and answers SCIM JSON
(``application/scim+json``). Errors are SCIM error objects with ``status`` and, for 400s,
``scimType``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from tugi.core.permissions import can
from tugi.core.services import token_authenticate

from ..models import Account, Profile
from . import schemas, selectors, services
from .errors import ScimError, invalid_syntax, invalid_value, not_found
from .filtering import group_condition, user_condition
from .resources import (
    GROUP_SPECS,
    USER_SPECS,
    Url,
    group_resource,
    project,
    scim_error_from,
    user_resource,
)

CONTENT_TYPE = "application/scim+json; charset=utf-8"
View = Callable[..., HttpResponse]


def scim_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder) if data is not None else b"",
        status=status,
        content_type=CONTENT_TYPE,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def error_response(error: ScimError, headers: dict[str, str] | None = None) -> HttpResponse:
    return scim_response(error.as_json(), error.status, headers)


def _bearer(request: HttpRequest) -> Any | None:
    header = request.headers.get("Authorization", "")
    scheme, _space, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token_authenticate(token.strip())


def endpoint(*methods: str, perm: str = "") -> Callable[[View], View]:
    """A SCIM endpoint: Bearer token required (401), the method allowed (405), ``perm`` held to
    read (403), and every error answered as a SCIM error."""

    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = _bearer(request)
            if user is None:
                return error_response(
                    ScimError(401, "Authenticate with Authorization: Bearer and a Tugi API token."),
                    {"WWW-Authenticate": 'Bearer realm="Tugi SCIM"'},
                )
            request.user = user
            if request.method not in methods:
                return error_response(
                    ScimError(405, f"{request.method} is not supported here; use {', '.join(methods)}."),
                    {"Allow": ", ".join(methods)},
                )
            try:
                if perm and not can(user, perm):
                    raise PermissionDenied
                return view(request, *args, **kwargs)
            except ScimError as exc:
                return error_response(exc)
            except ValidationError as exc:
                return error_response(scim_error_from(exc))
            except PermissionDenied as exc:
                return error_response(ScimError(403, str(exc) or "You do not have the right to do this."))
            except Http404:
                return error_response(not_found("Not found."))

        return wrapper

    return decorate


# --- helpers ------------------------------------------------------------------------------------


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("scim:root")).rstrip("/")


def _urls(request: HttpRequest) -> Url:
    base = _base(request)
    return lambda kind, key: f"{base}/{kind}s/{key}"


def _body(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise invalid_syntax("The request body is not JSON.") from None


def _names(value: Any, name: str) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value if v.strip()]
    raise invalid_value(f"{name} must be a comma-separated list of attribute names")


def _number(value: Any, name: str, default: int) -> int:
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise invalid_value(f"{name} must be a whole number, not {value!r}") from None


class Query:
    """filter, startIndex, count, attributes and excludedAttributes of a list or a search."""

    def __init__(self, source: dict[str, Any]):
        def get(name: str) -> Any:
            return next((v for k, v in source.items() if k.lower() == name.lower()), None)

        text = get("filter")
        if text is not None and not isinstance(text, str):
            raise invalid_value("filter must be a string")
        self.filter = text.strip() if text else ""
        self.start = min(max(1, _number(get("startIndex"), "startIndex", 1)), 2**31 - 1)
        self.count = min(max(0, _number(get("count"), "count", schemas.DEFAULT_COUNT)), schemas.MAX_RESULTS)
        self.attributes = _names(get("attributes"), "attributes")
        self.excluded = _names(get("excludedAttributes"), "excludedAttributes")

    def wants(self, name: str) -> bool:
        def first(path: str) -> str:
            return path.split(".")[0].split(":")[-1].lower()

        if self.attributes:
            return any(first(p) == name.lower() for p in self.attributes)
        return not any(p.lower() == name.lower() for p in self.excluded)


def _query_params(request: HttpRequest) -> Query:
    return Query(dict(request.GET.items()))


def _list(resources: list[dict[str, Any]], total: int, query: Query) -> HttpResponse:
    return scim_response(
        {
            "schemas": [schemas.LIST_RESPONSE],
            "totalResults": total,
            "startIndex": query.start,
            "itemsPerPage": len(resources),
            "Resources": resources,
        }
    )


def _precondition(request: HttpRequest, current: dict[str, Any]) -> None:
    wanted = request.headers.get("If-Match")
    if (
        wanted
        and wanted.strip() != "*"
        and current["meta"]["version"] not in [w.strip() for w in wanted.split(",")]
    ):
        raise ScimError(412, "The resource has changed since it was read (If-Match does not match).")


def _one(
    request: HttpRequest, body: dict[str, Any], query: Query, spec: Any, status: int = 200
) -> HttpResponse:
    version = body["meta"]["version"]
    headers = {"ETag": version}
    if status == 201:
        headers["Location"] = body["meta"]["location"]
    if request.method == "GET" and request.headers.get("If-None-Match") == version:
        return scim_response(None, 304, headers)
    return scim_response(project(body, query.attributes, query.excluded, *spec), status, headers)


# --- discovery ------------------------------------------------------------------------------------


def _schema_documents(request: HttpRequest) -> list[dict[str, Any]]:
    base = _base(request)
    units = {"department": selectors.unit_codes(user=request.user)}
    return [s.document(base, units if s.id == schemas.ENTERPRISE else None) for s in schemas.SCHEMAS.values()]


@endpoint("GET")
def service_provider_config(request: HttpRequest) -> HttpResponse:
    return scim_response(schemas.service_provider_config(_base(request)))


@endpoint("GET")
def resource_type_list(request: HttpRequest) -> HttpResponse:
    items = schemas.resource_types(_base(request))
    return _list(items, len(items), Query({}))


@endpoint("GET")
def resource_type_detail(request: HttpRequest, key: str) -> HttpResponse:
    for item in schemas.resource_types(_base(request)):
        if item["id"] == key:
            return scim_response(item)
    raise not_found(f"No resource type {key}")


@endpoint("GET")
def schema_list(request: HttpRequest) -> HttpResponse:
    items = _schema_documents(request)
    return _list(items, len(items), Query({}))


@endpoint("GET")
def schema_detail(request: HttpRequest, key: str) -> HttpResponse:
    for item in _schema_documents(request):
        if item["id"].lower() == key.lower():
            return scim_response(item)
    raise not_found(f"No schema {key}")


# --- Users ----------------------------------------------------------------------------------------


def _user_bodies(request: HttpRequest, accounts: list[Account], with_groups: bool) -> list[dict[str, Any]]:
    services.account_scim_ids_assign(
        accounts=[*accounts, *(a.manager for a in accounts if a.manager is not None)], actor=request.user
    )
    groups = selectors.groups_of(accounts=accounts) if with_groups else {}
    url = _urls(request)
    return [user_resource(a, url, groups.get(a.pk)) for a in accounts]


def _user_list(request: HttpRequest, query: Query) -> HttpResponse:
    qs = selectors.users(user=request.user)
    if query.filter:
        qs = qs.filter(user_condition(query.filter))
    total = qs.count()
    page = list(qs[query.start - 1 : query.start - 1 + query.count]) if query.count else []
    bodies = _user_bodies(request, page, query.wants("groups"))
    return _list([project(b, query.attributes, query.excluded, *USER_SPECS) for b in bodies], total, query)


def _user(request: HttpRequest, account: Account) -> dict[str, Any]:
    return _user_bodies(request, [account], True)[0]


@endpoint("GET", "POST", perm="access.view_account")
def users(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _user_list(request, _query_params(request))
    account = services.scim_user_create(body=_body(request), actor=request.user)
    fresh = selectors.user_get(user=request.user, scim_id=str(account.scim_id))
    return _one(request, _user(request, fresh), _query_params(request), USER_SPECS, status=201)


@endpoint("POST", perm="access.view_account")
def users_search(request: HttpRequest) -> HttpResponse:
    body = _body(request)
    if not isinstance(body, dict):
        raise invalid_syntax("The request body must be a SearchRequest object.")
    return _user_list(request, Query(body))


@endpoint("GET", "PUT", "PATCH", "DELETE", perm="access.view_account")
def user_detail(request: HttpRequest, key: str) -> HttpResponse:
    account = selectors.user_get(user=request.user, scim_id=key)
    query = _query_params(request)
    if request.method == "GET":
        return _one(request, _user(request, account), query, USER_SPECS)
    _precondition(request, _user(request, account))
    if request.method == "DELETE":
        services.scim_user_delete(account=account, actor=request.user)
        return scim_response(None, 204)
    if request.method == "PUT":
        services.scim_user_replace(account=account, body=_body(request), actor=request.user)
    else:
        services.scim_user_patch(account=account, body=_body(request), url=_urls(request), actor=request.user)
    fresh = selectors.user_get(user=request.user, scim_id=key)
    return _one(request, _user(request, fresh), query, USER_SPECS)


# --- Groups ---------------------------------------------------------------------------------------


def _group_bodies(request: HttpRequest, profiles: list[Profile], with_members: bool) -> list[dict[str, Any]]:
    members = selectors.members_of(profiles=profiles) if with_members else {}
    services.account_scim_ids_assign(
        accounts=[a for group in members.values() for a in group], actor=request.user
    )
    url = _urls(request)
    return [group_resource(p, url, members.get(p.pk, []) if with_members else None) for p in profiles]


def _group_list(request: HttpRequest, query: Query) -> HttpResponse:
    qs = selectors.groups(user=request.user)
    if query.filter:
        qs = qs.filter(group_condition(query.filter))
    total = qs.count()
    page = list(qs[query.start - 1 : query.start - 1 + query.count]) if query.count else []
    bodies = _group_bodies(request, page, query.wants("members"))
    return _list([project(b, query.attributes, query.excluded, *GROUP_SPECS) for b in bodies], total, query)


NO_GROUP_WRITES = (
    "Groups are Tugi's profiles: they are created, changed and retired in Tugi (owner, approved "
    "versions). Through SCIM only their members change."
)


@endpoint("GET", "POST", perm="access.view_profile")
def groups(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        raise ScimError(501, NO_GROUP_WRITES)
    return _group_list(request, _query_params(request))


@endpoint("POST", perm="access.view_profile")
def groups_search(request: HttpRequest) -> HttpResponse:
    body = _body(request)
    if not isinstance(body, dict):
        raise invalid_syntax("The request body must be a SearchRequest object.")
    return _group_list(request, Query(body))


@endpoint("GET", "PUT", "PATCH", "DELETE", perm="access.view_profile")
def group_detail(request: HttpRequest, key: str) -> HttpResponse:
    profile = selectors.group_get(user=request.user, group_id=key)
    query = _query_params(request)

    def body() -> dict[str, Any]:
        fresh = selectors.group_get(user=request.user, group_id=key)
        return _group_bodies(request, [fresh], True)[0]

    if request.method == "GET":
        return _one(request, body(), query, GROUP_SPECS)
    if request.method == "DELETE":
        raise ScimError(501, NO_GROUP_WRITES)
    _precondition(request, body())
    if request.method == "PUT":
        services.scim_group_replace(profile=profile, body=_body(request), actor=request.user)
    else:
        services.scim_group_patch(
            profile=profile, body=_body(request), url=_urls(request), actor=request.user
        )
    return _one(request, body(), query, GROUP_SPECS)


# --- the rest -------------------------------------------------------------------------------------


@endpoint("POST")
def root_search(request: HttpRequest) -> HttpResponse:
    raise ScimError(
        501, "Searching every resource type at once is not supported; use /Users/.search or /Groups/.search."
    )


@endpoint("GET", "POST", "PUT", "PATCH", "DELETE")
def not_implemented(request: HttpRequest, *args: Any) -> HttpResponse:
    raise ScimError(501, "Not supported by Tugi (no /Me and no /Bulk).")


@endpoint("GET", "POST", "PUT", "PATCH", "DELETE")
def unknown(request: HttpRequest, *args: Any) -> HttpResponse:
    raise not_found(f"There is nothing at {request.path}.")
