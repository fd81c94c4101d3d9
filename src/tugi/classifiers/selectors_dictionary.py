"""Reads of the data dictionary: entities and attributes of the managed systems, and where a
classifier is used."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import Attribute, Classifier, Entity


def systems() -> QuerySet[Any]:
    """The managed systems (through the dictionary's foreign key), for filters."""
    model: Any = Entity._meta.get_field("system").related_model
    return model.objects.order_by("code")


def entities(*, user: Any, system: Any = None) -> QuerySet[Entity]:
    qs = Entity.objects.restrict(user).select_related("system").prefetch_related("attributes__classifier")
    return qs.filter(system=system) if system is not None else qs


def attributes(*, user: Any) -> QuerySet[Attribute]:
    """Every attribute the user may see, with its entity, system and classifier."""
    return (
        Attribute.objects.restrict(user)
        .select_related("entity__system", "classifier")
        .order_by("entity__system__code", "entity__name", "name")
    )


def usage(classifier: Classifier) -> QuerySet[Attribute]:
    """The attributes (system, entity, attribute) that take their values from ``classifier``."""
    return (
        Attribute.objects.filter(classifier=classifier)
        .select_related("entity__system")
        .order_by("entity__system__code", "entity__name", "name")
    )


def usage_rows(classifier: Classifier) -> list[dict[str, Any]]:
    """``usage`` as plain rows, with the records known to hold a code of the classifier."""
    return [
        {
            "system": a.entity.system.code,
            "entity": a.entity.name,
            "attribute": a.name,
            "data_type": a.data_type,
            "records": sum(int(v) for v in (a.code_counts or {}).values()) if a.code_counts else None,
        }
        for a in usage(classifier)
    ]
