"""The data dictionary of the managed systems: entities and attributes of STAR and SKAIS and which
classifier an attribute takes its values from; imported from CSV.

A dictionary file is CSV (``;``, header
``system;entity;entity_description;attribute;type;description;classifier``), one line per attribute;
``classifier`` is a classifier's code or empty. The whole file is checked first; a bad file is
refused with every bad line and nothing is stored. Then entities and attributes are created or
updated; attributes missing from the file are left alone. Importing the same file again changes
nothing.

Record counts per code (``system;entity;attribute;code;count``) say how many records of a system
hold each code of an attribute; they show on a change request's impact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tugi.core.audit import audit_record, register_event_types
from tugi.core.imports import ImportError_, LineError, read_csv_rows
from tugi.core.permissions import require

from ..audit_events import ClassifierEvent
from ..models import Attribute, Classifier, Entity

DICTIONARY_COLUMNS = (
    "system",
    "entity",
    "entity_description",
    "attribute",
    "type",
    "description",
    "classifier",
)
COUNT_COLUMNS = ("system", "entity", "attribute", "code", "count")


@register_event_types
class DictionaryEvent(models.TextChoices):
    CODE_COUNTS_IMPORTED = (
        "classifiers.dictionary_code_counts_imported",
        gettext_lazy("records per code imported"),
    )


def managed_systems() -> Any:
    """The managed systems' model, reached through the dictionary's foreign key (no import of access)."""
    return Entity._meta.get_field("system").related_model


@dataclass(frozen=True)
class DictionaryRow:
    line: int
    system: str
    entity: str
    entity_description: str
    attribute: str
    data_type: str
    description: str
    classifier: str


def _limit(model: type[models.Model], name: str) -> int:
    return int(model._meta.get_field(name).max_length or 0)  # type: ignore[union-attr]


def _length_errors(line: int, values: dict[str, str], limits: dict[str, int]) -> list[LineError]:
    return [
        LineError(line, name, _("The value is longer than %(limit)d characters.") % {"limit": limit})
        for name, limit in limits.items()
        if len(values.get(name, "")) > limit
    ]


def dictionary_validate(content: bytes) -> list[DictionaryRow]:
    """Parse and check a whole dictionary file; ImportError_ lists every bad line."""
    systems = set(managed_systems().objects.values_list("code", flat=True))
    classifiers = set(Classifier.objects.values_list("code", flat=True))
    limits = {
        "entity": _limit(Entity, "name"),
        "attribute": _limit(Attribute, "name"),
        "type": _limit(Attribute, "data_type"),
    }
    rows: list[DictionaryRow] = []
    errors: list[LineError] = []
    seen: dict[tuple[str, str, str], int] = {}
    try:
        for line, record in read_csv_rows(content, required=DICTIONARY_COLUMNS):
            values = {k: (v or "").strip() for k, v in record.items()}
            found = _length_errors(line, values, limits)
            if not values["system"]:
                found.append(LineError(line, "system", _("The system is empty.")))
            elif values["system"] not in systems:
                found.append(
                    LineError(line, "system", _("Unknown system “%(code)s”.") % {"code": values["system"]})
                )
            if not values["entity"]:
                found.append(LineError(line, "entity", _("The entity name is empty.")))
            if not values["attribute"]:
                found.append(LineError(line, "attribute", _("The attribute name is empty.")))
            if not values["type"]:
                found.append(LineError(line, "type", _("The type is empty.")))
            if values["classifier"] and values["classifier"] not in classifiers:
                found.append(
                    LineError(
                        line,
                        "classifier",
                        _("Unknown classifier “%(code)s”.") % {"code": values["classifier"]},
                    )
                )
            key = (values["system"], values["entity"], values["attribute"])
            if values["entity"] and values["attribute"]:
                if key in seen:
                    found.append(
                        LineError(
                            line,
                            "attribute",
                            _("The attribute %(entity)s.%(attribute)s is already on line %(line)d.")
                            % {"entity": key[1], "attribute": key[2], "line": seen[key]},
                        )
                    )
                else:
                    seen[key] = line
            errors.extend(found)
            if not found:
                rows.append(
                    DictionaryRow(
                        line=line,
                        system=values["system"],
                        entity=values["entity"],
                        entity_description=values["entity_description"],
                        attribute=values["attribute"],
                        data_type=values["type"],
                        description=values["description"],
                        classifier=values["classifier"],
                    )
                )
    except ImportError_ as exc:
        errors.extend(exc.errors)
    if errors:
        raise ImportError_(sorted(errors, key=lambda e: e.line))
    if not rows:
        raise ImportError_([LineError(1, "", _("The file has no attributes; nothing to import."))])
    return rows


@transaction.atomic
def dictionary_import(*, content: bytes, actor: Any, reason: str = "") -> dict[str, Any]:
    """Import the data dictionary (all or nothing); return the counts of what changed.

    One audit event records the counts and the attributes added and changed; importing the same
    file again changes nothing and writes no event.
    """
    for perm in ("add_entity", "change_entity", "add_attribute", "change_attribute"):
        require(actor, f"classifiers.{perm}")
    rows = dictionary_validate(content)
    system_ids = dict(managed_systems().objects.values_list("code", "pk"))
    classifier_ids = dict(Classifier.objects.values_list("code", "pk"))
    entities = {(e.system_id, e.name): e for e in Entity.objects.select_for_update()}
    now = timezone.now()
    entities_added: list[str] = []
    entities_changed: list[str] = []
    descriptions: dict[tuple[int, str], str] = {}
    for row in rows:
        key = (system_ids[row.system], row.entity)
        # the first non-empty description of an entity in the file is its description
        if row.entity_description and key not in descriptions:
            descriptions[key] = row.entity_description
        descriptions.setdefault(key, "")
    for (system_id, name), description in descriptions.items():
        entity = entities.get((system_id, name))
        label = f"{_system_code(system_ids, system_id)}.{name}"
        if entity is None:
            entity = Entity.objects.create(system_id=system_id, name=name, description=description)
            entities[(system_id, name)] = entity
            entities_added.append(label)
        elif description and entity.description != description:
            entity.description = description
            entity.save(update_fields=["description", "updated_at"])
            entities_changed.append(label)
    existing = {
        (a.entity_id, a.name): a
        for a in Attribute.objects.select_for_update().filter(entity__in=list(entities.values()))
    }
    to_create: list[Attribute] = []
    to_update: list[Attribute] = []
    added: list[str] = []
    changes: dict[str, dict[str, list[Any]]] = {}
    unchanged = 0
    for row in rows:
        entity = entities[(system_ids[row.system], row.entity)]
        classifier_id = classifier_ids.get(row.classifier) if row.classifier else None
        label = f"{row.system}.{row.entity}.{row.attribute}"
        attribute = existing.get((entity.pk, row.attribute))
        if attribute is None:
            to_create.append(
                Attribute(
                    entity=entity,
                    name=row.attribute,
                    data_type=row.data_type,
                    description=row.description,
                    classifier_id=classifier_id,
                )
            )
            added.append(label)
            continue
        new = {"data_type": row.data_type, "description": row.description, "classifier_id": classifier_id}
        diff = {k: [getattr(attribute, k), v] for k, v in new.items() if getattr(attribute, k) != v}
        if not diff:
            unchanged += 1
            continue
        for name, (_old, value) in diff.items():
            setattr(attribute, name, value)
        attribute.updated_at = now
        to_update.append(attribute)
        changes[label] = {("classifier" if k == "classifier_id" else k): v for k, v in diff.items()}
    counts = {
        "entities_added": len(entities_added),
        "entities_changed": len(entities_changed),
        "added": len(added),
        "changed": len(changes),
        "unchanged": unchanged,
    }
    summary: dict[str, Any] = {
        "rows": len(rows),
        "counts": counts,
        "added": sorted(added),
        "changed": sorted(changes),
        "entities_added": sorted(entities_added),
        "entities_changed": sorted(entities_changed),
    }
    if not (entities_added or entities_changed or added or changes):
        return summary
    Attribute.objects.bulk_create(to_create, batch_size=500)
    Attribute.objects.bulk_update(
        to_update, ["data_type", "description", "classifier", "updated_at"], batch_size=500
    )
    audit_record(
        event=ClassifierEvent.DICTIONARY_IMPORTED,
        actor=actor,
        object_type="classifiers.entity",
        object_repr=_("data dictionary"),
        after={**summary, "changes": _jsonable(changes, classifier_ids)},
        reason=reason,
    )
    return summary


def _system_code(system_ids: dict[str, int], system_id: int) -> str:
    return next(code for code, pk in system_ids.items() if pk == system_id)


def _jsonable(changes: dict[str, dict[str, list[Any]]], classifier_ids: dict[str, int]) -> dict[str, Any]:
    codes = {pk: code for code, pk in classifier_ids.items()}
    result: dict[str, Any] = {}
    for label, diff in sorted(changes.items()):
        result[label] = {
            k: [codes.get(v[0], v[0]), codes.get(v[1], v[1])] if k == "classifier" else v
            for k, v in diff.items()
        }
    return result


@dataclass(frozen=True)
class CountRow:
    line: int
    attribute_id: int
    label: str
    code: str
    count: int


def code_counts_validate(content: bytes) -> list[CountRow]:
    """Parse and check a whole file of records per code; ImportError_ lists every bad line."""
    systems = set(managed_systems().objects.values_list("code", flat=True))
    attributes = {
        (system, entity, name): pk
        for pk, system, entity, name in Attribute.objects.values_list(
            "pk", "entity__system__code", "entity__name", "name"
        )
    }
    rows: list[CountRow] = []
    errors: list[LineError] = []
    seen: dict[tuple[int, str], int] = {}
    try:
        for line, record in read_csv_rows(content, required=COUNT_COLUMNS):
            values = {k: (v or "").strip() for k, v in record.items()}
            found: list[LineError] = []
            attribute_id = None
            if values["system"] not in systems:
                found.append(
                    LineError(line, "system", _("Unknown system “%(code)s”.") % {"code": values["system"]})
                )
            else:
                attribute_id = attributes.get((values["system"], values["entity"], values["attribute"]))
                if attribute_id is None:
                    found.append(
                        LineError(
                            line,
                            "attribute",
                            _("The data dictionary has no attribute %(entity)s.%(attribute)s in %(system)s.")
                            % values,
                        )
                    )
            if not values["code"]:
                found.append(LineError(line, "code", _("The code is empty.")))
            try:
                count = int(values["count"])
                if count < 0:
                    raise ValueError
            except ValueError:
                count = 0
                found.append(LineError(line, "count", _("The count must be a whole number, 0 or more.")))
            if attribute_id is not None and values["code"]:
                key = (attribute_id, values["code"])
                if key in seen:
                    found.append(
                        LineError(
                            line,
                            "code",
                            _("The same attribute and code are already on line %(line)d.")
                            % {"line": seen[key]},
                        )
                    )
                else:
                    seen[key] = line
            errors.extend(found)
            if not found and attribute_id is not None:
                label = f"{values['system']}.{values['entity']}.{values['attribute']}"
                rows.append(CountRow(line, attribute_id, label, values["code"], count))
    except ImportError_ as exc:
        errors.extend(exc.errors)
    if errors:
        raise ImportError_(sorted(errors, key=lambda e: e.line))
    if not rows:
        raise ImportError_([LineError(1, "", _("The file has no counts; nothing to import."))])
    return rows


@transaction.atomic
def dictionary_code_counts_import(*, content: bytes, actor: Any, reason: str = "") -> dict[str, Any]:
    """Store how many records hold each code: each attribute named in the file gets exactly the
    counts the file gives it (attributes not in the file keep theirs). One audit event; none when
    nothing changed."""
    require(actor, "classifiers.change_attribute")
    rows = code_counts_validate(content)
    wanted: dict[int, dict[str, int]] = {}
    labels: dict[int, str] = {}
    for row in rows:
        wanted.setdefault(row.attribute_id, {})[row.code] = row.count
        labels[row.attribute_id] = row.label
    attributes = Attribute.objects.select_for_update().filter(pk__in=list(wanted))
    changed: dict[str, Any] = {}
    now = timezone.now()
    to_update: list[Attribute] = []
    for attribute in attributes:
        counts = dict(sorted(wanted[attribute.pk].items()))
        if attribute.code_counts == counts:
            continue
        changed[labels[attribute.pk]] = [attribute.code_counts, counts]
        attribute.code_counts, attribute.updated_at = counts, now
        to_update.append(attribute)
    summary = {"rows": len(rows), "attributes": len(wanted), "changed": sorted(changed)}
    if not to_update:
        return summary
    Attribute.objects.bulk_update(to_update, ["code_counts", "updated_at"], batch_size=500)
    audit_record(
        event=DictionaryEvent.CODE_COUNTS_IMPORTED,
        actor=actor,
        object_type="classifiers.attribute",
        object_repr=_("records per code"),
        before={k: v[0] for k, v in sorted(changed.items())},
        after={k: v[1] for k, v in sorted(changed.items())},
        reason=reason,
    )
    return summary
