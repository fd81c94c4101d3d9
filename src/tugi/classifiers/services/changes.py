"""Change requests of a classifier: items to add, change or retire, with a justification.

A request is drafted (operations added and removed), submitted, decided by the classifier's owner
(never by the requester: segregation of duties) and, once approved, published on or after its
planned date as a new version with the operations applied. Correspondence tables (old code → new
code between two versions) are imported from CSV or recorded when a retired code names its
replacements.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tugi.core.audit import audit_record
from tugi.core.imports import ImportError_, LineError, read_csv_rows
from tugi.core.permissions import can, require

from ..attributes import check_schema, clean_attributes
from ..audit_events import ClassifierEvent
from ..models import (
    ChangeOperation,
    ChangeRequest,
    ChangeRequestStatus,
    Classifier,
    ClassifierVersion,
    Correspondence,
    Item,
    ItemStatus,
    Operation,
    VersionStatus,
)
from . import versions

VALUE_FIELDS = ("name_et", "name_en", "description", "parent_code", "valid_from", "valid_to", "attributes")
CORRESPONDENCE_COLUMNS = ("old_code", "new_code")
ITEM_VALUE_FIELDS = (*VALUE_FIELDS, "level", "status")


def _snapshot(request: ChangeRequest) -> dict[str, Any]:
    data = request.audit_snapshot()
    data["operations"] = [
        {"operation": op.operation, "code": op.code, "values": op.values, "replaced_by": op.replaced_by}
        for op in request.operations.all()
    ]
    return data


def _locked(request: ChangeRequest) -> ChangeRequest:
    return ChangeRequest.objects.select_for_update().select_related("classifier").get(pk=request.pk)


def _published_codes(classifier: Classifier) -> set[str]:
    return set(Item.objects.filter(version__classifier=classifier).values_list("code", flat=True))


@transaction.atomic
def change_request_create(
    *,
    classifier: Classifier,
    title: str,
    justification: str,
    planned_publication: dt.date | None = None,
    actor: Any,
    reason: str = "",
) -> ChangeRequest:
    """A draft change request against the classifier's latest published version."""
    require(actor, "classifiers.add_changerequest")
    base = versions.latest_version(classifier, published_only=True)
    if base is None:
        raise ValidationError(
            {"classifier": _("The classifier has no published version yet; edit its draft version instead.")}
        )
    request = ChangeRequest(
        classifier=classifier,
        base_version=base,
        title=(title or "").strip(),
        justification=(justification or "").strip(),
        planned_publication=planned_publication,
        requested_by=actor,
    )
    request.full_clean()
    request.save()
    audit_record(
        event=ClassifierEvent.CHANGE_REQUEST_CREATED,
        actor=actor,
        obj=request,
        after=_snapshot(request),
        reason=reason,
    )
    return request


def _may_edit(request: ChangeRequest, actor: Any) -> None:
    if actor.pk != request.requested_by_id and not can(actor, "classifiers.change_changerequest"):
        raise PermissionDenied(_("Only the requester can change this change request."))
    if request.status != ChangeRequestStatus.DRAFT:
        raise ValidationError({"status": _("Only a draft change request can be changed.")})


def _clean_date(name: str, value: Any, errors: dict[str, str]) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        errors[name] = _("Enter a date like 2025-04-01.")
        return None


