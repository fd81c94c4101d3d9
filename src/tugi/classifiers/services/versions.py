"""Versions of a classifier: a draft copied from the latest version, and publishing (freezing)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tugi.core.audit import audit_record
from tugi.core.permissions import require
from tugi.core.registry import Recipient

from ..audit_events import ClassifierEvent
from ..models import Classifier, ClassifierStatus, ClassifierVersion, Item, VersionStatus

ITEM_FIELDS = (
    "code",
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
PUBLISHED_TOPIC = "classifier-published"


def latest_version(classifier: Classifier, *, published_only: bool = False) -> ClassifierVersion | None:
    qs = classifier.versions.all()
    if published_only:
        qs = qs.filter(status=VersionStatus.PUBLISHED)
    return qs.order_by("-number").first()


@transaction.atomic
def version_draft_create(
    *, classifier: Classifier, actor: Any, note: str = "", reason: str = ""
) -> ClassifierVersion:
    """A new draft version with every item of the latest version copied (one open draft at a time)."""
    require(actor, "classifiers.add_classifierversion")
    classifier = Classifier.objects.select_for_update().get(pk=classifier.pk)
    if classifier.versions.filter(status=VersionStatus.DRAFT).exists():
        raise ValidationError(
            {"version": _("This classifier already has a draft version; edit or publish it.")}
        )
    base = latest_version(classifier)
    number = (classifier.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ClassifierVersion.objects.create(classifier=classifier, number=number, note=note, based_on=base)
    if base is not None:
        Item.objects.bulk_create(
            [
                Item(version=version, **{f: getattr(item, f) for f in ITEM_FIELDS})
                for item in base.items.all()
            ],
            batch_size=2000,
        )
    audit_record(
        event=ClassifierEvent.VERSION_CREATED,
        actor=actor,
        obj=version,
        after={"number": number, "based_on": base.number if base else None, "items": version.items.count()},
        reason=reason,
    )
    return version


def content_hash(version: ClassifierVersion) -> str:
    """A stable hash of the version's items (its HTTP ETag)."""
    digest = hashlib.sha256()
    for row in version.items.order_by("code").values_list(*ITEM_FIELDS):
        digest.update(json.dumps(row, default=str, sort_keys=True).encode())
    digest.update(f"{version.valid_from}|{version.valid_to}|{version.number}".encode())
    return digest.hexdigest()


@transaction.atomic
def version_publish(
    *,
    version: ClassifierVersion,
    valid_from: dt.date,
    actor: Any,
    reason: str = "",
    notify_consumers: bool = True,
) -> ClassifierVersion:
    """Freeze a draft version, valid from ``valid_from``; the previous published version ends the day
    before. The classifier becomes active. Subscribers of ``classifier-published`` and the consuming
    systems' contacts are told."""
    require(actor, "classifiers.change_classifierversion")
    version = ClassifierVersion.objects.select_for_update().select_related("classifier").get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise ValidationError({"version": _("Only a draft version can be published.")})
    if not version.items.exists():
        raise ValidationError({"version": _("An empty version cannot be published.")})
    previous = latest_version(version.classifier, published_only=True)
    if previous is not None and previous.valid_from and valid_from <= previous.valid_from:
        raise ValidationError(
            {
                "valid_from": _("The new version must start after %(date)s, when version %(n)d started.")
                % {"date": previous.valid_from.isoformat(), "n": previous.number}
            }
        )
    if previous is not None:
        previous.valid_to = valid_from - dt.timedelta(days=1)
        previous.save(update_fields=["valid_to", "updated_at"])
    version.status, version.valid_from, version.valid_to = VersionStatus.PUBLISHED, valid_from, None
    version.published_at, version.published_by = timezone.now(), actor
    version.etag = content_hash(version)
    version.save()
    classifier = version.classifier
    if classifier.status == ClassifierStatus.DRAFT:
        classifier.status = ClassifierStatus.ACTIVE
        classifier.save(update_fields=["status", "updated_at"])
    audit_record(
        event=ClassifierEvent.VERSION_PUBLISHED,
        actor=actor,
        obj=version,
        before={"status": VersionStatus.DRAFT, "previous_valid_to": None},
        after={
            "status": VersionStatus.PUBLISHED,
            "valid_from": valid_from.isoformat(),
            "etag": version.etag,
            "previous": previous.number if previous else None,
        },
        reason=reason,
    )
    if notify_consumers:
        _announce(version, actor)
    return version


def _announce(version: ClassifierVersion, actor: Any) -> None:
    from tugi.core.services import notify

    classifier = version.classifier
    contacts = [Recipient(c.contact_email, c.name) for c in classifier.consumers.all() if c.contact_email]
    notify(
        topic=PUBLISHED_TOPIC,
        subject=_("Classifier %(code)s: version %(n)d is published")
        % {"code": classifier.code, "n": version.number},
        body=_("%(name)s, version %(n)d, valid from %(date)s.")
        % {"name": classifier.name_et, "n": version.number, "date": version.valid_from},
        actor=actor,
        dedup_key=f"classifier-published:{version.pk}",
        url=f"/classifiers/{classifier.code}/versions/{version.number}/",
        emails=contacts,
        users=[classifier.owner] + ([classifier.maintainer] if classifier.maintainer else []),
    )
