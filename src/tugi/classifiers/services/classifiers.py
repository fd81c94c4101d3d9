"""Classifiers, their consuming systems, the items of a version and the import of a version's items.

Rules of items (as in SDMX and FHIR code systems):

- a draft version is edited freely: items added, changed, retired, and removed if they are new in
  this draft;
- a code that exists (in any status) in an earlier version of the classifier is only changed or
  retired, never removed; a retired code is never reused;
- a published version is frozen: only names, descriptions and validity dates change (its ETag is
  recomputed).

An import file (CSV with ``;``, XLSX or JSON) replaces the items of a draft version; the whole file
is checked first and a bad file is refused with every bad line (XLSX: row, JSON: item), storing
nothing.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tugi.core.audit import audit_record, register_event_types, to_json
from tugi.core.crud import assign, refuse_unknown, save_changes, save_fields, save_new
from tugi.core.imports import ImportError_, LineError, decode, read_csv_rows
from tugi.core.periods import check_period
from tugi.core.permissions import require

from ..attributes import check_schema, clean_attributes
from ..audit_events import ClassifierEvent
from ..models import (
    Classifier,
    ClassifierStatus,
    ClassifierVersion,
    ConsumingSystem,
    Item,
    ItemStatus,
    VersionStatus,
)
from .versions import ITEM_FIELDS, content_hash


@register_event_types
class ClassifierTopicEvent(models.TextChoices):
    CLASSIFIER_RETIRED = "classifiers.classifier_retired", gettext_lazy("classifier retired")
    ITEM_REMOVED = "classifiers.item_removed", gettext_lazy("item removed from a draft")


CLASSIFIER_FIELDS = (
    "code",
    "name_et",
    "name_en",
    "description",
    "owner_system",
    "owner",
    "maintainer",
    "legal_basis",
    "review_interval_days",
    "attribute_schema",
)
CONSUMER_FIELDS = ("code", "name", "partner", "contact_email")
ITEM_EDIT_FIELDS = (
    "name_et",
    "name_en",
    "description",
    "parent_code",
    "order",
    "valid_from",
    "valid_to",
    "attributes",
)
PUBLISHED_EDIT_FIELDS = ("name_et", "name_en", "description", "valid_from", "valid_to")
IMPORT_COLUMNS = (
    "code",
    "name_et",
    "name_en",
    "description",
    "parent_code",
    "order",
    "valid_from",
    "valid_to",
    "status",
)
FORMATS = ("csv", "xlsx", "json")
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2999, 12, 31)


# --- classifiers ---------------------------------------------------------------------------------


def _clean_schema(schema: Any) -> list[dict[str, Any]]:
    if schema is None or schema == "":
        return []
    if isinstance(schema, str):
        try:
            schema = json.loads(schema)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                {"attribute_schema": _("The definition is not valid JSON: %(reason)s.") % {"reason": exc.msg}}
            ) from None
    return check_schema(schema)


def _assign_classifier(classifier: Classifier, values: dict[str, Any]) -> Any:
    """Set the fields in ``values``; return the consumers to set (or None to leave them)."""
    consumers = values.pop("consumers", None)
    refuse_unknown(values, CLASSIFIER_FIELDS)
    for name, value in values.items():
        if name == "attribute_schema":
            value = _clean_schema(value)
        elif isinstance(value, str):
            value = value.strip()
        setattr(classifier, name, value)
    for role in ("owner", "maintainer"):
        user = getattr(classifier, role, None) if getattr(classifier, f"{role}_id") else None
        if user is not None and not user.is_active:
            raise ValidationError({role: _("The user is not active.")})
    return consumers


def _snapshot(classifier: Classifier) -> dict[str, Any]:
    data = classifier.audit_snapshot()
    data["consumers"] = sorted(classifier.consumers.values_list("pk", flat=True)) if classifier.pk else []
    return data


@transaction.atomic
def classifier_create(*, actor: Any, reason: str = "", **values: Any) -> Classifier:
    """A new classifier (status draft until its first version is published)."""
    require(actor, "classifiers.add_classifier")
    classifier = Classifier()
    consumers = _assign_classifier(classifier, dict(values))
    classifier.full_clean()
    classifier.save()
    if consumers:
        classifier.consumers.set(consumers)
    audit_record(
        event=ClassifierEvent.CLASSIFIER_CREATED,
        actor=actor,
        obj=classifier,
        after=_snapshot(classifier),
        reason=reason,
    )
    return classifier


@transaction.atomic
def classifier_update(*, classifier: Classifier, actor: Any, reason: str = "", **values: Any) -> Classifier:
    """Change a classifier's details; its code stays (consuming systems know it by the code)."""
    require(actor, "classifiers.change_classifier")
    classifier = Classifier.objects.select_for_update().get(pk=classifier.pk)
    if "code" in values and values["code"] != classifier.code:
        raise ValidationError({"code": _("The code of a classifier cannot be changed.")})
    values.pop("code", None)
    before = _snapshot(classifier)
    consumers = _assign_classifier(classifier, dict(values))
    classifier.full_clean()
    classifier.save()
    if consumers is not None:
        classifier.consumers.set(consumers)
    after = _snapshot(classifier)
    if after != before:
        audit_record(
            event=ClassifierEvent.CLASSIFIER_UPDATED,
            actor=actor,
            obj=classifier,
            before=before,
            after=after,
            reason=reason,
        )
    return classifier


