"""Writes of environments: create and change (each one audit event)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tugi.core.crud import assign, save_changes, save_new
from tugi.core.permissions import require

from ..audit_events_environments import EnvironmentEvent
from ..models import Environment

ENVIRONMENT_FIELDS = (
    "system",
    "kind",
    "name",
    "url",
    "health_url",
    "version_url",
    "owner",
    "last_clone_date",
    "status",
    "notes",
)


@transaction.atomic
def environment_create(*, actor: Any, reason: str = "", **values: Any) -> Environment:
    """A new environment of a system (``system``, ``kind``, ``name`` and the other fields)."""
    require(actor, "delivery.add_environment")
    env = Environment()
    assign(env, values, ENVIRONMENT_FIELDS)
    return save_new(env, event=EnvironmentEvent.ENVIRONMENT_CREATED, actor=actor, reason=reason)


@transaction.atomic
def environment_update(*, environment: Environment, actor: Any, reason: str = "", **values: Any) -> bool:
    """Change an environment's fields; True if anything changed (then one audit event)."""
    require(actor, "delivery.change_environment")
    env = Environment.objects.select_for_update().get(pk=environment.pk)
    before = env.audit_snapshot()
    assign(env, values, ENVIRONMENT_FIELDS)
    changed = save_changes(
        env, before, event=EnvironmentEvent.ENVIRONMENT_UPDATED, actor=actor, reason=reason
    )
    environment.refresh_from_db()
    return changed
