"""Writes of the guides topic: guides and process guides with review dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tugi.core.audit import audit_record
from tugi.core.crud import assign, save_changes, save_new
from tugi.core.permissions import can, require
from tugi.core.roles import Role, has_role

from ..audit_events import WorkEvent
from ..models import Guide

GUIDE_FIELDS = ("title", "slug", "kind", "area", "body", "owner", "review_interval_days", "last_reviewed_on")


def _assign(obj: Any, fields: tuple[str, ...], values: dict[str, Any]) -> None:
    assign(obj, values, fields, keep_spaces=["body"])


def _check_guide(guide: Guide) -> None:
    if guide.last_reviewed_on and guide.last_reviewed_on > dt.date.today():
        raise ValidationError({"last_reviewed_on": _("The review date cannot be in the future.")})
    if not 1 <= (guide.review_interval_days or 0) <= 3660:
        raise ValidationError({"review_interval_days": _("The review interval is 1 to 3660 days.")})


@transaction.atomic
def guide_create(*, actor: Any, reason: str = "", **values: Any) -> Guide:
    require(actor, "work.add_guide")
    guide = Guide()
    values.setdefault("last_reviewed_on", dt.date.today())
    _assign(guide, GUIDE_FIELDS, values)
    _check_guide(guide)
    return save_new(guide, event=WorkEvent.GUIDE_CREATED, actor=actor, reason=reason)


@transaction.atomic
def guide_update(*, guide: Guide, actor: Any, reason: str = "", **values: Any) -> Guide:
    """Change a guide; a change of its text makes a new version."""
    require(actor, "work.change_guide")
    guide = Guide.objects.select_for_update().get(pk=guide.pk)
    before = guide.audit_snapshot()
    _assign(guide, GUIDE_FIELDS, values)
    _check_guide(guide)
    if guide.body != before["body"] or guide.title != before["title"]:
        guide.version += 1
    save_changes(guide, before, event=WorkEvent.GUIDE_UPDATED, actor=actor, reason=reason)
    return guide


def guide_can_confirm_review(*, guide: Guide, actor: Any) -> bool:
    """Whether ``actor`` may confirm ``guide``'s review: its owner, or an administrator."""
    if not can(actor, "work.change_guide"):
        return False
    return bool(guide.owner_id == actor.pk or actor.is_superuser or has_role(actor, Role.ADMIN))


@transaction.atomic
def guide_mark_reviewed(*, guide: Guide, actor: Any, on: dt.date | None = None, reason: str = "") -> Guide:
    """The owner (or an administrator) confirms the guide is current."""
    require(actor, "work.change_guide")
    guide = Guide.objects.select_for_update().get(pk=guide.pk)
    if not guide_can_confirm_review(guide=guide, actor=actor):
        raise PermissionDenied(_("Only the guide's owner can confirm its review."))
    on = on or dt.date.today()
    if on > dt.date.today():
        raise ValidationError({"last_reviewed_on": _("The review date cannot be in the future.")})
    if on == guide.last_reviewed_on:
        return guide
    before = {"last_reviewed_on": guide.last_reviewed_on.isoformat()}
    guide.last_reviewed_on = on
    guide.save(update_fields=["last_reviewed_on", "updated_at"])
    audit_record(
        event=WorkEvent.GUIDE_REVIEWED,
        actor=actor,
        obj=guide,
        before=before,
        after={"last_reviewed_on": on.isoformat()},
        reason=reason,
    )
    return guide
