"""The two steps every audited create and update share: validate, save, record one event.

Services keep their own permission checks and domain rules and call these last, inside their
transaction, so the audit row and the change commit together.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from .audit import audit_record

M = TypeVar("M", bound=models.Model)


def save_new(obj: M, *, event: models.TextChoices, actor: Any, reason: str = "") -> M:
    """Validate and insert ``obj`` and write its creation event (``after`` = its snapshot)."""
    obj.full_clean()
    obj.save()
    audit_record(event=event, actor=actor, obj=obj, after=obj.audit_snapshot(), reason=reason)  # type: ignore[attr-defined]
    return obj


def save_changes(
    obj: M, before: dict[str, Any], *, event: models.TextChoices, actor: Any, reason: str = ""
) -> bool:
    """Validate ``obj``; if it differs from ``before``, save it and write one event. True if saved."""
    obj.full_clean()
    after = obj.audit_snapshot()  # type: ignore[attr-defined]
    if after == before:
        return False
    obj.save()
    audit_record(event=event, actor=actor, obj=obj, before=before, after=after, reason=reason)
    return True


def save_fields(obj: M, *, event: models.TextChoices, actor: Any, reason: str = "", **changes: Any) -> bool:
    """Set a few fields (a status, a review date) and record just those as before / after.
    Nothing is written when every field already has its value. True if saved."""
    before = {name: getattr(obj, name) for name in changes}
    if before == changes:
        return False
    for name, value in changes.items():
        setattr(obj, name, value)
    fields = list(changes)
    if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
        fields.append("updated_at")
    obj.save(update_fields=fields)
    audit_record(event=event, actor=actor, obj=obj, before=before, after=changes, reason=reason)
    return True


def refuse_unknown(values: dict[str, Any], allowed: Iterable[str]) -> None:
    """A ValidationError naming every key of ``values`` that is not an allowed field."""
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})


def assign(
    obj: Any, values: dict[str, Any], allowed: Iterable[str], *, keep_spaces: Iterable[str] = ()
) -> None:
    """Set ``values`` on ``obj`` after refusing unknown fields; text is stripped except in
    ``keep_spaces`` (e.g. Markdown bodies)."""
    refuse_unknown(values, allowed)
    keep = set(keep_spaces)
    for name, value in values.items():
        setattr(obj, name, value.strip() if isinstance(value, str) and name not in keep else value)
