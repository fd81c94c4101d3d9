"""Reads of the classifiers topic: classifiers, versions, items as a tree, exports of a version's items
(CSV, XLSX, JSON — the same columns the import takes), consuming systems and the freshness checks."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from tugi.core.selectors import get_restricted

from .attributes import check_schema
from .models import (
    Classifier,
    ClassifierStatus,
    ClassifierVersion,
    ConsumingSystem,
    Item,
    ItemStatus,
    VersionStatus,
)
from .selectors import items_valid_on, version_at
from .services.classifiers import IMPORT_COLUMNS, attribute_columns

STALE_DRAFT_DAYS = 30


# --- choices for forms ---------------------------------------------------------------------------


def managed_systems() -> QuerySet[Any]:
    """The managed systems (STAR, SKAIS) a classifier may belong to, reached through the model link."""
    model: Any = Classifier._meta.get_field("owner_system").related_model
    return model.objects.order_by("code")


def active_users() -> QuerySet[Any]:
    """Users who may own or maintain a classifier."""
    return get_user_model().objects.filter(is_active=True).exclude(username="system").order_by("username")


def partners(*, user: Any) -> QuerySet[Any]:
    from tugi.work.selectors import partners as work_partners

    return work_partners(user=user)


# --- classifiers and versions --------------------------------------------------------------------


def review_due_on(classifier: Classifier) -> dt.date:
    """When the classifier's next review falls due (from its last review, else its creation)."""
    start = classifier.last_reviewed_on or timezone.localtime(classifier.created_at).date()
    return start + dt.timedelta(days=classifier.review_interval_days)


def is_review_overdue(classifier: Classifier, today: dt.date | None = None) -> bool:
    if classifier.status == ClassifierStatus.RETIRED:
        return False
    return review_due_on(classifier) < (today or timezone.localdate())


def classifiers(*, user: Any) -> QuerySet[Classifier]:
    return Classifier.objects.restrict(user).select_related("owner_system", "owner", "maintainer")


def overdue_ids(qs: QuerySet[Classifier], today: dt.date | None = None) -> list[int]:
    rows = qs.values_list("pk", "status", "last_reviewed_on", "created_at", "review_interval_days")
    today = today or timezone.localdate()
    result = []
    for pk, status, last, created, interval in rows:
        start = last or timezone.localtime(created).date()
        if status != ClassifierStatus.RETIRED and start + dt.timedelta(days=interval) < today:
            result.append(pk)
    return result


def classifier_get(*, user: Any, code: str, action: str = "view") -> Classifier:
    return get_restricted(
        Classifier.objects.select_related("owner_system", "owner", "maintainer"), user, action, code=code
    )


def versions(*, user: Any, classifier: Classifier) -> QuerySet[Any]:
    return (
        ClassifierVersion.objects.restrict(user)
        .filter(classifier=classifier)
        .select_related("published_by")
        .annotate(item_count=Count("items"))
        .order_by("-number")
    )


def version_get(*, user: Any, classifier: Classifier, number: int, action: str = "view") -> ClassifierVersion:
    return get_restricted(
        ClassifierVersion.objects.select_related("classifier"),
        user,
        action,
        classifier=classifier,
        number=number,
    )


def version_in_force(classifier: Classifier, day: dt.date | None = None) -> ClassifierVersion | None:
    return version_at(classifier, day or timezone.localdate())


def open_draft(classifier: Classifier) -> ClassifierVersion | None:
    return classifier.versions.filter(status=VersionStatus.DRAFT).first()


def item_get(*, version: ClassifierVersion, pk: int) -> Item:
    """An item of a version the caller has already fetched with ``version_get`` (404 if not there)."""
    from django.http import Http404

    item = Item.objects.select_related("version__classifier").filter(version=version, pk=pk).first()
    if item is None:
        raise Http404
    return item


