"""Tugi's own users (staff who sign in) and their roles."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..audit import CoreEvent, audit_record
from ..permissions import require
from ..roles import Role


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    roles: list[Role],
    actor: Any,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    is_superuser: bool = False,
    reason: str = "",
) -> Any:
    require(actor, "auth.add_user")
    user_model = get_user_model()
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": _("User name is required.")})
    if user_model.objects.filter(username=username).exists():
        raise ValidationError({"username": _("This user name is taken.")})
    user = user_model(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.set(Group.objects.filter(name__in=[r.value for r in roles]))
    audit_record(
        event=CoreEvent.USER_CREATED,
        actor=actor,
        obj=user,
        after={"username": username, "roles": sorted(r.value for r in roles), "is_superuser": is_superuser},
        reason=reason,
    )
    return user


@transaction.atomic
def user_set_roles(*, user: Any, roles: list[Role], actor: Any, reason: str = "") -> Any:
    """Give ``user`` exactly these roles."""
    require(actor, "auth.change_user")
    before = sorted(user.groups.values_list("name", flat=True))
    after = sorted(r.value for r in roles)
    if before == after:
        return user
    user.groups.set(Group.objects.filter(name__in=after))
    audit_record(
        event=CoreEvent.USER_ROLES_CHANGED,
        actor=actor,
        obj=user,
        before={"roles": before},
        after={"roles": after},
        reason=reason,
    )
    return user


@transaction.atomic
def user_set_active(*, user: Any, active: bool, actor: Any, reason: str = "") -> Any:
    """Deactivate (a leaver) or reactivate a user; a deactivated user cannot sign in or use tokens."""
    require(actor, "auth.change_user")
    if user.pk == actor.pk and not active:
        raise ValidationError({"active": _("You cannot deactivate yourself.")})
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(
        event=CoreEvent.USER_ACTIVATED if active else CoreEvent.USER_DEACTIVATED,
        actor=actor,
        obj=user,
        before={"is_active": not active},
        after={"is_active": active},
        reason=reason,
    )
    return user


@transaction.atomic
def user_set_password(*, user: Any, password: str, actor: Any, reason: str = "") -> Any:
    require(actor, "auth.change_user")
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(event=CoreEvent.USER_PASSWORD_SET, actor=actor, obj=user, reason=reason)
    return user


@transaction.atomic
def user_change_own_password(*, user: Any, old_password: str, new_password: str) -> Any:
    """A signed-in user changes their own password (the old one must be right)."""
    if not user.check_password(old_password):
        raise ValidationError({"old_password": _("Your current password is not right.")})
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.messages}) from None
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit_record(event=CoreEvent.USER_PASSWORD_SET, actor=user, obj=user, reason="changed by the user")
    return user
