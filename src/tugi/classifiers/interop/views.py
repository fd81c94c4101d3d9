"""HTTP side of SDMX and FHIR: parse the request, call a selector, render the standard format."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .. import selectors_interop as selectors
from ..models import Classifier, ClassifierVersion
from ..selectors import version_at
from . import fhir, sdmx
from .auth import authenticated

# --- SDMX ------------------------------------------------------------------------------------------


def _sdmx_error(status: int, text: str) -> HttpResponse:
    sdmx_code = {401: 110, 404: 100, 400: 140}.get(status, 500)
    return HttpResponse(sdmx.error_message(sdmx_code, text), status=status, content_type="application/xml")


def _sdmx_unauthorized() -> HttpResponse:
    return _sdmx_error(401, "Authenticate with Authorization: Bearer and a Tugi API token.")


@authenticated(_sdmx_unauthorized)
def sdmx_codelist(request: HttpRequest, agency: str, code: str, version: str = "latest") -> HttpResponse:
    if agency.upper() not in (sdmx.AGENCY, "ALL", "*"):
        return _sdmx_error(404, f"Unknown agency {agency}; classifiers are published by {sdmx.AGENCY}.")
    classifier = selectors.classifier_find(code)
    if classifier is None:
        return _sdmx_error(404, f"Unknown codelist {code}.")
    wanted = version.lower()
    versions: list[ClassifierVersion]
    if wanted in ("all", "*"):
        versions = list(selectors.published_versions(classifier))
    elif wanted in ("latest", "+", "~"):
        latest = selectors.latest_published(classifier)
        versions = [latest] if latest else []
    else:
        number = _version_number(version)
        found = selectors.published_version(classifier, number) if number is not None else None
        if number is None:
            return _sdmx_error(404, f"Unknown version {version} of codelist {classifier.code}.")
        versions = [found] if found else []
    if not versions:
        return _sdmx_error(404, f"Codelist {classifier.code} has no published version {version}.")
    return HttpResponse(sdmx.structure_message(classifier, versions), content_type=sdmx.CONTENT_TYPE)


def _version_number(text: str) -> int | None:
    """``3`` or ``3.0`` (SDMX versions have a dot) as a version number."""
    head, _dot, tail = text.partition(".")
    if head.isdigit() and (not tail or set(tail) <= {"0", "."}):
        return int(head)
    return None


# --- FHIR ------------------------------------------------------------------------------------------


def _fhir(data: dict[str, Any], status: int = 200) -> HttpResponse:
    return HttpResponse(json.dumps(data, ensure_ascii=False), status=status, content_type=fhir.CONTENT_TYPE)


def _fhir_error(status: int, code: str, text: str, expression: str = "") -> HttpResponse:
    return _fhir(fhir.operation_outcome(code, text, expression), status)


def _fhir_unauthorized() -> HttpResponse:
    return _fhir_error(401, "login", "Authenticate with Authorization: Bearer and a Tugi API token.")


def _fhir_classifier(code: str) -> Classifier | HttpResponse:
    classifier = selectors.classifier_find(code)
    if classifier is None:
        return _fhir_error(404, "not-found", f"Unknown CodeSystem {code}.")
    return classifier


def _fhir_version(
    classifier: Classifier, request: HttpRequest, day: dt.date
) -> ClassifierVersion | HttpResponse:
    wanted = request.GET.get("version", "").strip()
    if wanted:
        number = _version_number(wanted)
        found = selectors.published_version(classifier, number) if number is not None else None
        if found is None:
            return _fhir_error(
                404,
                "not-found",
                f"CodeSystem {classifier.code} has no published version {wanted}.",
                "version",
            )
        return found
    found = version_at(classifier, day) or selectors.latest_published(classifier)
    if found is None:
        return _fhir_error(404, "not-found", f"CodeSystem {classifier.code} has no published version.")
    return found


def _fhir_date(request: HttpRequest) -> dt.date | HttpResponse:
    text = request.GET.get("date", "").strip()
    if not text:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return _fhir_error(400, "invalid", f"date must be a date like 2025-04-01, not {text!r}.", "date")


def _url(request: HttpRequest, classifier: Classifier) -> str:
    return request.build_absolute_uri(f"/fhir/CodeSystem/{classifier.code}")


@authenticated(_fhir_unauthorized)
def fhir_code_system(request: HttpRequest, code: str) -> HttpResponse:
    classifier = _fhir_classifier(code)
    if isinstance(classifier, HttpResponse):
        return classifier
    version = _fhir_version(classifier, request, timezone.localdate())
    if isinstance(version, HttpResponse):
        return version
    response = _fhir(fhir.code_system(classifier, version, _url(request, classifier)))
    response["ETag"] = f'W/"{version.number}"'
    return response


@authenticated(_fhir_unauthorized)
def fhir_lookup(request: HttpRequest, code: str) -> HttpResponse:
    classifier = _fhir_classifier(code)
    if isinstance(classifier, HttpResponse):
        return classifier
    value = request.GET.get("code", "").strip()
    if not value:
        return _fhir_error(400, "required", "Give the code to look up: ?code=…", "code")
    day = _fhir_date(request)
    if isinstance(day, HttpResponse):
        return day
    version = _fhir_version(classifier, request, day)
    if isinstance(version, HttpResponse):
        return version
    item = selectors.item_of(version, value)
    if item is None:
        return _fhir_error(
            404,
            "not-found",
            f"Unknown code {value} in CodeSystem {classifier.code} version {version.number}.",
            "code",
        )
    children = selectors.children_codes(version, item.code)
    return _fhir(fhir.lookup_parameters(classifier, version, item, children))


@authenticated(_fhir_unauthorized)
def fhir_validate_code(request: HttpRequest, code: str) -> HttpResponse:
    classifier = _fhir_classifier(code)
    if isinstance(classifier, HttpResponse):
        return classifier
    value = request.GET.get("code", "").strip()
    if not value:
        return _fhir_error(400, "required", "Give the code to validate: ?code=…", "code")
    day = _fhir_date(request)
    if isinstance(day, HttpResponse):
        return day
    wanted = request.GET.get("version", "").strip()
    if wanted:
        version = _fhir_version(classifier, request, day)
        if isinstance(version, HttpResponse):
            return version
        chosen: ClassifierVersion | None = version
    else:
        chosen = version_at(classifier, day)
    result = selectors.validate_code(classifier, chosen, value, day)
    display = request.GET.get("display", "").strip()
    if result.valid and display and display not in {result.display, _english(chosen, value)}:
        result = selectors.Validation(
            False, result.display, f"The display {display!r} is not the name of code {value}.", result.version
        )
    return _fhir(fhir.validate_parameters(result))


def _english(version: ClassifierVersion | None, code: str) -> str:
    item = selectors.item_of(version, code) if version else None
    return item.name_en if item else ""