def items_tree(version: ClassifierVersion, day: dt.date | None = None) -> list[Item]:
    """The version's items in tree order (each parent followed by its children, by order and code);
    with ``day`` only the items valid that day (inclusive at both ends)."""
    qs = items_valid_on(version, day) if day is not None else version.items.all()
    items = list(qs.order_by("order", "code"))
    children: dict[str, list[Item]] = {}
    codes = {item.code for item in items}
    for item in items:
        parent = item.parent_code if item.parent_code in codes else ""
        children.setdefault(parent, []).append(item)
    result: list[Item] = []
    stack = list(reversed(children.get("", [])))
    while stack:
        item = stack.pop()
        result.append(item)
        stack.extend(reversed(children.get(item.code, [])))
    return result


def earlier_code_set(version: ClassifierVersion) -> set[str]:
    """Codes that exist in an earlier version (such items are retired, never removed)."""
    return set(
        Item.objects.filter(
            version__classifier_id=version.classifier_id, version__number__lt=version.number
        ).values_list("code", flat=True)
    )


# --- export --------------------------------------------------------------------------------------


def export_columns(classifier: Classifier) -> list[str]:
    return [*IMPORT_COLUMNS, *attribute_columns(classifier.attribute_schema)]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def export_rows(version: ClassifierVersion) -> Iterator[list[Any]]:
    """Header, then one row per item in tree order (the columns the import takes)."""
    schema = version.classifier.attribute_schema
    yield export_columns(version.classifier)
    for item in items_tree(version):
        row = [_cell(getattr(item, name)) for name in IMPORT_COLUMNS]
        row += [_cell(item.attributes.get(d["name"])) for d in schema]
        yield row


def export_json(version: ClassifierVersion) -> bytes:
    data = []
    for item in items_tree(version):
        record: dict[str, Any] = {name: _cell(getattr(item, name)) for name in IMPORT_COLUMNS}
        record["attributes"] = item.attributes
        data.append(record)
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def export_xlsx(version: ClassifierVersion) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=f"{version.classifier.code}-v{version.number}"[:31])
    for row in export_rows(version):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export_csv_lines(version: ClassifierVersion) -> Iterable[list[Any]]:
    return export_rows(version)


# --- consuming systems ---------------------------------------------------------------------------


def consumers(*, user: Any) -> QuerySet[Any]:
    return (
        ConsumingSystem.objects.restrict(user)
        .select_related("partner")
        .annotate(classifier_count=Count("classifiers"))
    )


def consumer_get(*, user: Any, pk: Any, action: str = "view") -> ConsumingSystem:
    return get_restricted(ConsumingSystem.objects.select_related("partner"), user, action, pk=pk)


# --- freshness -----------------------------------------------------------------------------------


