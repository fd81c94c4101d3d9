"""Writes of feature flags and their state per environment (every state change audited)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tugi.core.audit import audit_record
from tugi.core.crud import assign, save_new
from tugi.core.permissions import require

from ..audit_events_environments import EnvironmentEvent
from ..models import Environment, FeatureFlag, FlagState

FLAG_FIELDS = ("system", "key", "description", "archived")


@transaction.atomic
def flag_create(*, system: str, key: str, actor: Any, description: str = "", reason: str = "") -> FeatureFlag:
    """A new flag of ``system``; its key is unique within the system."""
    require(actor, "delivery.add_featureflag")
    key = (key or "").strip()
    if FeatureFlag.objects.filter(system=system, key=key).exists():
        raise ValidationError({"key": _("The system has a flag with this key already.")})
    flag = FeatureFlag()
    assign(flag, {"system": system, "key": key, "description": description}, FLAG_FIELDS)
    return save_new(flag, event=EnvironmentEvent.FLAG_CREATED, actor=actor, reason=reason)


def _flag_snapshot(flag: FeatureFlag) -> dict[str, Any]:
    data = flag.audit_snapshot()
    data["tickets"] = sorted(str(t) for t in flag.tickets.all()) if hasattr(flag, "tickets") else []
    return data


@transaction.atomic
def flag_update(
    *, flag: FeatureFlag, actor: Any, reason: str = "", tickets: Any = None, **values: Any
) -> bool:
    """Change a flag's description, archive it, or set its linked tickets; the key and system
    stay (systems read the flag by them). True if anything changed."""
    require(actor, "delivery.change_featureflag")
    obj = FeatureFlag.objects.select_for_update().get(pk=flag.pk)
    for locked in ("system", "key"):
        if locked in values and values[locked] != getattr(obj, locked):
            raise ValidationError({locked: _("The key and the system of a flag cannot change.")})
    before = _flag_snapshot(obj)
    assign(obj, values, FLAG_FIELDS)
    obj.full_clean()
    if tickets is not None and hasattr(obj, "tickets"):
        obj.tickets.set(list(tickets))
    after = _flag_snapshot(obj)
    if after == before:
        return False
    obj.save()
    audit_record(
        event=EnvironmentEvent.FLAG_UPDATED, actor=actor, obj=obj, before=before, after=after, reason=reason
    )
    flag.refresh_from_db()
    return True


def _state_snapshot(state: FlagState | None) -> dict[str, Any]:
    if state is None:
        return {"enabled": False, "variant": "", "set": False}
    return {"enabled": state.enabled, "variant": state.variant, "set": True}


@transaction.atomic
def flag_state_set(
    *,
    flag: FeatureFlag,
    environment: Environment,
    enabled: bool,
    actor: Any,
    variant: str = "",
    reason: str = "",
) -> FlagState:
    """Set the flag's state in one environment: one audit event with before / after (none when
    the state is already so)."""
    require(actor, "delivery.change_flagstate")
    if flag.system != environment.system:
        raise ValidationError({"environment": _("The environment belongs to another system than the flag.")})
    if flag.archived:
        raise ValidationError({"flag": _("The flag is archived; restore it before changing its state.")})
    variant = (variant or "").strip()
    state = FlagState.objects.select_for_update().filter(flag=flag, environment=environment).first()
    before = _state_snapshot(state)
    if state is not None and state.enabled == bool(enabled) and state.variant == variant:
        return state
    if state is None:
        state = FlagState(flag=flag, environment=environment)
    state.enabled, state.variant = bool(enabled), variant
    state.changed_at, state.changed_by = timezone.now(), actor
    state.full_clean()
    state.save()
    audit_record(
        event=EnvironmentEvent.FLAG_STATE_CHANGED,
        actor=actor,
        obj=state,
        before=before,
        after={**_state_snapshot(state), "flag": str(flag), "environment": environment.name},
        reason=reason,
    )
    return state
