"""The two steps every audited create and update share: validate, save, record one event.

Services keep their own permission checks and domain rules and call these last, inside their
transaction, so the audit row and the change commit together.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

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