def _current_versions(qs: QuerySet[Classifier], today: dt.date) -> dict[int, ClassifierVersion]:
    """For each classifier, the version in force today (else its latest version)."""
    result: dict[int, ClassifierVersion] = {}
    in_force = (
        ClassifierVersion.objects.filter(
            classifier__in=qs, status=VersionStatus.PUBLISHED, valid_from__lte=today
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .select_related("classifier")
        .order_by("classifier_id", "number")
    )
    for version in in_force:
        result[version.classifier_id] = version
    latest = (
        ClassifierVersion.objects.filter(classifier__in=qs).select_related("classifier").order_by("number")
    )
    fallback = {version.classifier_id: version for version in latest}
    for classifier_id, version in fallback.items():
        result.setdefault(classifier_id, version)
    return result


def freshness_findings(
    *, user: Any, today: dt.date | None = None, person: Any = None
) -> list[dict[str, Any]]:
    """Every finding of the freshness checks, as rows ``{check, check_label, classifier, version,
    code, detail}``; with ``person`` only classifiers they own or maintain."""
    today = today or timezone.localdate()
    qs = Classifier.objects.restrict(user).exclude(status=ClassifierStatus.RETIRED)
    if person is not None:
        qs = qs.filter(Q(owner=person) | Q(maintainer=person))
    rows: list[dict[str, Any]] = []

    def add(check: str, label: str, classifier: Classifier, version: Any, code: str, detail: str) -> None:
        rows.append(
            {
                "check": check,
                "check_label": label,
                "classifier": classifier.code,
                "classifier_name": classifier.name_et,
                "version": version.number if version is not None else "",
                "code": code,
                "detail": detail,
            }
        )

    chosen = list(qs.order_by("code"))
    if not chosen:
        return rows
    for classifier in chosen:
        if is_review_overdue(classifier, today):
            add(
                "review_overdue",
                _("Review overdue"),
                classifier,
                None,
                "",
                _("The review was due on %(date)s.") % {"date": review_due_on(classifier).isoformat()},
            )
    current = _current_versions(qs, today)
    for version in sorted(current.values(), key=lambda v: v.classifier.code):
        classifier = version.classifier
        if version.status == VersionStatus.PUBLISHED:
            expired = version.items.filter(status=ItemStatus.ACTIVE, valid_to__lt=today).order_by("code")
            for item in expired.values("code", "valid_to"):
                add(
                    "item_expired",
                    _("Active item whose validity has ended"),
                    classifier,
                    version,
                    item["code"],
                    _("Valid until %(date)s but not retired.") % {"date": str(item["valid_to"])},
                )
        no_english = version.items.filter(status=ItemStatus.ACTIVE, name_en="").order_by("code")
        for code in no_english.values_list("code", flat=True):
            add("no_english", _("Item without an English name"), classifier, version, code, "")
        duplicates = (
            version.items.annotate(name=Lower("name_et"))
            .values("name")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .order_by("name")
        )
        for dup in duplicates:
            codes = sorted(
                version.items.annotate(name=Lower("name_et"))
                .filter(name=dup["name"])
                .values_list("code", flat=True)
            )
            add(
                "duplicate_name",
                _("Duplicate Estonian name"),
                classifier,
                version,
                ", ".join(codes),
                _("“%(name)s” is the name of %(codes)s.") % {"name": dup["name"], "codes": ", ".join(codes)},
            )
    stale_before = timezone.now() - dt.timedelta(days=STALE_DRAFT_DAYS)
    drafts = (
        ClassifierVersion.objects.filter(
            classifier__in=qs, status=VersionStatus.DRAFT, created_at__lt=stale_before
        )
        .select_related("classifier")
        .order_by("classifier__code")
    )
    for draft in drafts:
        add(
            "stale_draft",
            _("Draft older than 30 days"),
            draft.classifier,
            draft,
            "",
            _("Draft since %(date)s.") % {"date": timezone.localtime(draft.created_at).date().isoformat()},
        )
    return rows


def freshness_counts(findings: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """classifier code → check → number of findings (for the desk)."""
    result: dict[str, dict[str, int]] = {}
    for row in findings:
        per = result.setdefault(row["classifier"], {})
        per[row["check"]] = per.get(row["check"], 0) + 1
    return result


FRESHNESS_CHECKS = (
    ("review_overdue", _lazy("Review overdue")),
    ("item_expired", _lazy("Active item whose validity has ended")),
    ("stale_draft", _lazy("Draft older than 30 days")),
    ("no_english", _lazy("Item without an English name")),
    ("duplicate_name", _lazy("Duplicate Estonian name")),
)


def item_schema(classifier: Classifier) -> list[dict[str, Any]]:
    """The classifier's attribute definition in its clean form (labels, types, choices filled in)."""
    return check_schema(classifier.attribute_schema)


def schema_text(classifier: Classifier) -> str:
    """The attribute definition as editable JSON text."""
    return (
        json.dumps(classifier.attribute_schema, ensure_ascii=False, indent=1)
        if classifier.attribute_schema
        else ""
    )
