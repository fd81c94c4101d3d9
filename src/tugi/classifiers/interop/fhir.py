"""HL7 FHIR R4 resources for classifiers: CodeSystem, the Parameters of ``$lookup`` and
``$validate-code``, and OperationOutcome for errors."""

from __future__ import annotations

import re
from typing import Any

from ..models import Classifier, ClassifierStatus, ClassifierVersion, Item
from ..selectors_interop import Validation, version_items

CONTENT_TYPE = "application/fhir+json; charset=utf-8"
PUBLISHER = "Sotsiaalkindlustusamet"
ATTRIBUTE_TYPES = {
    "string": "string",
    "integer": "integer",
    "decimal": "decimal",
    "date": "dateTime",
    "boolean": "boolean",
}
VALUE_KEYS = {
    "code": "valueCode",
    "string": "valueString",
    "integer": "valueInteger",
    "decimal": "valueDecimal",
    "dateTime": "valueDateTime",
    "boolean": "valueBoolean",
}
STANDARD_PROPERTIES = [
    {
        "code": "status",
        "uri": "http://hl7.org/fhir/concept-properties#status",
        "description": "active or retired",
        "type": "code",
    },
    {
        "code": "parent",
        "uri": "http://hl7.org/fhir/concept-properties#parent",
        "description": "The code of the parent concept",
        "type": "code",
    },
    {"code": "validFrom", "description": "The first day the code is valid", "type": "dateTime"},
    {"code": "validTo", "description": "The last day the code is valid", "type": "dateTime"},
]


def computable_name(classifier: Classifier) -> str:
    """FHIR's machine name: letters and digits, starting with a capital letter."""
    words = [w for w in re.split(r"[^A-Za-z0-9]+", classifier.code) if w]
    name = "".join(w[:1].upper() + w[1:] for w in words) or "CodeSystem"
    return name if name[0].isalpha() else "C" + name


def code_system_status(classifier: Classifier) -> str:
    return {ClassifierStatus.ACTIVE: "active", ClassifierStatus.RETIRED: "retired"}.get(
        ClassifierStatus(classifier.status), "draft"
    )


def _property_defs(classifier: Classifier) -> list[dict[str, Any]]:
    extra = [
        {
            "code": d["name"],
            "description": str(d.get("label") or d["name"]),
            "type": ATTRIBUTE_TYPES.get(d.get("type", "string"), "string"),
        }
        for d in classifier.attribute_schema or []
        if isinstance(d, dict) and d.get("name")
    ]
    return STANDARD_PROPERTIES + extra


def _value(kind: str, value: Any) -> dict[str, Any]:
    if kind == "decimal":
        return {"valueDecimal": float(value)}
    if kind == "integer":
        return {"valueInteger": int(value)}
    if kind == "boolean":
        return {"valueBoolean": bool(value)}
    return {VALUE_KEYS[kind]: str(value)}


def item_properties(item: Item, types: dict[str, str]) -> list[dict[str, Any]]:
    props: list[dict[str, Any]] = [{"code": "status", "valueCode": item.status}]
    if item.parent_code:
        props.append({"code": "parent", "valueCode": item.parent_code})
    if item.valid_from:
        props.append({"code": "validFrom", "valueDateTime": item.valid_from.isoformat()})
    if item.valid_to:
        props.append({"code": "validTo", "valueDateTime": item.valid_to.isoformat()})
    for name, value in sorted((item.attributes or {}).items()):
        if value is None or name not in types:
            continue
        try:
            props.append({"code": name, **_value(types[name], value)})
        except (TypeError, ValueError):
            props.append({"code": name, "valueString": str(value)})
    return props


def _types(classifier: Classifier) -> dict[str, str]:
    return {p["code"]: p["type"] for p in _property_defs(classifier)}


def _designations(item: Item) -> list[dict[str, Any]]:
    return [{"language": "en", "value": item.name_en}] if item.name_en else []


def concept(item: Item, types: dict[str, str]) -> dict[str, Any]:
    result: dict[str, Any] = {"code": item.code, "display": item.name_et}
    if item.description:
        result["definition"] = item.description
    designations = _designations(item)
    if designations:
        result["designation"] = designations
    result["property"] = item_properties(item, types)
    return result


def code_system(classifier: Classifier, version: ClassifierVersion, url: str) -> dict[str, Any]:
    types = _types(classifier)
    items = list(version_items(version))
    resource: dict[str, Any] = {
        "resourceType": "CodeSystem",
        "id": classifier.code,
        "url": url,
        "version": str(version.number),
        "name": computable_name(classifier),
        "title": classifier.name_et,
        "status": code_system_status(classifier),
        "experimental": False,
        "publisher": PUBLISHER,
        "caseSensitive": True,
        "hierarchyMeaning": "is-a",
        "versionNeeded": False,
        "content": "complete",
        "count": len(items),
        "property": _property_defs(classifier),
        "concept": [concept(item, types) for item in items],
    }
    if version.published_at:
        resource["date"] = version.published_at.isoformat()
    if classifier.description:
        resource["description"] = classifier.description
    if classifier.name_en:
        resource["_title"] = {
            "extension": [
                {
                    "url": "http://hl7.org/fhir/StructureDefinition/translation",
                    "extension": [
                        {"url": "lang", "valueCode": "en"},
                        {"url": "content", "valueString": classifier.name_en},
                    ],
                }
            ]
        }
    return resource


def lookup_parameters(
    classifier: Classifier, version: ClassifierVersion, item: Item, children: list[str]
) -> dict[str, Any]:
    types = _types(classifier)
    parameters: list[dict[str, Any]] = [
        {"name": "name", "valueString": computable_name(classifier)},
        {"name": "version", "valueString": str(version.number)},
        {"name": "display", "valueString": item.name_et},
    ]
    if item.description:
        parameters.append({"name": "definition", "valueString": item.description})
    for designation in _designations(item):
        parameters.append(
            {
                "name": "designation",
                "part": [
                    {"name": "language", "valueCode": designation["language"]},
                    {"name": "value", "valueString": designation["value"]},
                ],
            }
        )
    properties = item_properties(item, types) + [{"code": "child", "valueCode": c} for c in children]
    for prop in properties:
        value_key = next(k for k in prop if k.startswith("value"))
        parameters.append(
            {
                "name": "property",
                "part": [
                    {"name": "code", "valueCode": prop["code"]},
                    {"name": "value", value_key: prop[value_key]},
                ],
            }
        )
    return {"resourceType": "Parameters", "parameter": parameters}


def validate_parameters(result: Validation) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [{"name": "result", "valueBoolean": result.valid}]
    if result.display:
        parameters.append({"name": "display", "valueString": result.display})
    if result.message:
        parameters.append({"name": "message", "valueString": result.message})
    if result.version is not None:
        parameters.append({"name": "version", "valueString": str(result.version)})
    return {"resourceType": "Parameters", "parameter": parameters}


def operation_outcome(code: str, diagnostics: str, expression: str = "") -> dict[str, Any]:
    issue: dict[str, Any] = {"severity": "error", "code": code, "diagnostics": diagnostics}
    if expression:
        issue["expression"] = [expression]
    return {"resourceType": "OperationOutcome", "issue": [issue]}
