"""Query sets every Tugi model uses: ``restrict(user, action)`` and dated ``as_of(day)``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def sees_everything(user: Any) -> bool:
    """Administrators and auditors see every object, not only their own."""
    from .roles import Role, has_role

    return bool(user.is_superuser) or has_role(user, Role.ADMIN) or has_role(user, Role.AUDITOR)


class RestrictedQuerySet(models.QuerySet):
    """NetBox-style restriction: only what ``user`` may ``action`` (view, add, change, delete).

    A user without the model permission gets an empty query set, so a forbidden object answers
    exactly like a missing one. Models with ``owner_field`` are further limited to the user's own
    objects unless the user is an administrator or an auditor.
    """

    def restrict(
        self, user: AbstractBaseUser | AnonymousUser | None, action: str = "view"
    ) -> RestrictedQuerySet:
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if getattr(user, "is_superuser", False):
            return self
        meta = self.model._meta
        perm = f"{meta.app_label}.{action}_{meta.model_name}"
        if not user.has_perm(perm):  # type: ignore[attr-defined]
            return self.none()
        owner_field = getattr(self.model, "owner_field", None)
        if owner_field and not sees_everything(user):
            return self.filter(**{owner_field: user})
        return self


class DatedQuerySet(RestrictedQuerySet):
    """Rows with ``valid_from`` / ``valid_to`` (inclusive, open when empty)."""

    def as_of(self, day: dt.date) -> DatedQuerySet:
        return self.filter(valid_from__lte=day).filter(
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day)
        )

    def overlapping(self, valid_from: dt.date, valid_to: dt.date | None) -> DatedQuerySet:
        """Rows whose period shares at least one day with [valid_from, valid_to]."""
        qs = self.filter(models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=valid_from))
        if valid_to is not None:
            qs = qs.filter(valid_from__lte=valid_to)
        return qs
