"""The one typed audit log.

Each area declares its event types as a ``TextChoices`` enum whose values start with the area
(``"core.person_created"``) and registers it with ``register_event_types``. Services call
``audit_record`` inside the transaction of the change they make.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from .context import current_request_id

_EVENT_TYPES: dict[str, Any] = {}


def register_event_types(enum_cls: type[models.TextChoices]) -> type[models.TextChoices]:
    for member in enum_cls:
        if "." not in member.value:
            raise ValueError(f"audit event type {member.value!r} must be 'area.action'")
        _EVENT_TYPES[member.value] = member
    return enum_cls


def event_type_choices() -> list[tuple[str, str]]:
    return sorted(((value, str(member.label)) for value, member in _EVENT_TYPES.items()), key=lambda c: c[0])


def event_label(value: str) -> str:
    member = _EVENT_TYPES.get(value)
    return str(member.label) if member is not None else value


@register_event_types
class CoreEvent(models.TextChoices):
    PERSON_CREATED = "core.person_created", _("person created")
    PERSON_UPDATED = "core.person_updated", _("person updated")
    PERSONS_IMPORTED = "core.persons_imported", _("persons imported")
    TOKEN_CREATED = "core.token_created", _("API token created")
    TOKEN_REVOKED = "core.token_revoked", _("API token revoked")
    JOB_STARTED = "core.job_started", _("job started")
    JOB_FINISHED = "core.job_finished", _("job finished")
    TOPIC_CREATED = "core.topic_created", _("topic created")
    SUBSCRIBED = "core.subscribed", _("subscribed to a topic")
    UNSUBSCRIBED = "core.unsubscribed", _("unsubscribed from a topic")
    NOTIFIED = "core.notified", _("topic notified")
    NOTIFICATION_READ = "core.notification_read", _("notification read")
    USER_CREATED = "core.user_created", _("user created")
    USER_ROLES_CHANGED = "core.user_roles_changed", _("user's roles changed")
    USER_DEACTIVATED = "core.user_deactivated", _("user deactivated")
    USER_ACTIVATED = "core.user_activated", _("user reactivated")
    USER_PASSWORD_SET = "core.user_password_set", _("user's password set")


class _Encoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, decimal.Decimal):
            return str(o)
        if isinstance(o, uuid.UUID):
            return str(o)
        if isinstance(o, models.Model):
            return o.pk
        return super().default(o)


def to_json(value: Any) -> Any:
    """A JSON-safe copy (dates as ISO text, Decimals as exact strings)."""
    return json.loads(json.dumps(value, cls=_Encoder))


def snapshot(instance: models.Model) -> dict[str, Any]:
    data = model_to_dict(instance)
    for field in instance._meta.concrete_fields:
        if not field.editable and field.name not in data:
            data[field.name] = getattr(instance, field.attname)
    data.pop("updated_at", None)
    return to_json(data)


def changed(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, tuple[Any, Any]]:
    """Field-level differences between two snapshots."""
    before, after = before or {}, after or {}
    keys = sorted(set(before) | set(after))
    return {k: (before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)}


def audit_record(
    *,
    event: models.TextChoices,
    actor: Any,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    object_repr: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    when: dt.datetime | None = None,
) -> Any:
    """Write one audit event; must run inside the transaction of the change."""
    from .models import AuditEvent

    if event.value not in _EVENT_TYPES:
        raise ValueError(f"unregistered audit event type {event!r}")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change it records")
    if actor is None:
        raise ValueError("every audit event needs an actor; batch jobs use the system actor")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id if object_id is not None else obj.pk
        object_repr = object_repr or str(obj)
    kwargs: dict[str, Any] = {}
    if when is not None:
        kwargs["occurred_at"] = when
    return AuditEvent.objects.create(
        event_type=event.value,
        actor=actor,
        actor_label=actor.get_username(),
        object_type=object_type or "",
        object_id=str(object_id or ""),
        object_repr=(object_repr or "")[:200],
        before=to_json(before) if before is not None else None,
        after=to_json(after) if after is not None else None,
        reason=reason,
        request_id=current_request_id(),
        **kwargs,
    )


def object_history(obj: models.Model) -> list[Any]:
    """The audit events recorded about ``obj``, oldest first, each with ``label`` (the event's
    name): the history a record's own page shows. The caller has checked that the user may see it."""
    from .models import AuditEvent

    events = list(
        AuditEvent.objects.select_related("actor")
        .filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("occurred_at", "id")
    )
    for event in events:
        event.label = event_label(event.event_type)  # type: ignore[attr-defined]
    return events
