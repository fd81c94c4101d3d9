"""SCIM filters (RFC 7644 §3.4.2.2) as query conditions on accounts and profiles.

The filter text is parsed by scim2-models; each attribute a client may filter on maps to a field.
Operators: eq, ne, co, sw, ew, gt, ge, lt, le, pr, combined with and, or, not, and value filters
such as ``emails[value co "x"]`` or ``members[value eq "…"]``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone
from scim2_models import SCIMException, ScimFilter
from scim2_models.path import (
    AttrPath,
    CompareOperator,
    Comparison,
    FilterNode,
    LogicalExpr,
    LogicalOperator,
    Not,
    Present,
    ValuePath,
)

from ..models import Assignment, AssignmentStatus, EmploymentStatus
from .errors import invalid_filter
from .schemas import ENTERPRISE

CORE_PREFIX = "urn:ietf:params:scim:schemas:core:2.0:"

_TEXT_LOOKUPS = {
    CompareOperator.eq: "exact",
    CompareOperator.co: "contains",
    CompareOperator.sw: "startswith",
    CompareOperator.ew: "endswith",
    CompareOperator.gt: "gt",
    CompareOperator.ge: "gte",
    CompareOperator.lt: "lt",
    CompareOperator.le: "lte",
}


@dataclass(frozen=True)
class Field:
    """How one SCIM attribute is filtered: a model field of a kind, or a custom condition."""

    field: str = ""
    kind: str = "text"  # text, bool-status, uuid, int, datetime, members
    case_exact: bool = False
    build: Callable[[CompareOperator, Any], Q] | None = None


def _active(op: CompareOperator, value: Any) -> Q:
    if op not in (CompareOperator.eq, CompareOperator.ne) or not isinstance(value, bool):
        raise invalid_filter("active can only be compared with eq or ne to true or false")
    employed = Q(status=EmploymentStatus.ACTIVE)
    return employed if (value is True) == (op == CompareOperator.eq) else ~employed


def _holders(scim_id: uuid.UUID | None = None) -> Any:
    """Profiles with a current assignment (of the account with ``scim_id``, when given)."""
    qs = Assignment.objects.filter(status=AssignmentStatus.ACTIVE).as_of(timezone.localdate())
    if scim_id is not None:
        qs = qs.filter(account__scim_id=scim_id)
    return qs.values("profile_id")


def _members(op: CompareOperator, value: Any) -> Q:
    if op not in (CompareOperator.eq, CompareOperator.ne) or not isinstance(value, str):
        raise invalid_filter("members.value can only be compared with eq or ne to a User id")
    try:
        scim_id = uuid.UUID(value)
    except ValueError:
        return Q(pk__in=[]) if op == CompareOperator.eq else Q()
    found = Q(pk__in=_holders(scim_id))
    return found if op == CompareOperator.eq else ~found


USER_FIELDS: dict[str, Field] = {
    "id": Field("scim_id", "uuid"),
    "externalid": Field("employee_id", case_exact=True),
    "username": Field("username"),
    "displayname": Field("scim_display"),
    "name.givenname": Field("first_name"),
    "name.familyname": Field("last_name"),
    "name.formatted": Field("scim_display"),
    "title": Field("position"),
    "emails": Field("email"),
    "emails.value": Field("email"),
    "active": Field(build=_active),
    "department": Field("org_unit__code"),
    "manager": Field("manager__scim_id", "uuid"),
    "manager.value": Field("manager__scim_id", "uuid"),
    "meta.created": Field("created_at", "datetime"),
    "meta.lastmodified": Field("updated_at", "datetime"),
}

GROUP_FIELDS: dict[str, Field] = {
    "id": Field("pk", "int"),
    "displayname": Field("scim_display"),
    "members": Field(build=_members),
    "members.value": Field(build=_members),
    "meta.created": Field("created_at", "datetime"),
    "meta.lastmodified": Field("updated_at", "datetime"),
}


def _name(path: AttrPath) -> str:
    """The key of an attribute path in the field tables (the core and the enterprise schema's
    attributes by their own names; any other schema's stay qualified, and unknown)."""
    uri = (path.uri or "").lower()
    if uri and uri != ENTERPRISE.lower() and not uri.startswith(CORE_PREFIX):
        return f"{path.uri}:{path.attr}".lower()
    name = path.attr.lower()
    return f"{name}.{path.sub_attr.lower()}" if path.sub_attr else name


def _typed(field: Field, value: Any, name: str) -> Any:
    if field.kind == "uuid":
        if not isinstance(value, str):
            raise invalid_filter(f"{name} is compared with a string")
        try:
            return uuid.UUID(value)
        except ValueError:
            return None
    if field.kind == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.isascii() and value.isdigit():
            return int(value)
        return None
    if field.kind == "datetime":
        if not isinstance(value, str):
            raise invalid_filter(f"{name} is compared with a date and time")
        try:
            moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise invalid_filter(f"{name}: {value!r} is not a date and time") from None
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
    if not isinstance(value, str):
        raise invalid_filter(f"{name} is compared with a string")
    return value


class _ToQ:
    def __init__(self, fields: dict[str, Field]):
        self.fields = fields

    def field(self, name: str) -> Field:
        field = self.fields.get(name)
        if field is None:
            names = ", ".join(
                sorted(k for k in self.fields if "." not in k or k.startswith(("name", "emails")))
            )
            raise invalid_filter(
                f"The filter names {name!r}, which cannot be filtered on; use one of: {names}"
            )
        return field

    def visit(self, node: FilterNode, prefix: str | None = None) -> Q:
        if isinstance(node, LogicalExpr):
            result = self.visit(node.terms[0], prefix)
            for term in node.terms[1:]:
                q = self.visit(term, prefix)
                result = result & q if node.op == LogicalOperator.and_ else result | q
            return result
        if isinstance(node, Not):
            return ~self.visit(node.expr, prefix)
        if isinstance(node, ValuePath):
            return self.visit(node.val_filter, _name(node.attr_path))
        if isinstance(node, Present):
            return self.present(self._path_name(node.attr_path, prefix))
        if isinstance(node, Comparison):
            return self.compare(self._path_name(node.attr_path, prefix), node.op, node.value)
        raise invalid_filter(f"Unsupported filter: {node}")

    @staticmethod
    def _path_name(path: AttrPath, prefix: str | None) -> str:
        if prefix is None:
            return _name(path)
        if prefix == "emails" and path.attr.lower() == "type":
            return "emails.type"
        return f"{prefix}.{path.attr.lower()}"

    def present(self, name: str) -> Q:
        field = self.field(name)
        if name in ("members", "members.value"):
            return Q(pk__in=_holders())
        if field.build is not None or field.kind in ("int", "datetime"):
            return Q()
        if field.kind == "uuid":
            return Q(**{f"{field.field}__isnull": False})
        return Q(**{f"{field.field}__isnull": False}) & ~Q(**{field.field: ""})

    def compare(self, name: str, op: CompareOperator, value: Any) -> Q:
        if name == "emails.type":  # Tugi keeps one work address
            matches = isinstance(value, str) and value.lower() == "work"
            if op in (CompareOperator.eq, CompareOperator.ne):
                return Q() if matches == (op == CompareOperator.eq) else Q(pk__in=[])
            raise invalid_filter("emails.type can only be compared with eq or ne")
        field = self.field(name)
        if field.build is not None:
            return field.build(op, value)
        if value is None:  # "eq null" means not present
            if op == CompareOperator.eq:
                return ~self.present(name)
            if op == CompareOperator.ne:
                return self.present(name)
        typed = _typed(field, value, name)
        if field.kind in ("uuid", "int"):
            if op not in (CompareOperator.eq, CompareOperator.ne):
                raise invalid_filter(f"{name} can only be compared with eq or ne")
            found = Q(**{field.field: typed}) if typed is not None else Q(pk__in=[])
            return found if op == CompareOperator.eq else ~found
        if field.kind == "datetime" and op in (CompareOperator.co, CompareOperator.sw, CompareOperator.ew):
            raise invalid_filter(f"{name} cannot be compared with {op.value}")
        if op == CompareOperator.ne:
            return ~self.compare(name, CompareOperator.eq, value)
        lookup = _TEXT_LOOKUPS[op]
        if (
            field.kind == "text"
            and not field.case_exact
            and lookup in ("exact", "contains", "startswith", "endswith")
        ):
            lookup = f"i{lookup}"
        return Q(**{f"{field.field}__{lookup}": typed})


def parse(text: str) -> FilterNode:
    try:
        return ScimFilter(text).ast
    except (SCIMException, ValueError) as exc:
        raise invalid_filter(f"The filter cannot be read: {exc}") from None


def user_condition(text: str) -> Q:
    return _ToQ(USER_FIELDS).visit(parse(text))


def group_condition(text: str) -> Q:
    return _ToQ(GROUP_FIELDS).visit(parse(text))
