"""Reads for consuming systems: the classifier API, SDMX-ML and FHIR CodeSystem.

Published classifiers are open to every signed-in user and API token (a consuming system's
service user has no role), so these reads do not go through ``restrict``: they only ever show
published versions, never drafts or change requests.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from .models import Classifier, ClassifierVersion, Item, ItemStatus, VersionStatus
from .selectors import items_valid_on, version_at

DIFF_FIELDS = (
    "name_et",
    "name_en",
    "description",
    "parent_code",
    "level",
    "order",
    "valid_from",
    "valid_to",
    "status",
    "attributes",
)


def classifier_find(code: str) -> Classifier | None:
    """A classifier by its code (case-insensitive, so SDMX's upper-case ids work)."""
    code = (code or "").strip()
    if not code:
        return None
    found = Classifier.objects.select_related("owner_system").filter(code=code).first()
    if found is None:
        found = Classifier.objects.select_related("owner_system").filter(code__iexact=code).first()
    return found


def version_in_force(code: str, day: dt.date) -> tuple[Classifier | None, ClassifierVersion | None]:
    """The classifier and its published version valid on ``day`` in one query (the hot path of
    ``validate``); the same rule as ``selectors.version_at``, which answers when the fast path
    finds nothing (another spelling of the code, or no version in force)."""
    version = (
        ClassifierVersion.objects.select_related("classifier")
        .filter(classifier__code=code, status=VersionStatus.PUBLISHED, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("-number")
        .first()
    )
    if version is not None:
        return version.classifier, version
    classifier = classifier_find(code)
    return classifier, (version_at(classifier, day) if classifier is not None else None)


def classifiers_for_consumers() -> list[dict[str, Any]]:
    """Every classifier with its latest published version number (None before the first)."""
    latest: dict[int, ClassifierVersion] = {}
    for published in ClassifierVersion.objects.filter(status=VersionStatus.PUBLISHED).order_by(
        "classifier_id", "number"
    ):
        latest[published.classifier_id] = published
    rows = []
    for classifier in Classifier.objects.select_related("owner_system").order_by("code"):
        version = latest.get(classifier.pk)
        rows.append(
            {
                "code": classifier.code,
                "name_et": classifier.name_et,
                "name_en": classifier.name_en,
                "status": classifier.status,
                "owner_system": classifier.owner_system.code if classifier.owner_system else None,
                "latest_version": version.number if version else None,
                "valid_from": version.valid_from if version else None,
                "_etag": version_etag(version) if version else "",
            }
        )
    return rows


def published_versions(classifier: Classifier) -> QuerySet[ClassifierVersion]:
    return classifier.versions.filter(status=VersionStatus.PUBLISHED).order_by("number")


def published_version(classifier: Classifier, number: int) -> ClassifierVersion | None:
    return published_versions(classifier).filter(number=number).first()


def latest_published(classifier: Classifier) -> ClassifierVersion | None:
    return published_versions(classifier).order_by("-number").first()


def version_etag(version: ClassifierVersion) -> str:
    """The version's content hash, or (for a version published without one) its id and change time."""
    return version.etag or f"{version.pk}-{version.updated_at.isoformat()}"


def etag_for(*parts: Any) -> str:
    """A strong ETag over the parts (a version's hash plus the query)."""
    text = "|".join(str(p) for p in parts)
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def valid_items(version: ClassifierVersion, day: dt.date) -> QuerySet[Item]:
    """Items of ``version`` valid on ``day``; a retired item without an end date is never valid."""
    return items_valid_on(version, day).exclude(status=ItemStatus.RETIRED, valid_to__isnull=True)


def items_at(classifier: Classifier, day: dt.date) -> tuple[ClassifierVersion | None, QuerySet[Item]]:
    version = version_at(classifier, day)
    if version is None:
        return None, Item.objects.none()
    return version, valid_items(version, day).order_by("order", "code")


@dataclass
class Validation:
    valid: bool
    display: str = ""
    message: str = ""
    version: int | None = None


def validate_code(
    classifier: Classifier, version: ClassifierVersion | None, code: str, day: dt.date
) -> Validation:
    """Whether ``code`` is a valid value of ``classifier`` on ``day``, and why not."""
    values = {"code": code, "classifier": classifier.code, "date": day.isoformat()}
    if version is None:
        return Validation(False, "", _("No version of %(classifier)s is in force on %(date)s.") % values)
    found = list(
        Item.objects.filter(version_id=version.pk, code=code)
        .order_by()
        .values_list("name_et", "valid_from", "valid_to", "status")[:1]
    )
    if not found:
        later = (
            Item.objects.filter(
                version__classifier=classifier,
                version__status=VersionStatus.PUBLISHED,
                version__number__gt=version.number,
                code=code,
            )
            .select_related("version")
            .order_by("version__number")
            .first()
        )
        if later is not None:
            return Validation(
                False,
                later.name_et,
                _("Code %(code)s is not yet valid on %(date)s: it comes with version %(n)d from %(start)s.")
                % {**values, "n": later.version.number, "start": later.version.valid_from},
                version.number,
            )
        return Validation(
            False, "", _("Unknown code %(code)s in classifier %(classifier)s.") % values, version.number
        )
    name_et, valid_from, valid_to, status = found[0]
    if valid_from and valid_from > day:
        return Validation(
            False,
            name_et,
            _("Code %(code)s is not yet valid on %(date)s: it is valid from %(start)s.")
            % {**values, "start": valid_from.isoformat()},
            version.number,
        )
    if valid_to and valid_to < day:
        return Validation(
            False,
            name_et,
            _("Code %(code)s was retired on %(end)s; it is not valid on %(date)s.")
            % {**values, "end": valid_to.isoformat()},
            version.number,
        )
    if status == ItemStatus.RETIRED and valid_to is None:
        return Validation(False, name_et, _("Code %(code)s is retired.") % values, version.number)
    return Validation(True, name_et, _("Code %(code)s is valid on %(date)s.") % values, version.number)


@dataclass
class Diff:
    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)


def diff_versions(old: ClassifierVersion, new: ClassifierVersion) -> Diff:
    """Added, removed and changed codes between two versions, with field-level changes: the
    changes topic's diff in the shape the API answers."""
    from .selectors_changes import diff

    result = diff(old, new)
    return Diff(
        added=[
            {"code": e["code"], "name_et": e["name_et"], "name_en": e["name_en"]} for e in result["added"]
        ],
        removed=[
            {"code": e["code"], "name_et": e["name_et"], "name_en": e["name_en"]} for e in result["removed"]
        ],
        changed=[
            {
                "code": e["code"],
                "name_et": e["name_b"],
                "old_name_et": e["name_a"],
                "fields": {
                    f["field"]: {"from": _plain(f["old"]), "to": _plain(f["new"])} for f in e["fields"]
                },
            }
            for e in result["changed"]
        ],
    )


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def version_items(version: ClassifierVersion) -> QuerySet[Item]:
    """Every item of a version (SDMX and FHIR list all codes, with their status)."""
    return version.items.order_by("order", "code")


def item_of(version: ClassifierVersion, code: str) -> Item | None:
    return version.items.filter(code=code).first()


def children_codes(version: ClassifierVersion, code: str) -> list[str]:
    return list(
        version.items.filter(parent_code=code).order_by("order", "code").values_list("code", flat=True)
    )


def has_hierarchy(version: ClassifierVersion) -> bool:
    return version.items.exclude(Q(parent_code="")).exists()