@transaction.atomic
def classifier_review_confirm(
    *, classifier: Classifier, actor: Any, reason: str = "", on: dt.date | None = None
) -> Classifier:
    """Confirm the classifier is current: the next review falls due one interval from ``on``."""
    require(actor, "classifiers.change_classifier")
    classifier = Classifier.objects.select_for_update().get(pk=classifier.pk)
    if classifier.status == ClassifierStatus.RETIRED:
        raise ValidationError({"status": _("A retired classifier is not reviewed.")})
    day = on or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError({"last_reviewed_on": _("A review cannot be confirmed for a future day.")})
    save_fields(
        classifier,
        event=ClassifierEvent.CLASSIFIER_REVIEWED,
        actor=actor,
        reason=reason,
        last_reviewed_on=day,
    )
    return classifier


@transaction.atomic
def classifier_retire(*, classifier: Classifier, actor: Any, reason: str = "") -> Classifier:
    """Retire a classifier: its versions and items stay, readable as before."""
    require(actor, "classifiers.change_classifier")
    classifier = Classifier.objects.select_for_update().get(pk=classifier.pk)
    if classifier.status == ClassifierStatus.RETIRED:
        raise ValidationError({"status": _("The classifier is already retired.")})
    if classifier.versions.filter(status=VersionStatus.DRAFT).exists():
        raise ValidationError({"status": _("Publish or finish the draft version before retiring.")})
    before = {"status": classifier.status}
    classifier.status = ClassifierStatus.RETIRED
    classifier.save(update_fields=["status", "updated_at"])
    audit_record(
        event=ClassifierTopicEvent.CLASSIFIER_RETIRED,
        actor=actor,
        obj=classifier,
        before=before,
        after={"status": classifier.status},
        reason=reason,
    )
    return classifier


# --- consuming systems ---------------------------------------------------------------------------


def _assign_consumer(consumer: ConsumingSystem, values: dict[str, Any]) -> None:
    assign(consumer, values, CONSUMER_FIELDS)


@transaction.atomic
def consumer_create(*, actor: Any, reason: str = "", **values: Any) -> ConsumingSystem:
    require(actor, "classifiers.add_consumingsystem")
    consumer = ConsumingSystem()
    _assign_consumer(consumer, values)
    return save_new(consumer, event=ClassifierEvent.CONSUMER_CREATED, actor=actor, reason=reason)


@transaction.atomic
def consumer_update(
    *, consumer: ConsumingSystem, actor: Any, reason: str = "", **values: Any
) -> ConsumingSystem:
    require(actor, "classifiers.change_consumingsystem")
    consumer = ConsumingSystem.objects.select_for_update().get(pk=consumer.pk)
    before = consumer.audit_snapshot()
    _assign_consumer(consumer, values)
    save_changes(consumer, before, event=ClassifierEvent.CONSUMER_UPDATED, actor=actor, reason=reason)
    return consumer


