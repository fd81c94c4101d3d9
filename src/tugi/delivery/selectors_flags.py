"""Reads of feature flags: lists, the flag × environment matrix, evaluation for OFREP."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from tugi.core.selectors import get_restricted

from .models import KIND_ORDER, Environment, FeatureFlag, FlagState


def flags(*, user: Any) -> QuerySet[FeatureFlag]:
    return FeatureFlag.objects.restrict(user).prefetch_related(
        Prefetch("states", queryset=FlagState.objects.select_related("environment"))
    )


def flag_get(*, user: Any, pk: Any, action: str = "view") -> FeatureFlag:
    return get_restricted(FeatureFlag.objects.all(), user, action, pk=pk)


def flag_by_key(*, system: str, key: str) -> FeatureFlag | None:
    return FeatureFlag.objects.filter(system=system, key=key).first()


def environments_of(system: str) -> list[Environment]:
    """The environments of a system in delivery order (dev, test, UAT, production)."""
    envs = Environment.objects.filter(system=system)
    return sorted(envs, key=lambda e: (KIND_ORDER.get(e.kind, 9), e.name))  # type: ignore[call-overload]


def states_of(flag: FeatureFlag) -> dict[int, FlagState]:
    """The flag's states by environment id."""
    return {s.environment_id: s for s in flag.states.select_related("changed_by")}


def matrix(flag_list: list[FeatureFlag]) -> dict[str, Any]:
    """Columns (environments per system) and rows (a flag with its state per column) for the list page."""
    systems = sorted({f.system for f in flag_list})
    columns = {s: environments_of(s) for s in systems}
    rows = []
    for flag in flag_list:
        by_env = {s.environment_id: s for s in flag.states.all()}
        rows.append({"flag": flag, "cells": [(env, by_env.get(env.pk)) for env in columns[flag.system]]})
    return {"columns": columns, "rows": rows}


def linked_tickets(flag: FeatureFlag) -> list[Any]:
    """Tickets linked to the flag directly or expecting a state of it (by key)."""
    from .models import Ticket

    direct = set(flag.tickets.values_list("pk", flat=True))
    expecting = set(
        Ticket.objects.filter(system=flag.system, flags__flag_key=flag.key).values_list("pk", flat=True)
    )
    return list(Ticket.objects.filter(pk__in=direct | expecting).order_by("key"))


def expectations(flag: FeatureFlag) -> list[Any]:
    """The tickets' expected states of this flag (E2's ``TicketFlag`` rows)."""
    from .models import TicketFlag

    return list(
        TicketFlag.objects.filter(ticket__system=flag.system, flag_key=flag.key)
        .select_related("ticket")
        .order_by("ticket__key")
    )


@dataclass(frozen=True)
class Evaluation:
    """One flag evaluated in one environment, in OFREP terms."""

    key: str
    value: Any
    reason: str
    variant: str
    metadata: dict[str, Any]

    def as_ofrep(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "key": self.key,
            "reason": self.reason,
            "variant": self.variant,
            "metadata": self.metadata,
        }
        if self.value is not None:
            data["value"] = self.value
        return data


def evaluate(flag: FeatureFlag, environment: Environment, state: FlagState | None) -> Evaluation:
    """A flag without a value is boolean: its state (off where it is not set). A flag with a
    value (``variant``) serves that string while enabled; disabled, it gives no value (reason
    DISABLED), so the client falls back to its default."""
    meta = {"system": flag.system, "environment": environment.name}
    if state is None:
        return Evaluation(flag.key, False, "DEFAULT", "off", meta)
    if state.variant:
        if state.enabled:
            return Evaluation(flag.key, state.variant, "STATIC", state.variant, meta)
        return Evaluation(flag.key, None, "DISABLED", "off", meta)
    return Evaluation(flag.key, bool(state.enabled), "STATIC", "on" if state.enabled else "off", meta)


def evaluate_key(environment: Environment, key: str) -> Evaluation | None:
    flag = FeatureFlag.objects.filter(system=environment.system, key=key, archived=False).first()
    if flag is None:
        return None
    state = FlagState.objects.filter(flag=flag, environment=environment).first()
    return evaluate(flag, environment, state)


def evaluate_all(environment: Environment) -> list[Evaluation]:
    states = {s.flag_id: s for s in FlagState.objects.filter(environment=environment)}
    return [
        evaluate(flag, environment, states.get(flag.pk))
        for flag in FeatureFlag.objects.filter(system=environment.system, archived=False).order_by("key")
    ]
