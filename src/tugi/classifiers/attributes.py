"""Extra attributes of items, defined per classifier and validated against that definition.

A definition is a list of ``{"name": "budget_account", "label": "Budget account",
"type": "string|integer|decimal|date|boolean", "required": false, "choices": [...]}``.
Values are stored as JSON: strings for string, decimal (exact) and date (ISO), numbers for
integers, booleans for booleans.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TYPES = ("string", "integer", "decimal", "date", "boolean")
NAME = re.compile(r"^[a-z][a-z0-9_]{0,59}$")


def check_schema(schema: Any) -> list[dict[str, Any]]:
    """The definition in its clean form, or a ValidationError naming ``attribute_schema``."""
    if not isinstance(schema, list):
        raise ValidationError({"attribute_schema": _("The definition must be a list of attributes.")})
    seen: set[str] = set()
    clean = []
    for index, raw in enumerate(schema, start=1):
        if not isinstance(raw, dict):
            raise ValidationError({"attribute_schema": _("Attribute %(n)d is not an object.") % {"n": index}})
        name = str(raw.get("name", ""))
        if not NAME.match(name):
            raise ValidationError(
                {
                    "attribute_schema": _(
                        "Attribute %(n)d: the name must be lower-case letters, digits and _."
                    )
                    % {"n": index}
                }
            )
        if name in seen:
            raise ValidationError(
                {"attribute_schema": _("Attribute %(name)s is defined twice.") % {"name": name}}
            )
        seen.add(name)
        kind = raw.get("type", "string")
        if kind not in TYPES:
            raise ValidationError(
                {
                    "attribute_schema": _("Attribute %(name)s: unknown type %(type)s.")
                    % {"name": name, "type": kind}
                }
            )
        choices = raw.get("choices") or []
        if not isinstance(choices, list):
            raise ValidationError(
                {"attribute_schema": _("Attribute %(name)s: choices must be a list.") % {"name": name}}
            )
        clean.append(
            {
                "name": name,
                "label": str(raw.get("label") or name),
                "type": kind,
                "required": bool(raw.get("required", False)),
                "choices": [str(c) for c in choices],
            }
        )
    return clean


def clean_value(definition: dict[str, Any], value: Any) -> Any:
    """One attribute value in its stored form; ValueError with a reason if it does not fit."""
    kind = definition["type"]
    if value is None or value == "":
        if definition["required"]:
            raise ValueError(_("a value is required"))
        return None
    if kind == "integer":
        if isinstance(value, bool):
            raise ValueError(_("must be a whole number"))
        try:
            result: Any = int(str(value).strip())
        except ValueError:
            raise ValueError(_("must be a whole number")) from None
    elif kind == "decimal":
        try:
            result = str(Decimal(str(value).strip()))
        except InvalidOperation:
            raise ValueError(_("must be a number with a decimal point")) from None
    elif kind == "date":
        try:
            result = dt.date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            raise ValueError(_("must be a date like 2025-04-01")) from None
    elif kind == "boolean":
        text = str(value).strip().lower()
        if isinstance(value, bool):
            result = value
        elif text in {"1", "true", "yes", "jah"}:
            result = True
        elif text in {"0", "false", "no", "ei"}:
            result = False
        else:
            raise ValueError(_("must be true or false"))
    else:
        result = str(value).strip()
    if definition["choices"] and str(result) not in definition["choices"]:
        raise ValueError(_("must be one of %(choices)s") % {"choices": ", ".join(definition["choices"])})
    return result


def clean_attributes(schema: list[dict[str, Any]], values: dict[str, Any]) -> dict[str, Any]:
    """Item attributes checked against the classifier's definition; errors name ``attributes.<name>``."""
    errors: dict[str, str] = {}
    unknown = sorted(set(values or {}) - {d["name"] for d in schema})
    for name in unknown:
        errors[f"attributes.{name}"] = _("This classifier defines no attribute %(name)s.") % {"name": name}
    result: dict[str, Any] = {}
    for definition in schema:
        try:
            value = clean_value(definition, (values or {}).get(definition["name"]))
        except ValueError as exc:
            errors[f"attributes.{definition['name']}"] = str(exc)
            continue
        if value is not None:
            result[definition["name"]] = value
    if errors:
        raise ValidationError(errors)
    return result
