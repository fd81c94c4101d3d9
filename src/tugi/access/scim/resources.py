"""Accounts and profiles as SCIM resources, and SCIM resources read back into account values."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import validate_email

from ..models import Account, EmploymentStatus, Profile
from .errors import ScimError, invalid_syntax, invalid_value
from .schemas import CORE_GROUP, CORE_USER, ENTERPRISE, ENTERPRISE_USER, GROUP, USER, SchemaSpec

Url = Callable[[str, str], str]  # (resource type, id) -> absolute URI


def version_of(body: dict[str, Any]) -> str:
    """A weak ETag of a resource: the digest of what it says (meta aside)."""
    content = {k: v for k, v in body.items() if k != "meta"}
    digest = hashlib.sha256(json.dumps(content, sort_keys=True, cls=DjangoJSONEncoder).encode()).hexdigest()
    return f'W/"{digest[:20]}"'


def _meta(body: dict[str, Any], kind: str, location: str, created: Any, modified: Any) -> dict[str, Any]:
    body["meta"] = {
        "resourceType": kind,
        "created": created.isoformat(),
        "lastModified": modified.isoformat(),
        "location": location,
        "version": version_of(body),
    }
    return body


def display_name(account: Account) -> str:
    return f"{account.first_name} {account.last_name}".strip()


def group_display(profile: Profile) -> str:
    return f"{profile.system.code}:{profile.code}"


def user_resource(account: Account, url: Url, groups: list[Profile] | None = None) -> dict[str, Any]:
    """An account as a SCIM User with the enterprise extension (its scim_id must be set)."""
    body: dict[str, Any] = {"schemas": [CORE_USER, ENTERPRISE], "id": str(account.scim_id)}
    if account.employee_id:
        body["externalId"] = account.employee_id
    body["userName"] = account.username
    body["name"] = {"givenName": account.first_name, "familyName": account.last_name}
    body["displayName"] = display_name(account)
    if account.position:
        body["title"] = account.position
    if account.email:
        body["emails"] = [{"value": account.email, "type": "work"}]
    body["active"] = account.status == EmploymentStatus.ACTIVE
    if groups:
        body["groups"] = [
            {"value": str(p.pk), "$ref": url("Group", str(p.pk)), "display": group_display(p)} for p in groups
        ]
    extension: dict[str, Any] = {"department": account.org_unit.code}
    manager = account.manager
    if manager is not None and manager.scim_id is not None:
        extension["manager"] = {"value": str(manager.scim_id), "$ref": url("User", str(manager.scim_id))}
    body[ENTERPRISE] = extension
    return _meta(body, "User", url("User", str(account.scim_id)), account.created_at, account.updated_at)


def group_resource(profile: Profile, url: Url, members: list[Account] | None) -> dict[str, Any]:
    """An active profile as a SCIM Group; ``members`` None leaves them out (not asked for)."""
    body: dict[str, Any] = {
        "schemas": [CORE_GROUP],
        "id": str(profile.pk),
        "displayName": group_display(profile),
    }
    if members:
        body["members"] = [
            {
                "value": str(a.scim_id),
                "$ref": url("User", str(a.scim_id)),
                "type": "User",
                "display": display_name(a),
            }
            for a in members
        ]
    changed = getattr(profile, "members_updated", None)
    modified = max(profile.updated_at, changed) if changed else profile.updated_at
    return _meta(body, "Group", url("Group", str(profile.pk)), profile.created_at, modified)


# --- attributes / excludedAttributes (RFC 7644 §3.9) ---------------------------------------------

ALWAYS = {"id", "schemas"}


def _split(path: str, spec: SchemaSpec, extensions: tuple[SchemaSpec, ...]) -> tuple[str, str, str | None]:
    """(container, attribute, sub-attribute) of an attribute path; container '' is the core schema."""
    text = path.strip()
    for schema in (spec, *extensions):
        if text.lower() == schema.id.lower():
            return (schema.id if schema is not spec else "", "", None)
        if text.lower().startswith(schema.id.lower() + ":"):
            rest = text[len(schema.id) + 1 :]
            attr, _dot, sub = rest.partition(".")
            return (schema.id if schema is not spec else "", attr, sub or None)
    attr, _dot, sub = text.partition(".")
    if spec.attr(attr) is None and attr.lower() not in ALWAYS | {"meta"}:
        for extension in extensions:
            if extension.attr(attr) is not None:
                return (extension.id, attr, sub or None)
    return ("", attr, sub or None)


def _find(container: dict[str, Any], name: str) -> str | None:
    return next((k for k in container if k.lower() == name.lower()), None)


def project(
    body: dict[str, Any],
    attributes: list[str],
    excluded: list[str],
    spec: SchemaSpec,
    extensions: tuple[SchemaSpec, ...] = (),
) -> dict[str, Any]:
    """Keep only the requested attributes, or drop the excluded ones (id and schemas stay)."""
    if attributes:
        result: dict[str, Any] = {k: v for k, v in body.items() if k in ALWAYS}
        for path in attributes:
            container, attr, sub = _split(path, spec, extensions)
            source = body.get(container, {}) if container else body
            if container and not attr:
                if container in body:
                    result[container] = body[container]
                continue
            key = _find(source, attr) if isinstance(source, dict) else None
            if key is None:
                continue
            target = result.setdefault(container, {}) if container else result
            value = source[key]
            if sub and isinstance(value, dict):
                inner = _find(value, sub)
                if inner is not None:
                    target.setdefault(key, {})[inner] = value[inner]
            elif sub and isinstance(value, list):
                picked = [{k: v for k, v in item.items() if k.lower() == sub.lower()} for item in value]
                target[key] = [p for p in picked if p]
            else:
                target[key] = value
    else:
        result = json.loads(json.dumps(body))
        for path in excluded:
            container, attr, sub = _split(path, spec, extensions)
            source = result.get(container) if container else result
            if not isinstance(source, dict):
                continue
            if container and not attr:
                result.pop(container, None)
                continue
            key = _find(source, attr)
            if key is None or (not container and key in ALWAYS):
                continue
            if sub and isinstance(source[key], dict):
                inner = _find(source[key], sub)
                if inner is not None:
                    del source[key][inner]
            elif sub and isinstance(source[key], list):
                for item in source[key]:
                    for k in [k for k in item if k.lower() == sub.lower()]:
                        del item[k]
            else:
                del source[key]
            if container and not source:
                result.pop(container, None)
    result["schemas"] = [s for s in body["schemas"] if s == body["schemas"][0] or s in result]
    return result


# --- reading a User back ----------------------------------------------------------------------------


@dataclass(frozen=True)
class UserValues:
    """What a SCIM User says about an account, checked (the unit and manager still by code / id)."""

    username: str
    first_name: str
    last_name: str
    email: str
    employee_id: str
    position: str
    department: str
    manager: str | None  # the manager's SCIM id
    active: bool


def _text(errors: dict[str, str], attr: str, value: Any, limit: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[attr] = "must be a string"
        return ""
    value = value.strip()
    if required and not value:
        errors[attr] = "is required"
    elif len(value) > limit:
        errors[attr] = f"can have at most {limit} characters"
    return value


def _boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def _get(container: Any, name: str) -> Any:
    if not isinstance(container, dict):
        return None
    key = _find(container, name)
    return container[key] if key is not None else None


def _id_of(item: dict[str, Any]) -> str | None:
    """The id a member or manager reference names: its value, else the end of its $ref."""
    value = _get(item, "value")
    if isinstance(value, str) and value.strip():
        return value.strip()
    ref = _get(item, "$ref")
    if isinstance(ref, str) and ref.strip():
        return ref.rstrip("/").rsplit("/", 1)[-1]
    return None


def user_values(body: Any, *, default_active: bool | None = None) -> UserValues:
    """Check a User (as POSTed, PUT, or as a PATCH left it); ScimError 400 names each bad attribute.

    ``active`` left out means ``default_active`` (true on creation, unchanged on replacement)."""
    if not isinstance(body, dict):
        raise invalid_syntax("The request body must be a JSON object (a SCIM User).")
    errors: dict[str, str] = {}
    username = _text(errors, "userName", _get(body, "userName"), 150, required=True)
    name = _get(body, "name")
    if name is not None and not isinstance(name, dict):
        errors["name"] = "must be an object with givenName and familyName"
        name = {}
    first = _text(errors, "name.givenName", _get(name, "givenName"), 100, required=True)
    last = _text(errors, "name.familyName", _get(name, "familyName"), 100, required=True)
    email = ""
    emails = _get(body, "emails")
    if emails is not None:
        if not isinstance(emails, list) or not all(isinstance(e, dict) for e in emails):
            errors["emails"] = "must be a list of objects with a value"
        elif emails:
            chosen = next((e for e in emails if _boolean(_get(e, "primary"))), emails[-1])
            email = _text(errors, "emails.value", _get(chosen, "value"), 254)
            if email and "emails.value" not in errors:
                try:
                    validate_email(email)
                except ValidationError:
                    errors["emails.value"] = f"{email!r} is not an e-mail address"
    employee_id = _text(errors, "externalId", _get(body, "externalId"), 40)
    position = _text(errors, "title", _get(body, "title"), 200)
    active_value = _get(body, "active")
    active = default_active if active_value is None else _boolean(active_value)
    if active is None:
        errors["active"] = (
            "is required and must be true or false" if active_value is None else "must be true or false"
        )
    extension = _get(body, ENTERPRISE)
    if extension is not None and not isinstance(extension, dict):
        errors[ENTERPRISE] = "must be an object"
        extension = {}
    department = _text(errors, f"{ENTERPRISE}:department", _get(extension, "department"), 40, required=True)
    manager_value = _get(extension, "manager")
    manager = None
    if manager_value is not None:
        if isinstance(manager_value, str):
            manager = manager_value.strip() or None
        elif isinstance(manager_value, dict):
            manager = _id_of(manager_value)
        else:
            errors[f"{ENTERPRISE}:manager"] = "must be an object with the manager's id as value"
    if errors:
        raise invalid_value("; ".join(f"{attr} {message}" for attr, message in errors.items()))
    return UserValues(
        username=username,
        first_name=first,
        last_name=last,
        email=email,
        employee_id=employee_id,
        position=position,
        department=department,
        manager=manager,
        active=bool(active),
    )


def member_ids(body: Any) -> list[str]:
    """The User ids a Group's members name (a Group as PUT, or as a PATCH left it)."""
    members = _get(body, "members") if isinstance(body, dict) else None
    if members is None:
        return []
    if not isinstance(members, list) or not all(isinstance(m, dict) for m in members):
        raise invalid_value("members must be a list of objects, each with a User id as value")
    ids: list[str] = []
    for member in members:
        kind = _get(member, "type")
        if kind is not None and str(kind).lower() != "user":
            raise invalid_value("members: only Users can be members of a profile (type must be User)")
        member_id = _id_of(member)
        if member_id is None:
            raise invalid_value("members.value is required: the id of the User")
        if member_id not in ids:
            ids.append(member_id)
    return ids


# Model field -> SCIM attribute, to name attributes in errors a service raises.
ACCOUNT_ATTRIBUTES = {
    "username": "userName",
    "first_name": "name.givenName",
    "last_name": "name.familyName",
    "email": "emails.value",
    "employee_id": "externalId",
    "position": "title",
    "org_unit": f"{ENTERPRISE}:department",
    "manager": f"{ENTERPRISE}:manager",
    "account": "active",
    "profile": "members",
    "valid_to": "members",
    "justification": "members",
}


def scim_error_from(exc: ValidationError) -> ScimError:
    """A service's ValidationError as a SCIM 400 naming the attributes."""
    if hasattr(exc, "error_dict"):
        parts = [
            f"{ACCOUNT_ATTRIBUTES.get(name, name)}: {' '.join(messages)}"
            for name, messages in exc.message_dict.items()
        ]
    else:
        parts = list(exc.messages)
    return invalid_value("; ".join(parts))


USER_SPECS = (USER, (ENTERPRISE_USER,))
GROUP_SPECS = (GROUP, ())
