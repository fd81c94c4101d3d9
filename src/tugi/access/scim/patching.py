"""PATCH operations (RFC 7644 §3.5.2) applied to a resource's SCIM representation.

The result is read back like a PUT body, so a PATCH and a PUT that say the same thing do the same.
Read-only attributes are left alone (as RFC 7644 §3.5.1 has a PUT ignore them); required ones
cannot be removed; unknown attributes are refused.
"""

from __future__ import annotations

import copy
from typing import Any

from scim2_models import Path, SCIMException
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

from .errors import invalid_path, invalid_syntax, invalid_value, mutability, no_target
from .schemas import Attr, SchemaSpec

READ_ONLY_COMMON = {"id", "meta", "schemas"}


def _key(container: dict[str, Any], name: str) -> str | None:
    return next((k for k in container if k.lower() == name.lower()), None)


def _get(container: Any, name: str) -> Any:
    if not isinstance(container, dict):
        return None
    key = _key(container, name)
    return container[key] if key is not None else None


def _norm(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def matches(item: Any, node: FilterNode) -> bool:
    """Does one value of a multi-valued attribute match a value filter (``type eq "work"``)?"""
    if isinstance(node, LogicalExpr):
        results = (matches(item, t) for t in node.terms)
        return all(results) if node.op == LogicalOperator.and_ else any(results)
    if isinstance(node, Not):
        return not matches(item, node.expr)
    if isinstance(node, Present):
        value = _get(item, node.attr_path.attr)
        return value not in (None, "", [], {})
    if isinstance(node, Comparison):
        actual, wanted = _norm(_get(item, node.attr_path.attr)), _norm(node.value)
        op = node.op
        if op == CompareOperator.eq:
            return bool(actual == wanted)
        if op == CompareOperator.ne:
            return bool(actual != wanted)
        if not isinstance(actual, str) or not isinstance(wanted, str):
            return False
        if op == CompareOperator.co:
            return wanted in actual
        if op == CompareOperator.sw:
            return actual.startswith(wanted)
        if op == CompareOperator.ew:
            return actual.endswith(wanted)
        return {
            CompareOperator.gt: actual > wanted,
            CompareOperator.ge: actual >= wanted,
            CompareOperator.lt: actual < wanted,
            CompareOperator.le: actual <= wanted,
        }[op]
    raise invalid_path(f"Unsupported value filter: {node}")


def _equality_values(node: FilterNode) -> dict[str, Any] | None:
    """The sub-attribute values a filter made only of ``eq`` comparisons fixes (to create a value)."""
    if isinstance(node, Comparison) and node.op == CompareOperator.eq:
        return {node.attr_path.attr: node.value}
    if isinstance(node, LogicalExpr) and node.op == LogicalOperator.and_:
        values: dict[str, Any] = {}
        for term in node.terms:
            part = _equality_values(term)
            if part is None:
                return None
            values.update(part)
        return values
    return None


class Patcher:
    """Applies operations to a copy of a resource described by a core schema and its extensions."""

    def __init__(self, resource: dict[str, Any], spec: SchemaSpec, extensions: tuple[SchemaSpec, ...] = ()):
        self.resource = copy.deepcopy(resource)
        self.spec = spec
        self.extensions = extensions

    # --- resolving a path ---------------------------------------------------------------------

    def _schema(self, uri: str | None) -> SchemaSpec:
        if uri is None or uri.lower() == self.spec.id.lower():
            return self.spec
        for extension in self.extensions:
            if extension.id.lower() == uri.lower():
                return extension
        raise invalid_path(f"{uri} is not a schema of this resource")

    def _container(self, schema: SchemaSpec, create: bool) -> dict[str, Any] | None:
        if schema is self.spec:
            return self.resource
        key = _key(self.resource, schema.id)
        if key is None:
            if not create:
                return None
            self.resource[schema.id] = {}
            key = schema.id
        return self.resource[key]

    def _resolve(self, text: str) -> tuple[SchemaSpec, Attr | None, str | None, FilterNode | None]:
        """(schema, attribute, sub-attribute, value filter) of a PATCH path; attribute None = the
        whole extension."""
        for extension in self.extensions:
            if text.strip().lower() == extension.id.lower():
                return extension, None, None, None
        try:
            node = Path(text).ast
        except (SCIMException, ValueError) as exc:
            raise invalid_path(f"The path {text!r} cannot be read: {exc}") from None
        value_filter: FilterNode | None = None
        if isinstance(node, ValuePath):
            attr_path, value_filter, sub = node.attr_path, node.val_filter, node.sub_attr
            if attr_path.sub_attr:
                raise invalid_path(f"The path {text!r} cannot be read")
        elif isinstance(node, AttrPath):
            attr_path, sub = node, node.sub_attr
        else:
            raise invalid_path(f"The path {text!r} is a filter, not an attribute path")
        schema = self._schema(attr_path.uri)
        if attr_path.attr.lower() in READ_ONLY_COMMON:
            raise mutability(f"{attr_path.attr} is read-only")
        attr = schema.attr(attr_path.attr)
        if attr is None:
            raise invalid_path(f"{text!r}: {attr_path.attr} is not an attribute of {schema.name}")
        if sub is not None and attr.child(sub) is None:
            raise invalid_path(f"{text!r}: {sub} is not a sub-attribute of {attr.name}")
        if value_filter is not None and not attr.multi:
            raise invalid_path(f"{text!r}: a value filter needs a multi-valued attribute")
        return schema, attr, sub, value_filter

    # --- operations -----------------------------------------------------------------------------

    def apply(self, operations: Any) -> dict[str, Any]:
        if not isinstance(operations, list) or not operations:
            raise invalid_syntax("A PatchOp needs a non-empty list of Operations.")
        for operation in operations:
            if not isinstance(operation, dict):
                raise invalid_syntax("Each operation must be an object with op, path and value.")
            op = str(_get(operation, "op") or "").lower()
            if op not in ("add", "replace", "remove"):
                raise invalid_syntax(f"op must be add, replace or remove, not {_get(operation, 'op')!r}")
            path = _get(operation, "path")
            value = _get(operation, "value")
            if path is not None and not isinstance(path, str):
                raise invalid_path("path must be a string")
            if not path:
                if op == "remove":
                    raise no_target("A remove operation needs a path.")
                if not isinstance(value, dict):
                    raise invalid_value(f"An {op} operation without a path needs an object as its value.")
                self._without_path(op, value)
            else:
                self._one(op, path, value, "value" in {k.lower() for k in operation})
        return self.resource

    def _without_path(self, op: str, value: dict[str, Any]) -> None:
        for key, item in value.items():
            if key.lower() in READ_ONLY_COMMON:
                continue
            extension = next((e for e in self.extensions if e.id.lower() == key.lower()), None)
            if extension is not None and isinstance(item, dict):
                for sub_key, sub_value in item.items():
                    if sub_key.lower() not in READ_ONLY_COMMON:
                        self._one(op, f"{extension.id}:{sub_key}", sub_value, True)
            else:
                self._one(op, key, item, True)

    def _one(self, op: str, path: str, value: Any, has_value: bool) -> None:
        schema, attr, sub, value_filter = self._resolve(path)
        if attr is None:  # the whole extension
            if op == "remove":
                raise mutability(f"{schema.id} cannot be removed: it holds required attributes")
            if not isinstance(value, dict):
                raise invalid_value(f"The value for {schema.id} must be an object")
            for key, item in value.items():
                if key.lower() not in READ_ONLY_COMMON:
                    self._one(op, f"{schema.id}:{key}", item, True)
            return
        if attr.read_only:
            return  # ignored, as in a PUT
        if op != "remove" and not has_value:
            raise invalid_value(f"An {op} operation on {attr.name} needs a value")
        container = self._container(schema, create=op != "remove")
        if container is None:
            return
        if attr.multi:
            self._multi(op, container, attr, sub, value_filter, value)
        else:
            self._single(op, container, attr, sub, value)

    def _single(self, op: str, container: dict[str, Any], attr: Attr, sub: str | None, value: Any) -> None:
        key = _key(container, attr.name) or attr.name
        if op == "remove":
            if sub is not None:
                child = attr.child(sub)
                if child is not None and child.required:
                    raise mutability(f"{attr.name}.{sub} is required and cannot be removed")
                inner = container.get(key)
                if isinstance(inner, dict):
                    inner_key = _key(inner, sub)
                    if inner_key is not None:
                        del inner[inner_key]
                    if not inner:
                        container.pop(key, None)
                return
            if attr.required:
                raise mutability(f"{attr.name} is required and cannot be removed")
            container.pop(key, None)
            return
        if sub is not None:
            inner = container.get(key)
            if not isinstance(inner, dict):
                inner = {}
            inner[_key(inner, sub) or sub] = value
            container[key] = inner
        elif attr.sub and isinstance(value, dict):
            existing = container.get(key)
            merged = dict(existing) if isinstance(existing, dict) else {}  # add and replace keep the rest
            for name, item in value.items():
                merged[_key(merged, name) or name] = item
            container[key] = merged
        else:
            container[key] = value

    def _multi(
        self,
        op: str,
        container: dict[str, Any],
        attr: Attr,
        sub: str | None,
        value_filter: FilterNode | None,
        value: Any,
    ) -> None:
        key = _key(container, attr.name) or attr.name
        current = container.get(key) or []
        if not isinstance(current, list):
            current = [current]
        if op == "remove":
            if value_filter is not None:
                kept = []
                for item in current:
                    if matches(item, value_filter):
                        if sub is not None and isinstance(item, dict):
                            item = {k: v for k, v in item.items() if k.lower() != sub.lower()}
                            kept.append(item)
                        continue
                    kept.append(item)
                current = kept
            elif value is not None:  # a list of values to take out (as Azure AD sends members)
                gone = [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, dict)]
                gone_ids = {_norm(_get(v, "value")) for v in gone}
                current = [item for item in current if _norm(_get(item, "value")) not in gone_ids]
            elif sub is not None:
                current = [{k: v for k, v in i.items() if k.lower() != sub.lower()} for i in current]
            else:
                current = []
            if current:
                container[key] = current
            else:
                container.pop(key, None)
            return
        if value_filter is not None:
            hits = [item for item in current if isinstance(item, dict) and matches(item, value_filter)]
            if not hits:
                fixed = _equality_values(value_filter)
                if fixed is None:
                    raise no_target(f"No value of {attr.name} matches {value_filter}")
                item = dict(fixed)
                current.append(item)
                hits = [item]
            for item in hits:
                if sub is not None:
                    item[_key(item, sub) or sub] = value
                elif isinstance(value, dict):
                    item.update(value)
                else:
                    raise invalid_value(f"The value for {attr.name} must be an object")
            container[key] = current
            return
        if sub is not None:
            if not current:
                current = [{}]
            for item in current:
                item[_key(item, sub) or sub] = value
            container[key] = current
            return
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(v, dict) for v in values):
            raise invalid_value(f"The values of {attr.name} must be objects")
        if op == "replace":
            current = list(values)
        else:
            ids = {_norm(_get(item, "value")) for item in current}
            for item in values:
                if _norm(_get(item, "value")) not in ids or _get(item, "value") is None:
                    current.append(item)
        if current:
            container[key] = current
        else:
            container.pop(key, None)


def apply_patch(
    resource: dict[str, Any], body: Any, spec: SchemaSpec, extensions: tuple[SchemaSpec, ...] = ()
) -> dict[str, Any]:
    """The resource as the PatchOp ``body`` leaves it (a new dict; ScimError 400 if it cannot)."""
    if not isinstance(body, dict):
        raise invalid_syntax("The request body must be a JSON object (a PatchOp).")
    return Patcher(resource, spec, extensions).apply(_get(body, "Operations"))