def _clean_values(
    classifier: Classifier,
    base_codes: dict[str, str],
    added_codes: set[str],
    values: dict[str, Any],
    *,
    operation: str,
) -> dict[str, Any]:
    """The values of an add or change operation, checked as an item would be."""
    errors: dict[str, str] = {}
    unknown = sorted(set(values) - set(VALUE_FIELDS))
    for name in unknown:
        errors[name] = _("Unknown field.")
    clean: dict[str, Any] = {}
    for name in ("name_et", "name_en", "description", "parent_code"):
        if name in values:
            clean[name] = str(values[name] or "").strip()
    limits = {"name_et": 500, "name_en": 500, "parent_code": 100}
    for name, limit in limits.items():
        if len(clean.get(name, "")) > limit:
            errors[name] = _("The value is longer than %(limit)d characters.") % {"limit": limit}
    if operation == Operation.ADD and not clean.get("name_et"):
        errors["name_et"] = _("The Estonian name is required.")
    if operation == Operation.CHANGE and "name_et" in clean and not clean["name_et"]:
        errors["name_et"] = _("The Estonian name cannot be emptied.")
    for name in ("valid_from", "valid_to"):
        if name in values:
            clean[name] = _clean_date(name, values[name], errors)
    start, end = clean.get("valid_from"), clean.get("valid_to")
    if start and end and end < start:
        errors["valid_to"] = _("The end of validity cannot be before its start.")
    parent = clean.get("parent_code")
    if parent and parent not in added_codes and base_codes.get(parent) != ItemStatus.ACTIVE:
        errors["parent_code"] = _("The parent code %(code)s is not an active code of the classifier.") % {
            "code": parent
        }
    if "attributes" in values or operation == Operation.ADD:
        try:
            clean["attributes"] = clean_attributes(
                check_schema(classifier.attribute_schema), values.get("attributes") or {}
            )
        except ValidationError as exc:
            errors.update({k: " ".join(v) for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def change_operation_add(
    *,
    request: ChangeRequest,
    operation: str,
    code: str,
    values: dict[str, Any] | None = None,
    replaced_by: str | Iterable[str] = "",
    actor: Any,
    reason: str = "",
) -> ChangeOperation:
    """Add one operation to a draft request: a new code, new values of an existing code, or
    retiring an active code (optionally naming the code or codes that replace it)."""
    require(actor, "classifiers.add_changeoperation")
    request = _locked(request)
    _may_edit(request, actor)
    before = _snapshot(request)
    classifier = request.classifier
    code = (code or "").strip()
    values = dict(values or {})
    if operation not in Operation.values:
        raise ValidationError({"operation": _("Choose the operation: add, change or retire.")})
    if not code:
        raise ValidationError({"code": _("The code is required.")})
    if len(code) > 100:
        raise ValidationError({"code": _("The value is longer than %(limit)d characters.") % {"limit": 100}})
    if request.operations.filter(code=code).exists():
        raise ValidationError(
            {"code": _("This request already has an operation on the code %(code)s.") % {"code": code}}
        )
    base_codes = dict(request.base_version.items.values_list("code", "status"))
    added_codes = set(request.operations.filter(operation=Operation.ADD).values_list("code", flat=True))
    replacements: list[str] = []
    if operation == Operation.ADD:
        used = Item.objects.filter(version__classifier=classifier, code=code).order_by("version__number")
        first = used.select_related("version").first()
        if first is not None:
            raise ValidationError(
                {
                    "code": _("The code %(code)s was already used in version %(n)d; codes are never reused.")
                    % {"code": code, "n": first.version.number}
                }
            )
        clean = _clean_values(classifier, base_codes, added_codes, values, operation=operation)
    elif operation == Operation.CHANGE:
        if code not in base_codes:
            raise ValidationError({"code": _("The classifier has no code %(code)s.") % {"code": code}})
        if "attributes" in values:  # the attributes given change; the others keep their values
            current = request.base_version.items.get(code=code).attributes or {}
            values["attributes"] = {**current, **(values["attributes"] or {})}
        clean = _clean_values(classifier, base_codes, added_codes, values, operation=operation)
        if clean.get("parent_code") == code:
            raise ValidationError({"parent_code": _("A code cannot be its own parent.")})
        if not clean:
            raise ValidationError({"values": _("Give at least one new value.")})
    else:
        if base_codes.get(code) != ItemStatus.ACTIVE:
            raise ValidationError({"code": _("The classifier has no active code %(code)s.") % {"code": code}})
        if values:
            raise ValidationError({"values": _("Retiring a code takes no new values.")})
        raw = replaced_by.split(",") if isinstance(replaced_by, str) else list(replaced_by)
        replacements = list(dict.fromkeys(c.strip() for c in raw if c.strip()))
        for new in replacements:
            if new == code:
                raise ValidationError({"replaced_by": _("A code cannot replace itself.")})
            if new not in added_codes and base_codes.get(new) != ItemStatus.ACTIVE:
                raise ValidationError(
                    {
                        "replaced_by": _("The replacing code %(code)s is not an active or added code.")
                        % {"code": new}
                    }
                )
        clean = {}
    op = ChangeOperation.objects.create(
        request=request, operation=operation, code=code, values=clean, replaced_by=",".join(replacements)
    )
    request.save(update_fields=["updated_at"])
    audit_record(
        event=ClassifierEvent.CHANGE_REQUEST_UPDATED,
        actor=actor,
        obj=request,
        before=before,
        after=_snapshot(request),
        reason=reason,
    )
    return op


@transaction.atomic
def change_operation_remove(*, operation: ChangeOperation, actor: Any, reason: str = "") -> None:
    """Take an operation out of a draft request."""
    require(actor, "classifiers.delete_changeoperation")
    request = _locked(operation.request)
    _may_edit(request, actor)
    replacing = [
        op.code
        for op in request.operations.filter(operation=Operation.RETIRE)
        if operation.code in op.replaced_by.split(",")
    ]
    if operation.operation == Operation.ADD and replacing:
        raise ValidationError(
            {
                "code": _("The retired code %(old)s names %(code)s as its replacement; remove that first.")
                % {"old": replacing[0], "code": operation.code}
            }
        )
    before = _snapshot(request)
    ChangeOperation.objects.filter(pk=operation.pk).delete()
    request.save(update_fields=["updated_at"])
    audit_record(
        event=ClassifierEvent.CHANGE_REQUEST_UPDATED,
        actor=actor,
        obj=request,
        before=before,
        after=_snapshot(request),
        reason=reason,
    )


@transaction.atomic
def change_request_submit(*, request: ChangeRequest, actor: Any, reason: str = "") -> ChangeRequest:
    """Send a draft request to the classifier's owner for a decision."""
    require(actor, "classifiers.add_changerequest")
    request = _locked(request)
    _may_edit(request, actor)
    if not request.operations.exists():
        raise ValidationError({"operations": _("Add at least one operation before submitting.")})
    request.status = ChangeRequestStatus.SUBMITTED
    request.save(update_fields=["status", "updated_at"])
    audit_record(
        event=ClassifierEvent.CHANGE_REQUEST_SUBMITTED,
        actor=actor,
        obj=request,
        before={"status": ChangeRequestStatus.DRAFT},
        after={"status": request.status},
        reason=reason,
    )
    return request


DECISIONS = {"approve": ChangeRequestStatus.APPROVED, "reject": ChangeRequestStatus.REJECTED}


@transaction.atomic
def change_request_decide(
    *, request: ChangeRequest, decision: str, comment: str = "", actor: Any, reason: str = ""
) -> ChangeRequest:
    """The classifier's owner approves or rejects a submitted request; never its requester."""
    require(actor, "classifiers.change_changerequest")
    request = _locked(request)
    if decision not in DECISIONS:
        raise ValidationError({"decision": _("Choose the decision: approve or reject.")})
    if request.requested_by_id == actor.pk:
        raise PermissionDenied(
            _("You requested this change; the classifier's owner approves it (segregation of duties).")
        )
    if request.classifier.owner_id != actor.pk:
        raise PermissionDenied(_("Only the classifier's owner can decide its change requests."))
    if request.status != ChangeRequestStatus.SUBMITTED:
        raise ValidationError({"status": _("Only a submitted change request can be decided.")})
    comment = (comment or "").strip()
    if decision == "reject" and not comment:
        raise ValidationError({"comment": _("Say why the request is rejected.")})
    before = {"status": request.status}
    request.status = DECISIONS[decision]
    request.decided_by, request.decided_at, request.decision_comment = actor, timezone.now(), comment
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_comment", "updated_at"])
    audit_record(
        event=ClassifierEvent.CHANGE_REQUEST_DECIDED,
        actor=actor,
        obj=request,
        before=before,
        after={"status": request.status, "comment": comment},
        reason=reason,
    )
    return request


def _level(code: str, items: dict[str, Item]) -> int:
    level, seen = 1, {code}
    parent = items[code].parent_code if code in items else ""
    while parent and parent in items and parent not in seen:
        seen.add(parent)
        level += 1
        parent = items[parent].parent_code
    return level


@transaction.atomic
def change_request_publish(
    *, request: ChangeRequest, valid_from: dt.date, actor: Any, reason: str = ""
) -> ClassifierVersion:
    """Publish an approved request as a new version valid from ``valid_from``: a draft copied from
    the latest version, the operations applied (retired codes end the day before), frozen and
    announced; retired codes with replacements get correspondence rows old → new."""
    require(actor, "classifiers.change_changerequest")
    request = _locked(request)
    classifier = request.classifier
    if request.status != ChangeRequestStatus.APPROVED:
        raise ValidationError({"status": _("Only an approved change request can be published.")})
    if valid_from is None:
        raise ValidationError({"valid_from": _("Give the date the new version is valid from.")})
    if (
        request.planned_publication
        and valid_from < request.planned_publication
        and not (reason or "").strip()
    ):
        raise ValidationError(
            {
                "reason": _("The publication is planned for %(date)s; give a reason to publish it earlier.")
                % {"date": request.planned_publication.isoformat()}
            }
        )
    open_draft = classifier.versions.filter(status=VersionStatus.DRAFT).first()
    if open_draft is not None:
        raise ValidationError(
            {
                "valid_from": _(
                    "The classifier has an open draft version %(n)d; "
                    "publish or remove it before publishing this request."
                )
                % {"n": open_draft.number}
            }
        )
    previous = versions.latest_version(classifier, published_only=True)
    operations = list(request.operations.all())
    draft = versions.version_draft_create(
        classifier=classifier,
        actor=actor,
        note=_("Change request #%(pk)d: %(title)s") % {"pk": request.pk, "title": request.title},
        reason=reason,
    )
    items = {item.code: item for item in draft.items.all()}
    ever_used = _published_codes(classifier)
    errors: dict[str, str] = {}
    next_order = max((i.order for i in items.values()), default=0) + 1
    new_items: list[Item] = []
    touched: dict[str, Item] = {}
    for op in operations:
        if op.operation == Operation.ADD:
            if op.code in items or op.code in ever_used:
                errors[op.code] = _("The code %(code)s is already used; codes are never reused.") % {
                    "code": op.code
                }
                continue
            item = Item(version=draft, code=op.code, order=next_order, status=ItemStatus.ACTIVE)
            next_order += 1
            items[op.code] = item
            new_items.append(item)
        else:
            found = items.get(op.code)
            if found is None or (op.operation == Operation.RETIRE and found.status != ItemStatus.ACTIVE):
                errors[op.code] = _("The code %(code)s is no longer active.") % {"code": op.code}
                continue
            item = touched[op.code] = found
        if op.operation == Operation.RETIRE:
            item.status = ItemStatus.RETIRED
            item.valid_to = valid_from - dt.timedelta(days=1)
            continue
        for name, value in (op.values or {}).items():
            if name in ("valid_from", "valid_to"):
                value = dt.date.fromisoformat(value) if value else None
            setattr(item, name, value)
    if errors:
        raise ValidationError(errors)
    for item in items.values():
        level = _level(item.code, items)
        if level != item.level:
            item.level = level
            if item.pk:
                touched[item.code] = item
    Item.objects.bulk_create(new_items, batch_size=2000)
    Item.objects.bulk_update(list(touched.values()), [f for f in ITEM_VALUE_FIELDS], batch_size=2000)
    version = versions.version_publish(version=draft, valid_from=valid_from, actor=actor, reason=reason)
    correspondences = []
    if previous is not None:
        for op in operations:
            if op.operation == Operation.RETIRE and op.replaced_by:
                for new in op.replaced_by.split(","):
                    correspondences.append(
                        Correspondence(
                            classifier=classifier,
                            from_version=previous,
                            to_version=version,
                            old_code=op.code,
                            new_code=new,
                            note=_("change request #%(pk)d") % {"pk": request.pk},
                        )
                    )
        Correspondence.objects.bulk_create(correspondences)
    request.status, request.published_version = ChangeRequestStatus.PUBLISHED, version
    request.save(update_fields=["status", "published_version", "updated_at"])
    audit_record(
        event=ClassifierEvent.CHANGE_REQUEST_PUBLISHED,
        actor=actor,
        obj=request,
        before={"status": ChangeRequestStatus.APPROVED},
        after={
            "status": request.status,
            "version": version.number,
            "valid_from": valid_from.isoformat(),
            "operations": len(operations),
            "correspondences": [f"{c.old_code}→{c.new_code}" for c in correspondences],
        },
        reason=reason,
    )
    return version


def correspondence_validate(
    content: bytes, *, from_version: ClassifierVersion, to_version: ClassifierVersion
) -> list[tuple[int, str, str, str]]:
    """Check a whole correspondence file (``old_code;new_code;note``): old codes must exist in the
    from-version, new codes in the to-version. ImportError_ lists every bad line."""
    old_codes = set(from_version.items.values_list("code", flat=True))
    new_codes = set(to_version.items.values_list("code", flat=True))
    rows: list[tuple[int, str, str, str]] = []
    errors: list[LineError] = []
    seen: dict[tuple[str, str], int] = {}
    try:
        for line, record in read_csv_rows(content, required=CORRESPONDENCE_COLUMNS, optional=("note",)):
            old, new = record["old_code"].strip(), record["new_code"].strip()
            note = (record.get("note") or "").strip()
            found: list[LineError] = []
            if not old:
                found.append(LineError(line, "old_code", _("The old code is empty.")))
            elif old not in old_codes:
                found.append(
                    LineError(
                        line,
                        "old_code",
                        _("Version %(n)d has no code %(code)s.") % {"n": from_version.number, "code": old},
                    )
                )
            if not new:
                found.append(LineError(line, "new_code", _("The new code is empty.")))
            elif new not in new_codes:
                found.append(
                    LineError(
                        line,
                        "new_code",
                        _("Version %(n)d has no code %(code)s.") % {"n": to_version.number, "code": new},
                    )
                )
            if len(note) > 300:
                found.append(
                    LineError(
                        line, "note", _("The value is longer than %(limit)d characters.") % {"limit": 300}
                    )
                )
            if (old, new) in seen:
                found.append(
                    LineError(
                        line,
                        "new_code",
                        _("The same pair is already on line %(line)d.") % {"line": seen[(old, new)]},
                    )
                )
            else:
                seen[(old, new)] = line
            errors.extend(found)
            if not found:
                rows.append((line, old, new, note))
    except ImportError_ as exc:
        errors.extend(exc.errors)
    if errors:
        raise ImportError_(sorted(errors, key=lambda e: e.line))
    if not rows:
        raise ImportError_([LineError(1, "", _("The file has no rows; nothing to import."))])
    return rows


@transaction.atomic
def correspondence_import(
    *,
    classifier: Classifier,
    from_version: ClassifierVersion | None,
    to_version: ClassifierVersion | None,
    content: bytes,
    actor: Any,
    reason: str = "",
) -> dict[str, Any]:
    """Replace the correspondence table between two versions by the file's (all or nothing).
    Importing the same file again changes nothing and writes no audit event."""
    require(actor, "classifiers.add_correspondence")
    require(actor, "classifiers.delete_correspondence")
    if (
        from_version is None
        or to_version is None
        or from_version.classifier_id != classifier.pk
        or to_version.classifier_id != classifier.pk
    ):
        raise ValidationError({"from_version": _("Both versions must be versions of this classifier.")})
    if from_version.pk == to_version.pk:
        raise ValidationError({"to_version": _("Choose two different versions.")})
    rows = correspondence_validate(content, from_version=from_version, to_version=to_version)
    existing_qs = Correspondence.objects.filter(from_version=from_version, to_version=to_version)
    existing = {(c.old_code, c.new_code): c.note for c in existing_qs}
    wanted = {(old, new): note for _line, old, new, note in rows}
    summary = {
        "rows": len(rows),
        "added": len(set(wanted) - set(existing)),
        "removed": len(set(existing) - set(wanted)),
        "changed": sum(1 for k in set(wanted) & set(existing) if wanted[k] != existing[k]),
    }
    if wanted == existing:
        return summary
    existing_qs.delete()
    Correspondence.objects.bulk_create(
        [
            Correspondence(
                classifier=classifier,
                from_version=from_version,
                to_version=to_version,
                old_code=old,
                new_code=new,
                note=note,
            )
            for (old, new), note in wanted.items()
        ]
    )
    audit_record(
        event=ClassifierEvent.CORRESPONDENCE_IMPORTED,
        actor=actor,
        obj=classifier,
        before={"from": from_version.number, "to": to_version.number, "rows": len(existing)},
        after={"from": from_version.number, "to": to_version.number, **summary},
        reason=reason,
    )
    return summary
