"""Personal API tokens: shown once at creation, stored as SHA-256, with expiry and revocation."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..audit import CoreEvent, audit_record
from ..models import ApiToken
from ..permissions import can, require

TOKEN_PREFIX = "tugi_"  # noqa: S105 - a public marker, not a secret


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def token_create(
    *,
    user: Any,
    name: str,
    actor: Any,
    days: int | None = None,
    reason: str = "",
    on_behalf_permission: str = "",
) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns the record and the token text (never stored).

    Users create their own tokens. An area may let an actor create one for another (service) user
    by naming the permission that grants it, e.g. ``classifiers.change_consumingsystem``."""
    if actor.pk != user.pk and not actor.is_superuser:
        if not (on_behalf_permission and can(actor, on_behalf_permission)):
            raise PermissionDenied(_("You can create tokens only for yourself."))
    else:
        require(actor, "core.add_apitoken")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. the script that uses it.")})
    if len(name) > 100:
        raise ValidationError({"name": _("The name can have at most 100 characters.")})
    days = settings.API_TOKEN_DEFAULT_DAYS if days is None else days
    if not 1 <= days <= 366:
        raise ValidationError({"days": _("A token is valid for 1 to 366 days.")})
    text = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        prefix=text[: len(TOKEN_PREFIX) + 6],
        token_hash=_hash(text),
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    token.full_clean()
    token.save()
    audit_record(
        event=CoreEvent.TOKEN_CREATED, actor=actor, obj=token, after=token.audit_snapshot(), reason=reason
    )
    return token, text


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: Any, reason: str = "") -> ApiToken:
    require(actor, "core.change_apitoken")
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != actor.pk and not actor.is_superuser:
        raise PermissionDenied(_("You can revoke only your own tokens."))
    if token.revoked_at is not None:
        return token
    before = token.audit_snapshot()
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at", "updated_at"])
    audit_record(
        event=CoreEvent.TOKEN_REVOKED,
        actor=actor,
        obj=token,
        before=before,
        after=token.audit_snapshot(),
        reason=reason,
    )
    return token


def token_authenticate(text: str) -> Any | None:
    """The active user owning an active token, or None. Records the last use (not audited: a read)."""
    if not text or not text.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(token_hash=_hash(text)).first()
    if token is None or not token.is_active or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
