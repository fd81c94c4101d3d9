"""The API for consuming systems: classifiers, items at a date, code validation and diffs.

Every response carries an ETag (the version's content hash plus the query); a request with a
matching ``If-None-Match`` gets 304 without a body, so systems can poll cheaply. Any signed-in
user or API token may read (a consuming system's token belongs to a user without roles).

No ``from __future__ import annotations``: django-ninja resolves the annotations at import."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from .. import selectors_interop as selectors
from ..models import Classifier

router = Router(tags=["classifiers"])


class ClassifierOut(Schema):
    code: str
    name_et: str
    name_en: str
    status: str
    owner_system: str | None
    latest_version: int | None
    valid_from: dt.date | None


class ItemOut(Schema):
    code: str
    name_et: str
    name_en: str
    description: str
    parent_code: str
    level: int
    order: int
    valid_from: dt.date | None
    valid_to: dt.date | None
    status: str
    attributes: dict[str, Any]


class ItemsOut(Schema):
    classifier: str
    version: int
    at: dt.date
    items: list[ItemOut]


class ValidateOut(Schema):
    valid: bool
    display: str
    message: str
    version: int | None


class DiffEntry(Schema):
    code: str
    name_et: str
    name_en: str = ""
    old_name_et: str = ""
    fields: dict[str, dict[str, Any]] = {}


class DiffOut(Schema):
    classifier: str
    from_version: int
    to_version: int
    added: list[DiffEntry]
    removed: list[DiffEntry]
    changed: list[DiffEntry]


def _classifier(code: str) -> Classifier:
    classifier = selectors.classifier_find(code)
    if classifier is None:
        raise HttpError(404, f"Unknown classifier {code}.")
    return classifier


def _day(value: str, name: str = "at") -> dt.date:
    if not value:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError({name: f"{name} must be a date like 2025-04-01, not {value!r}."}) from None


def _not_modified(request: HttpRequest, etag: str) -> HttpResponse | None:
    wanted = [t.strip() for t in request.headers.get("If-None-Match", "").split(",") if t.strip()]
    if etag in wanted or "*" in wanted:
        response = HttpResponse(status=304)
        response["ETag"] = etag
        return response
    return None


@router.get("/", response=list[ClassifierOut], summary="Classifiers with their latest published version")
def classifier_list(request: HttpRequest, response: HttpResponse) -> Any:
    rows = selectors.classifiers_for_consumers()
    etag = selectors.etag_for("list", *[(r["code"], r["status"], r["_etag"]) for r in rows])
    cached = _not_modified(request, etag)
    if cached is not None:
        return cached
    response["ETag"] = etag
    return rows


@router.get("/{code}/items", response=ItemsOut, summary="Items valid on a date (default today)")
def classifier_items(request: HttpRequest, response: HttpResponse, code: str, at: str = "") -> Any:
    classifier = _classifier(code)
    day = _day(at)
    version, items = selectors.items_at(classifier, day)
    if version is None:
        raise HttpError(404, f"No version of {classifier.code} is in force on {day.isoformat()}.")
    etag = selectors.etag_for(selectors.version_etag(version), "items", day.isoformat())
    cached = _not_modified(request, etag)
    if cached is not None:
        return cached
    response["ETag"] = etag
    return {"classifier": classifier.code, "version": version.number, "at": day, "items": list(items)}


@router.get("/{code}/validate", response=ValidateOut, summary="Is a code valid on a date?")
def classifier_validate(
    request: HttpRequest,
    response: HttpResponse,
    code: str,
    value: str = Query(..., alias="code"),
    at: str = "",
) -> Any:
    day = _day(at)
    classifier, version = selectors.version_in_force(code, day)
    if classifier is None:
        raise HttpError(404, f"Unknown classifier {code}.")
    etag = selectors.etag_for(
        selectors.version_etag(version) if version else "none", "validate", value, day.isoformat()
    )
    cached = _not_modified(request, etag)
    if cached is not None:
        return cached
    response["ETag"] = etag
    return selectors.validate_code(classifier, version, value, day)


@router.get("/{code}/diff", response=DiffOut, summary="Added, removed and changed codes between two versions")
def classifier_diff(
    request: HttpRequest,
    response: HttpResponse,
    code: str,
    from_version: int = Query(..., alias="from"),
    to_version: int = Query(..., alias="to"),
) -> Any:
    classifier = _classifier(code)
    old = selectors.published_version(classifier, from_version)
    new = selectors.published_version(classifier, to_version)
    if old is None:
        raise HttpError(404, f"{classifier.code} has no published version {from_version} (from).")
    if new is None:
        raise HttpError(404, f"{classifier.code} has no published version {to_version} (to).")
    etag = selectors.etag_for(selectors.version_etag(old), selectors.version_etag(new), "diff")
    cached = _not_modified(request, etag)
    if cached is not None:
        return cached
    response["ETag"] = etag
    result = selectors.diff_versions(old, new)
    return {
        "classifier": classifier.code,
        "from_version": old.number,
        "to_version": new.number,
        "added": result.added,
        "removed": result.removed,
        "changed": result.changed,
    }