# --- items ---------------------------------------------------------------------------------------


def item_snapshot(item: Item) -> dict[str, Any]:
    return to_json({name: getattr(item, name) for name in ITEM_FIELDS})


def _lock_version(version: ClassifierVersion) -> ClassifierVersion:
    return ClassifierVersion.objects.select_for_update().select_related("classifier").get(pk=version.pk)


def _require_draft(version: ClassifierVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(
            {
                "version": _("Version %(n)d is published; create a new draft to change it.")
                % {"n": version.number}
            }
        )


def earlier_codes(version: ClassifierVersion) -> dict[str, tuple[int, str]]:
    """Codes of the classifier's earlier versions: code → (last version number holding it, status
    there; ``retired`` if it was retired in any of them)."""
    result: dict[str, tuple[int, str]] = {}
    rows = (
        Item.objects.filter(version__classifier_id=version.classifier_id, version__number__lt=version.number)
        .order_by("version__number")
        .values_list("code", "version__number", "status")
    )
    for code, number, status in rows:
        retired = status == ItemStatus.RETIRED or result.get(code, (0, ""))[1] == ItemStatus.RETIRED
        result[code] = (number, ItemStatus.RETIRED if retired else ItemStatus.ACTIVE)
    return result


def _check_code_is_new(version: ClassifierVersion, code: str) -> None:
    if not code:
        raise ValidationError({"code": _("The code is empty.")})
    if version.items.filter(code=code).exists():
        raise ValidationError({"code": _("The code %(code)s is already in this version.") % {"code": code}})
    earlier = earlier_codes(version).get(code)
    if earlier is not None:
        number, status = earlier
        if status == ItemStatus.RETIRED:
            raise ValidationError(
                {
                    "code": _(
                        "The code %(code)s was retired in version %(n)d; a retired code is never reused."
                    )
                    % {"code": code, "n": number}
                }
            )
        raise ValidationError(
            {
                "code": _("The code %(code)s exists in version %(n)d; it can only be changed or retired.")
                % {"code": code, "n": number}
            }
        )


def _check_dates(valid_from: dt.date | None, valid_to: dt.date | None) -> None:
    for name, day in (("valid_from", valid_from), ("valid_to", valid_to)):
        if day is not None and not EARLIEST <= day <= LATEST:
            raise ValidationError({name: _("The date must be between 1900 and 2999.")})
    check_period(valid_from, valid_to)


def _parent_level(version: ClassifierVersion, code: str, parent_code: str) -> int:
    """The item's level under ``parent_code`` (1 at the top); refuses a missing parent or a cycle."""
    if not parent_code:
        return 1
    if parent_code == code:
        raise ValidationError({"parent_code": _("An item cannot be its own parent.")})
    parents = dict(version.items.values_list("code", "parent_code"))
    if parent_code not in parents:
        raise ValidationError(
            {"parent_code": _("There is no item %(code)s in this version.") % {"code": parent_code}}
        )
    seen = {code}
    current = parent_code
    level = 1
    while current:
        if current in seen:
            raise ValidationError(
                {"parent_code": _("The parent %(code)s would make a cycle.") % {"code": parent_code}}
            )
        seen.add(current)
        level += 1
        current = parents.get(current, "")
    return level


@transaction.atomic
def item_add(
    *,
    version: ClassifierVersion,
    code: str,
    name_et: str,
    actor: Any,
    reason: str = "",
    name_en: str = "",
    description: str = "",
    parent_code: str = "",
    order: int | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    attributes: dict[str, Any] | None = None,
) -> Item:
    """Add an item to a draft version. The code must be new to the classifier."""
    require(actor, "classifiers.add_item")
    version = _lock_version(version)
    _require_draft(version)
    code, parent_code = (code or "").strip(), (parent_code or "").strip()
    _check_code_is_new(version, code)
    level = _parent_level(version, code, parent_code)
    _check_dates(valid_from, valid_to)
    clean = clean_attributes(check_schema(version.classifier.attribute_schema), attributes or {})
    if order is None:
        order = (version.items.aggregate(n=Max("order"))["n"] or 0) + 1
    item = Item(
        version=version,
        code=code,
        name_et=(name_et or "").strip(),
        name_en=(name_en or "").strip(),
        description=(description or "").strip(),
        parent_code=parent_code,
        level=level,
        order=order,
        valid_from=valid_from,
        valid_to=valid_to,
        attributes=clean,
    )
    item.full_clean()
    item.save()
    audit_record(
        event=ClassifierEvent.ITEM_ADDED,
        actor=actor,
        obj=item,
        object_repr=f"{version} {code}",
        after=item_snapshot(item),
        reason=reason,
    )
    return item


def _relevel(version: ClassifierVersion, root: Item) -> dict[str, int]:
    """Recompute the levels of ``root``'s descendants; return the codes whose level changed."""
    children: dict[str, list[Item]] = {}
    for item in version.items.exclude(pk=root.pk):
        children.setdefault(item.parent_code, []).append(item)
    changed: dict[str, int] = {}
    stack = [(root.code, root.level)]
    to_save = []
    while stack:
        code, level = stack.pop()
        for child in children.get(code, []):
            if child.level != level + 1:
                child.level = level + 1
                changed[child.code] = child.level
                to_save.append(child)
            stack.append((child.code, child.level))
    Item.objects.bulk_update(to_save, ["level"], batch_size=1000)
    return changed


@transaction.atomic
def item_change(*, item: Item, actor: Any, reason: str = "", **values: Any) -> Item:
    """Change an item. In a draft: names, description, parent, order, validity and attributes; in a
    published version only names, descriptions and validity dates (its ETag is recomputed)."""
    require(actor, "classifiers.change_item")
    version = _lock_version(item.version)
    item = Item.objects.select_for_update().get(pk=item.pk)
    published = version.status == VersionStatus.PUBLISHED
    allowed = PUBLISHED_EDIT_FIELDS if published else ITEM_EDIT_FIELDS
    for name in values:
        if name not in allowed:
            if name == "code":
                message = _("The code of an item never changes; add a new code and retire this one.")
            elif name == "status":
                message = _("Retire the item instead of changing its status.")
            elif published and name in ITEM_FIELDS:
                message = _(
                    "Version %(n)d is published: only names, descriptions and validity dates may change."
                ) % {"n": version.number}
            else:
                message = _("Unknown field.")
            raise ValidationError({name: message})
    before = item_snapshot(item)
    for name, value in values.items():
        if name == "attributes":
            value = clean_attributes(check_schema(version.classifier.attribute_schema), value or {})
        elif name == "order" and value is None:
            value = item.order
        elif isinstance(value, str):
            value = value.strip()
        setattr(item, name, value)
    _check_dates(item.valid_from, item.valid_to)
    relevelled: dict[str, int] = {}
    if "parent_code" in values and item.parent_code != before["parent_code"]:
        item.level = _parent_level(version, item.code, item.parent_code)
    item.full_clean()
    after = item_snapshot(item)
    if after == before:
        return item
    item.save()
    if item.level != before["level"]:
        relevelled = _relevel(version, item)
    extra: dict[str, Any] = {}
    if relevelled:
        extra["descendant_levels"] = relevelled
    if published:
        old_etag = version.etag
        version.etag = content_hash(version)
        version.save(update_fields=["etag", "updated_at"])
        before = {**before, "version_etag": old_etag}
        extra["version_etag"] = version.etag
    audit_record(
        event=ClassifierEvent.ITEM_CHANGED,
        actor=actor,
        obj=item,
        object_repr=f"{version} {item.code}",
        before=before,
        after={**after, **extra},
        reason=reason,
    )
    return item


@transaction.atomic
def item_remove(*, item: Item, actor: Any, reason: str = "") -> None:
    """Remove an item added in this draft; a code of an earlier version is never deleted."""
    require(actor, "classifiers.change_item")
    version = _lock_version(item.version)
    _require_draft(version)
    item = Item.objects.select_for_update().get(pk=item.pk)
    earlier = earlier_codes(version).get(item.code)
    if earlier is not None:
        raise ValidationError(
            {
                "code": _(
                    "The code %(code)s exists in version %(n)d and is never deleted; retire it instead."
                )
                % {"code": item.code, "n": earlier[0]}
            }
        )
    children = list(version.items.filter(parent_code=item.code).values_list("code", flat=True))
    if children:
        raise ValidationError(
            {"code": _("Remove or move its child items first: %(codes)s.") % {"codes": ", ".join(children)}}
        )
    before = item_snapshot(item)
    pk = item.pk
    item.delete()
    audit_record(
        event=ClassifierTopicEvent.ITEM_REMOVED,
        actor=actor,
        object_type="classifiers.item",
        object_id=pk,
        object_repr=f"{version} {before['code']}",
        before=before,
        reason=reason,
    )


@transaction.atomic
def item_retire(*, item: Item, actor: Any, reason: str = "", valid_to: dt.date | None = None) -> Item:
    """Retire an item of a draft: status retired, valid until ``valid_to``; the item stays."""
    require(actor, "classifiers.change_item")
    version = _lock_version(item.version)
    _require_draft(version)
    item = Item.objects.select_for_update().get(pk=item.pk)
    if item.status == ItemStatus.RETIRED:
        raise ValidationError({"status": _("The item is already retired.")})
    active_children = list(
        version.items.filter(parent_code=item.code, status=ItemStatus.ACTIVE).values_list("code", flat=True)
    )
    if active_children:
        raise ValidationError(
            {"code": _("Retire its child items first: %(codes)s.") % {"codes": ", ".join(active_children)}}
        )
    day = valid_to or timezone.localdate()
    _check_dates(item.valid_from, day)
    before = item_snapshot(item)
    item.status, item.valid_to = ItemStatus.RETIRED, day
    item.save(update_fields=["status", "valid_to"])
    audit_record(
        event=ClassifierEvent.ITEM_RETIRED,
        actor=actor,
        obj=item,
        object_repr=f"{version} {item.code}",
        before=before,
        after=item_snapshot(item),
        reason=reason,
    )
    return item


@transaction.atomic
def version_update_dates(
    *,
    version: ClassifierVersion,
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    actor: Any,
    reason: str = "",
) -> ClassifierVersion:
    """Change a published version's validity; it may not overlap another published version."""
    require(actor, "classifiers.change_classifierversion")
    version = _lock_version(version)
    if version.status != VersionStatus.PUBLISHED:
        raise ValidationError({"version": _("A draft gets its validity when it is published.")})
    if valid_from is None:
        raise ValidationError({"valid_from": _("A published version needs a start of validity.")})
    _check_dates(valid_from, valid_to)
    others = version.classifier.versions.filter(status=VersionStatus.PUBLISHED).exclude(pk=version.pk)
    for other in others:
        if other.valid_from is None:
            continue
        ends_before = other.valid_to is not None and other.valid_to < valid_from
        starts_after = valid_to is not None and other.valid_from > valid_to
        if not (ends_before or starts_after):
            name = "valid_from" if other.number < version.number else "valid_to"
            raise ValidationError({name: _("The validity overlaps version %(n)d.") % {"n": other.number}})
    before = {"valid_from": version.valid_from, "valid_to": version.valid_to, "etag": version.etag}
    if (valid_from, valid_to) == (version.valid_from, version.valid_to):
        return version
    version.valid_from, version.valid_to = valid_from, valid_to
    version.etag = content_hash(version)
    version.save(update_fields=["valid_from", "valid_to", "etag", "updated_at"])
    audit_record(
        event=ClassifierEvent.VERSION_UPDATED,
        actor=actor,
        obj=version,
        before=before,
        after={"valid_from": valid_from, "valid_to": valid_to, "etag": version.etag},
        reason=reason,
    )
    return version


# --- import --------------------------------------------------------------------------------------


class RowError(LineError):
    """An error on a row of an XLSX sheet (counted from 1, the header is row 1)."""

    def __str__(self) -> str:
        where = _("row %(row)d") % {"row": self.line}
        return f"{where}, {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class ItemError(LineError):
    """An error in the n-th object of a JSON file (counted from 1)."""

    def __str__(self) -> str:
        where = _("item %(item)d") % {"item": self.line}
        return f"{where}, {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class FileError(LineError):
    """An error of the file as a whole (e.g. a code missing from it)."""

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


@dataclass
class ImportRow:
    line: int
    code: str
    values: dict[str, Any] = field(default_factory=dict)
    ok: bool = True


def attribute_columns(schema: list[dict[str, Any]]) -> list[str]:
    return [f"attr:{d['name']}" for d in schema]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _date(value: str) -> dt.date | None:
    if not value:
        return None
    day = dt.date.fromisoformat(value)
    if not EARLIEST <= day <= LATEST:
        raise ValueError
    return day


def _check_record(
    number: int,
    record: dict[str, Any],
    attributes: dict[str, Any],
    schema: list[dict[str, Any]],
    error: type[LineError],
    attr_field: str,
) -> tuple[ImportRow, list[LineError]]:
    errors: list[LineError] = []
    text = {name: _text(record.get(name)) for name in IMPORT_COLUMNS}
    for name in ("code", "name_et", "name_en", "parent_code"):
        limit = getattr(Item._meta.get_field(name), "max_length", None)
        if limit and len(text[name]) > limit:
            errors.append(
                error(number, name, _("The value is longer than %(limit)d characters.") % {"limit": limit})
            )
    if not text["code"]:
        errors.append(error(number, "code", _("The code is empty.")))
    if not text["name_et"]:
        errors.append(error(number, "name_et", _("The Estonian name is empty.")))
    order = 0
    if text["order"]:
        try:
            order = int(text["order"])
            if order < 0:
                raise ValueError
        except ValueError:
            errors.append(error(number, "order", _("The order must be a whole number, 0 or more.")))
    dates: dict[str, dt.date | None] = {}
    for name in ("valid_from", "valid_to"):
        try:
            dates[name] = _date(text[name])
        except ValueError:
            errors.append(
                error(number, name, _("The date must look like 2025-04-01 (between 1900 and 2999)."))
            )
            dates[name] = None
    if dates["valid_from"] and dates["valid_to"] and dates["valid_to"] < dates["valid_from"]:
        errors.append(error(number, "valid_to", _("The end of validity cannot be before its start.")))
    status = text["status"] or ItemStatus.ACTIVE.value
    if status not in ItemStatus.values:
        errors.append(
            error(
                number,
                "status",
                _("Unknown status “%(value)s”; use one of: %(allowed)s.")
                % {"value": status, "allowed": ", ".join(ItemStatus.values)},
            )
        )
    clean: dict[str, Any] = {}
    try:
        clean = clean_attributes(schema, attributes)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            name = key.split(".", 1)[1]
            for message in messages:
                errors.append(error(number, attr_field % {"name": name}, message))
    if errors:
        return ImportRow(line=number, code=text["code"], ok=False), errors
    values = {
        "name_et": text["name_et"],
        "name_en": text["name_en"],
        "description": _text(record.get("description")),
        "parent_code": text["parent_code"],
        "order": order,
        "valid_from": dates["valid_from"],
        "valid_to": dates["valid_to"],
        "status": status,
        "attributes": clean,
    }
    return ImportRow(line=number, code=text["code"], values=values), []


def _split_attributes(record: dict[str, Any]) -> dict[str, Any]:
    return {
        key[5:]: value for key, value in record.items() if key.startswith("attr:") and value not in ("", None)
    }


def _csv_rows(content: bytes, schema: list[dict[str, Any]]) -> tuple[list[ImportRow], list[LineError]]:
    rows: list[ImportRow] = []
    errors: list[LineError] = []
    try:
        for line, record in read_csv_rows(
            content, required=IMPORT_COLUMNS, optional=attribute_columns(schema)
        ):
            row, found = _check_record(
                line, record, _split_attributes(record), schema, LineError, "attr:%(name)s"
            )
            errors.extend(found)
            rows.append(row)
    except ImportError_ as exc:
        errors.extend(exc.errors)
    return rows, errors


def _xlsx_rows(content: bytes, schema: list[dict[str, Any]]) -> tuple[list[ImportRow], list[LineError]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # any reader failure means the same to the user
        raise ImportError_([RowError(1, "", _("The file is not an XLSX workbook."))]) from None
    sheet = workbook.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    try:
        header = [_text(h) for h in next(lines)]
    except StopIteration:
        raise ImportError_([RowError(1, "", _("The file is empty; a header row is required."))]) from None
    while header and not header[-1]:
        header.pop()
    missing = [c for c in IMPORT_COLUMNS if c not in header]
    known = set(IMPORT_COLUMNS) | set(attribute_columns(schema))
    unknown = [h for h in header if h not in known]
    if missing or unknown:
        raise ImportError_(
            [RowError(1, c, _("Column is missing from the header.")) for c in missing]
            + [RowError(1, h, _("Unknown column.")) for h in unknown]
        )
    rows: list[ImportRow] = []
    errors: list[LineError] = []
    for number, values in enumerate(lines, start=2):
        cells = list(values)[: len(header)]
        if not any(_text(v) for v in cells):
            continue
        record = dict(zip(header, cells + [None] * (len(header) - len(cells)), strict=True))
        row, found = _check_record(
            number, record, _split_attributes(record), schema, RowError, "attr:%(name)s"
        )
        errors.extend(found)
        rows.append(row)
    workbook.close()
    return rows, errors


def _json_rows(content: bytes, schema: list[dict[str, Any]]) -> tuple[list[ImportRow], list[LineError]]:
    text = decode(content)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportError_(
            [LineError(exc.lineno, "", _("The file is not valid JSON: %(reason)s.") % {"reason": exc.msg})]
        ) from None
    if not isinstance(data, list):
        raise ImportError_([LineError(1, "", _("The file must hold a list of objects, one per item."))])
    allowed = set(IMPORT_COLUMNS) | {"attributes"}
    rows: list[ImportRow] = []
    errors: list[LineError] = []
    for number, record in enumerate(data, start=1):
        if not isinstance(record, dict):
            errors.append(ItemError(number, "", _("The item is not an object.")))
            continue
        missing = [c for c in ("code", "name_et") if c not in record]
        unknown = sorted(str(k) for k in record if k not in allowed)
        if missing or unknown:
            errors += [ItemError(number, c, _("Field is missing.")) for c in missing]
            errors += [ItemError(number, k, _("Unknown field.")) for k in unknown]
            continue
        attributes = record.get("attributes") or {}
        if not isinstance(attributes, dict):
            errors.append(ItemError(number, "attributes", _("The attributes must be an object.")))
            continue
        row, found = _check_record(number, record, attributes, schema, ItemError, "attributes.%(name)s")
        errors.extend(found)
        rows.append(row)
    return rows, errors


def items_validate(*, version: ClassifierVersion, content: bytes, fmt: str) -> list[ImportRow]:
    """Parse and check a whole file against the version's classifier; ImportError_ lists every error."""
    if fmt not in FORMATS:
        raise ValidationError({"fmt": _("Choose the format: CSV, XLSX or JSON.")})
    schema = check_schema(version.classifier.attribute_schema)
    reader = {"csv": _csv_rows, "xlsx": _xlsx_rows, "json": _json_rows}[fmt]
    rows, errors = reader(content, schema)
    complete = not errors  # with bad lines, a code or parent may sit on one of them
    error = {"csv": LineError, "xlsx": RowError, "json": ItemError}[fmt]
    seen: dict[str, int] = {}
    for row in rows:
        if not row.code:
            continue
        if row.code in seen:
            errors.append(
                error(
                    row.line,
                    "code",
                    _("The same code is already on %(place)s.")
                    % {"place": str(error(seen[row.code], "", "")).rstrip(": ")},
                )
            )
        else:
            seen[row.code] = row.line
    by_code = {row.code: row for row in rows}
    rows = [row for row in rows if row.ok]
    parents = {row.code: row.values["parent_code"] for row in rows}
    for row in rows:
        parent = row.values["parent_code"]
        if not parent:
            continue
        if parent not in parents:
            if not complete:
                continue  # the parent may be on a line with errors of its own
            errors.append(
                error(row.line, "parent_code", _("There is no item %(code)s in the file.") % {"code": parent})
            )
            continue
        current, seen_codes = parent, {row.code}
        while current:
            if current in seen_codes:
                errors.append(
                    error(row.line, "parent_code", _("The parent %(code)s makes a cycle.") % {"code": parent})
                )
                break
            seen_codes.add(current)
            current = parents.get(current, "")
    earlier = earlier_codes(version)
    for code, (number, status) in sorted(earlier.items()):
        found = by_code.get(code)
        if found is None:
            if not complete:
                continue
            errors.append(
                FileError(
                    0,
                    "code",
                    _(
                        "The code %(code)s of version %(n)d is missing from the file; a code is never "
                        "deleted: keep it, with status retired if it is no longer used."
                    )
                    % {"code": code, "n": number},
                )
            )
        elif found.ok and status == ItemStatus.RETIRED and found.values["status"] != ItemStatus.RETIRED:
            errors.append(
                error(
                    found.line,
                    "status",
                    _("The code %(code)s was retired in version %(n)d; a retired code is never reused.")
                    % {"code": code, "n": number},
                )
            )
    if errors:
        errors.sort(key=lambda e: e.line)
        raise ImportError_(errors)
    if not rows:
        raise ImportError_([error(1, "", _("The file has no items; an empty version is not imported."))])
    return rows


def _levels(rows: list[ImportRow]) -> dict[str, int]:
    parents = {row.code: row.values["parent_code"] for row in rows}
    levels: dict[str, int] = {}

    def level(code: str) -> int:
        chain = []
        while code and code not in levels:
            chain.append(code)
            code = parents.get(code, "")
        base = levels.get(code, 0) if code else 0
        for c in reversed(chain):
            base += 1
            levels[c] = base
        return levels[chain[0]] if chain else base

    for row in rows:
        level(row.code)
    return levels


@transaction.atomic
def items_import(
    *, version: ClassifierVersion, content: bytes, fmt: str, actor: Any, reason: str = ""
) -> dict[str, Any]:
    """Replace the items of a draft version with the file's (all or nothing); return what changed."""
    require(actor, "classifiers.add_item")
    require(actor, "classifiers.change_item")
    version = _lock_version(version)
    _require_draft(version)
    rows = items_validate(version=version, content=content, fmt=fmt)
    levels = _levels(rows)
    old = {item.code: item_snapshot(item) for item in version.items.all()}
    new_items = [Item(version=version, code=row.code, level=levels[row.code], **row.values) for row in rows]
    new = {item.code: item_snapshot(item) for item in new_items}
    added = sorted(set(new) - set(old))
    removed = sorted(set(old) - set(new))
    changed = sorted(code for code in set(new) & set(old) if new[code] != old[code])
    summary: dict[str, Any] = {
        "format": fmt,
        "rows": len(rows),
        "counts": {
            "added": len(added),
            "removed": len(removed),
            "changed": len(changed),
            "unchanged": len(rows) - len(added) - len(changed),
        },
        "added": added,
        "removed": removed,
        "changed": changed,
    }
    if not (added or removed or changed):
        return summary
    version.items.all().delete()
    Item.objects.bulk_create(new_items, batch_size=2000)
    audit_record(
        event=ClassifierEvent.ITEMS_IMPORTED,
        actor=actor,
        obj=version,
        before={"items": len(old)},
        after={"items": len(new), **summary},
        reason=reason,
    )
    return summary
