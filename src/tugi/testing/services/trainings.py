"""Writes of trainings: the training itself, its materials (links or uploaded files) and its
participants with their attendance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tugi.core.audit import audit_record
from tugi.core.crud import assign, save_changes, save_new
from tugi.core.permissions import require
from tugi.core.uploads import store_upload

from ..audit_events_reports import ReportEvent
from ..models import Training, TrainingMaterial, TrainingParticipant

TRAINING_FIELDS = ("topic", "held_on", "description", "trainer")
MAX_MATERIAL_BYTES = 20 * 1024 * 1024


@transaction.atomic
def training_create(
    *,
    actor: Any,
    topic: str,
    held_on: dt.date,
    participants: Iterable[Any] = (),
    reason: str = "",
    **values: Any,
) -> Training:
    """A training with its invited participants (none attended yet)."""
    require(actor, "testing.add_training")
    training = Training()
    assign(
        training, {"topic": topic, "held_on": held_on, **values}, TRAINING_FIELDS, keep_spaces=["description"]
    )
    training.full_clean()
    training.save()
    users = sorted({u.pk: u for u in participants}.values(), key=lambda u: u.username)
    TrainingParticipant.objects.bulk_create([TrainingParticipant(training=training, user=u) for u in users])
    audit_record(
        event=ReportEvent.TRAINING_CREATED,
        actor=actor,
        obj=training,
        after={**training.audit_snapshot(), "participants": [u.username for u in users]},
        reason=reason,
    )
    return training


@transaction.atomic
def training_update(*, training: Training, actor: Any, reason: str = "", **values: Any) -> Training:
    require(actor, "testing.change_training")
    training = Training.objects.select_for_update().get(pk=training.pk)
    before = training.audit_snapshot()
    assign(training, values, TRAINING_FIELDS, keep_spaces=["description"])
    save_changes(training, before, event=ReportEvent.TRAINING_UPDATED, actor=actor, reason=reason)
    return training


@transaction.atomic
def training_material_add(
    *,
    training: Training,
    actor: Any,
    title: str,
    url: str = "",
    content: bytes | None = None,
    file_name: str = "",
    reason: str = "",
) -> TrainingMaterial:
    """A material of the training: a link or an uploaded file (exactly one of them)."""
    require(actor, "testing.change_training")
    if bool(url) == bool(content):
        raise ValidationError({"url": _("Give either a link or a file.")})
    material = TrainingMaterial(training=training, title=(title or "").strip(), url=(url or "").strip())
    if content:
        if len(content) > MAX_MATERIAL_BYTES:
            raise ValidationError({"file": _("The file is larger than 20 MB.")})
        name = PurePath(file_name or "material").name[:200]
        material.file_digest, _path = store_upload(content, _suffix(name))
        material.file_name = name
        material.title = material.title or name
    return save_new(material, event=ReportEvent.TRAINING_MATERIAL_ADDED, actor=actor, reason=reason)


def _suffix(name: str) -> str:
    suffix = PurePath(name).suffix.lower()
    return suffix if suffix[1:].isalnum() and len(suffix) <= 10 else ""


def material_suffix(material: TrainingMaterial) -> str:
    return _suffix(material.file_name)


@transaction.atomic
def training_participants_set(
    *,
    training: Training,
    actor: Any,
    participants: Iterable[Any],
    attended: Iterable[Any] = (),
    reason: str = "",
) -> Training:
    """Set who took part (``participants``) and who of them attended; one audit event."""
    require(actor, "testing.change_training")
    training = Training.objects.select_for_update().get(pk=training.pk)
    wanted = {u.pk: u for u in participants}
    attended_ids = {u.pk for u in attended}
    stray = attended_ids - set(wanted)
    if stray:
        raise ValidationError({"attended": _("Only participants can be marked as attended.")})
    current = {p.user_id: p for p in training.participants.select_related("user")}
    before = {p.user.username: p.attended for p in current.values()}
    TrainingParticipant.objects.filter(training=training).exclude(user__in=list(wanted)).delete()
    for pk, user in wanted.items():
        row = current.get(pk)
        if row is None:
            TrainingParticipant.objects.create(training=training, user=user, attended=pk in attended_ids)
        elif row.attended != (pk in attended_ids):
            row.attended = pk in attended_ids
            row.save(update_fields=["attended", "updated_at"])
    after = {u.username: u.pk in attended_ids for u in wanted.values()}
    if after != before:
        audit_record(
            event=ReportEvent.TRAINING_PARTICIPANTS_SET,
            actor=actor,
            obj=training,
            before=before,
            after=after,
            reason=reason,
        )
    return training
