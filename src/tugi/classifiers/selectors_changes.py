"""Reads of change requests, their impact, diffs between versions and correspondence tables."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from tugi.core.querysets import RestrictedQuerySet
from tugi.core.selectors import get_restricted

from .models import (
    ChangeRequest,
    ChangeRequestStatus,
    Classifier,
    ClassifierVersion,
    Correspondence,
    Item,
    Operation,
)
from .selectors_dictionary import usage

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


def classifier_get(*, user: Any, code: str, action: str = "view") -> Classifier:
    return get_restricted(Classifier.objects.select_related("owner"), user, action, code=code)


def classifiers(*, user: Any) -> QuerySet[Classifier]:
    return Classifier.objects.restrict(user).order_by("code")


def version_get(*, classifier: Classifier, number: Any) -> ClassifierVersion | None:
    try:
        return classifier.versions.filter(number=int(number)).first()
    except (TypeError, ValueError):
        return None


def requests(*, user: Any) -> QuerySet[ChangeRequest]:
    return ChangeRequest.objects.restrict(user).select_related(
        "classifier", "requested_by", "base_version", "published_version"
    )


def request_get(*, user: Any, pk: Any, action: str = "view") -> ChangeRequest:
    return get_restricted(
        ChangeRequest.objects.select_related(
            "classifier__owner", "requested_by", "decided_by", "base_version", "published_version"
        ),
        user,
        action,
        pk=pk,
    )


def requests_waiting_for(*, user: Any) -> QuerySet[ChangeRequest]:
    """Submitted requests of the classifiers the user owns (not the user's own requests)."""
    return (
        requests(user=user)
        .filter(status=ChangeRequestStatus.SUBMITTED, classifier__owner=user)
        .exclude(requested_by=user)
        .order_by("planned_publication", "created_at")
    )


def impact(request: ChangeRequest) -> dict[str, Any]:
    """What the request touches: per operation the attributes of the managed systems that take
    values from the classifier, and for retired codes the records known to hold them; the systems
    whose attributes use it and the consuming systems that will be notified."""
    attributes = list(usage(request.classifier))
    names = dict(request.base_version.items.values_list("code", "name_et"))
    operations = []
    for op in request.operations.all():
        rows = []
        known = 0
        for attribute in attributes:
            records = None
            if op.operation == Operation.RETIRE and attribute.code_counts:
                records = int(attribute.code_counts.get(op.code, 0))
                known += records
            rows.append(
                {
                    "system": attribute.entity.system.code,
                    "entity": attribute.entity.name,
                    "attribute": attribute.name,
                    "records": records,
                }
            )
        counted = any(r["records"] is not None for r in rows)
        operations.append(
            {
                "operation": op,
                "code": op.code,
                "name": (op.values or {}).get("name_et") or names.get(op.code, ""),
                "attributes": rows,
                "records": known if counted else None,
            }
        )
    consumers = list(request.classifier.consumers.all())
    return {
        "systems": sorted({a.entity.system.code for a in attributes}),
        "attributes": [
            {"system": a.entity.system.code, "entity": a.entity.name, "attribute": a.name} for a in attributes
        ],
        "operations": operations,
        "consumers": consumers,
        "notified": [c for c in consumers if c.contact_email],
    }


def _values(item: Item) -> dict[str, Any]:
    return {name: getattr(item, name) for name in DIFF_FIELDS}


def diff(version_a: ClassifierVersion, version_b: ClassifierVersion) -> dict[str, Any]:
    """Items added in ``version_b``, removed from ``version_a`` and changed between them (each
    changed field with its old and new value); names from both versions."""
    a = {i.code: i for i in version_a.items.all()}
    b = {i.code: i for i in version_b.items.all()}
    added = [
        {"code": c, "name_et": b[c].name_et, "name_en": b[c].name_en, "item": b[c]}
        for c in sorted(b.keys() - a.keys())
    ]
    removed = [
        {"code": c, "name_et": a[c].name_et, "name_en": a[c].name_en, "item": a[c]}
        for c in sorted(a.keys() - b.keys())
    ]
    changed = []
    unchanged = 0
    for code in sorted(a.keys() & b.keys()):
        old, new = _values(a[code]), _values(b[code])
        fields = [{"field": f, "old": old[f], "new": new[f]} for f in DIFF_FIELDS if old[f] != new[f]]
        if not fields:
            unchanged += 1
            continue
        changed.append(
            {
                "code": code,
                "name_a": a[code].name_et,
                "name_b": b[code].name_et,
                "fields": fields,
            }
        )
    return {
        "from": version_a,
        "to": version_b,
        "added": added,
        "removed": removed,
        "changed": changed,
        "unchanged": unchanged,
    }


def diff_rows(result: dict[str, Any]) -> list[list[Any]]:
    """A diff as CSV rows (header first): one row per added or removed item and per changed field."""
    rows: list[list[Any]] = [["change", "code", "name_from", "name_to", "field", "old", "new"]]
    for entry in result["added"]:
        rows.append(["added", entry["code"], "", entry["name_et"], "", "", ""])
    for entry in result["removed"]:
        rows.append(["removed", entry["code"], entry["name_et"], "", "", "", ""])
    for entry in result["changed"]:
        for f in entry["fields"]:
            rows.append(
                ["changed", entry["code"], entry["name_a"], entry["name_b"], f["field"], f["old"], f["new"]]
            )
    return rows


def correspondences(
    *, user: Any, classifier: Classifier, from_version: Any = None, to_version: Any = None
) -> QuerySet[Correspondence]:
    qs = (
        RestrictedQuerySet(Correspondence)
        .restrict(user)
        .filter(classifier=classifier)
        .select_related("from_version", "to_version")
    )
    if from_version is not None:
        qs = qs.filter(from_version=from_version)
    if to_version is not None:
        qs = qs.filter(to_version=to_version)
    return qs.order_by("from_version__number", "to_version__number", "old_code", "new_code")


def correspondence_pairs(*, classifier: Classifier) -> list[tuple[int, int, int]]:
    """(from number, to number, rows) of every correspondence table of the classifier."""
    from django.db.models import Count

    return [
        (row["from_version__number"], row["to_version__number"], row["n"])
        for row in Correspondence.objects.filter(classifier=classifier)
        .values("from_version__number", "to_version__number")
        .annotate(n=Count("pk"))
        .order_by("from_version__number", "to_version__number")
    ]


def search(*, user: Any, query: str, limit: int = 10) -> QuerySet[ChangeRequest]:
    text = query.strip()
    if not text:
        return ChangeRequest.objects.none()
    return requests(user=user).filter(Q(title__icontains=text) | Q(classifier__code__icontains=text))[:limit]
