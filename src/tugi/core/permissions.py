"""Permission checks that services make before they change anything."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def require(actor: Any, perm: str) -> None:
    """Refuse the change unless ``actor`` holds ``perm`` (``app_label.codename``)."""
    if actor is None or not getattr(actor, "is_active", False):
        raise PermissionDenied(_("You must be signed in."))
    if not actor.has_perm(perm):
        raise PermissionDenied(_("You do not have the right to do this (%(perm)s).") % {"perm": perm})


def can(actor: Any, perm: str) -> bool:
    return bool(actor is not None and getattr(actor, "is_active", False) and actor.has_perm(perm))
