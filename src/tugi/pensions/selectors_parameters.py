"""Reads of the legal parameters: the YAML files of the engine with the values confirmed in Tugi.

``parameters()`` is what every calculation uses: the engine's files, with each value confirmed in
the database (four eyes) replacing the file value of the same name and date, or added when the
file has none (``source`` "database"). Proposals and withdrawn values never take part.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from tugi.core.selectors import get_restricted

from .models import ParameterName, ParameterStatus, ParameterValue

if TYPE_CHECKING:
    from tugi.engine.parameters import Parameters, ParamValue


def plain(value: Decimal) -> Decimal:
    """The value without trailing zeros and without an exponent (255.756200 → 255.7562, 100.000 → 100)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


@functools.cache
def file_parameters() -> Parameters:
    """The engine's parameter files (read once per process; they change only with a release)."""
    from tugi.engine.parameters import Parameters

    return Parameters.from_files()


def confirmed_values(name: str | None = None) -> QuerySet[ParameterValue]:
    qs = ParameterValue.objects.filter(status=ParameterStatus.CONFIRMED).select_related("confirmed_by")
    if name:
        qs = qs.filter(name=name)
    return qs.order_by("name", "valid_from")


def as_param_value(pv: ParameterValue) -> ParamValue:
    """A database value in the engine's terms (source "database", checked by its confirmer)."""
    from tugi.engine.parameters import ParamValue

    return ParamValue(
        name=pv.name,
        valid_from=pv.valid_from,
        value=plain(pv.value),
        unit=pv.unit,
        legal_title=pv.legal_title,
        legal_url=pv.legal_url,
        checked_on=pv.checked_on,
        checked_by=pv.confirmed_by.get_username() if pv.confirmed_by else "",
        note=pv.note,
        source="database",
    )


def parameters() -> Parameters:
    """The parameters in force for calculations: files + database-confirmed overrides."""
    return file_parameters().with_overrides([as_param_value(pv) for pv in confirmed_values()])


def confirmed_average(year: int) -> Decimal | None:
    """The average social tax of ``year`` as confirmed in Tugi (four eyes), or None.

    Only a value confirmed in the database counts: the file values of the average are references
    (some from secondary sources, to be verified), so a run uses its own proposal until a person
    records the government's confirmed figure and a second person confirms it.
    """
    pv = confirmed_values(ParameterName.AVERAGE_SOCIAL_TAX).filter(valid_from=dt.date(year, 1, 1)).first()
    return plain(pv.value) if pv is not None else None


def parameter_values(*, user: Any) -> QuerySet[ParameterValue]:
    return ParameterValue.objects.restrict(user, "view").select_related("proposed_by", "confirmed_by")


def parameter_value_get(*, user: Any, pk: Any) -> ParameterValue:
    return get_restricted(ParameterValue.objects.select_related("proposed_by", "confirmed_by"), user, pk=pk)


@dataclass
class ParameterRow:
    """One line of the parameters screen: a file value or a database value."""

    name: str
    valid_from: dt.date
    value: Decimal
    unit: str
    legal_title: str
    legal_url: str
    checked_on: dt.date | None
    checked_by: str
    note: str
    source: str  # "file" or "database"
    status: str = ParameterStatus.CONFIRMED
    db: ParameterValue | None = None
    in_force: bool = False
    overridden: bool = False  # a file value replaced by a confirmed database value
    overrides: bool = False  # a confirmed database value that replaces a file value


@dataclass
class ParameterGroup:
    name: str
    label: str
    rows: list[ParameterRow] = field(default_factory=list)
    current: ParameterRow | None = None


def parameter_groups(*, user: Any, on: dt.date) -> list[ParameterGroup]:
    """Per parameter name, every file value and every database value (newest first), marking the
    value in force on ``on`` and which file values a confirmed database value overrides."""
    files = file_parameters()
    db_values = list(parameter_values(user=user))
    effective = parameters()
    groups: list[ParameterGroup] = []
    for name, label in ParameterName.choices:
        group = ParameterGroup(name=name, label=str(label))
        confirmed_dates = {
            pv.valid_from for pv in db_values if pv.name == name and pv.status == ParameterStatus.CONFIRMED
        }
        file_dates = set()
        for entry in files.entries(name):
            file_dates.add(entry.valid_from)
            group.rows.append(
                ParameterRow(
                    name=name,
                    valid_from=entry.valid_from,
                    value=entry.value,
                    unit=entry.unit,
                    legal_title=entry.legal_title,
                    legal_url=entry.legal_url,
                    checked_on=entry.checked_on,
                    checked_by=entry.checked_by,
                    note=entry.note,
                    source="file",
                    overridden=entry.valid_from in confirmed_dates,
                )
            )
        for pv in db_values:
            if pv.name != name:
                continue
            group.rows.append(
                ParameterRow(
                    name=name,
                    valid_from=pv.valid_from,
                    value=plain(pv.value),
                    unit=pv.unit,
                    legal_title=pv.legal_title,
                    legal_url=pv.legal_url,
                    checked_on=pv.checked_on,
                    checked_by=pv.confirmed_by.get_username() if pv.confirmed_by else "",
                    note=pv.note,
                    source="database",
                    status=pv.status,
                    db=pv,
                    overrides=pv.status == ParameterStatus.CONFIRMED and pv.valid_from in file_dates,
                )
            )
        current = _entry_or_none(effective, name, on)
        for row in group.rows:
            if (
                current is not None
                and row.valid_from == current.valid_from
                and row.source == current.source
                and row.status == ParameterStatus.CONFIRMED
            ):
                row.in_force = True
                group.current = row
        group.rows.sort(
            key=lambda r: (r.valid_from, r.source == "database", r.db.pk if r.db else 0), reverse=True
        )
        groups.append(group)
    return groups


def _entry_or_none(params: Parameters, name: str, on: dt.date) -> ParamValue | None:
    from tugi.engine.parameters import ParameterMissing

    try:
        return params.entry(name, on)
    except ParameterMissing:
        return None


def values_in_force(on: dt.date) -> list[ParamValue]:
    """The value of each parameter in force on ``on`` (those with none are left out)."""
    params = parameters()
    found = [_entry_or_none(params, name, on) for name in ParameterName.values]
    return [v for v in found if v is not None]


def average_proposals(limit: int = 5) -> list[dict[str, Any]]:
    """The average social tax proposed by the latest computed year-shares run of each recent year,
    next to the confirmed value (the parameters screen offers to propose it)."""
    from .models import CalculationRun, RunKind, RunStatus

    runs = CalculationRun.objects.filter(
        kind=RunKind.YEAR_SHARES,
        status__in=[RunStatus.COMPUTED, RunStatus.APPROVED, RunStatus.APPLIED],
        year__isnull=False,
    ).order_by("-year", "-computed_at", "-pk")
    found: dict[int, dict[str, Any]] = {}
    for run in runs[:50]:
        year = int(run.year or 0)
        if year in found:
            continue
        totals = run.totals or {}
        proposed = totals.get("average_proposed") or totals.get("average")
        if proposed in (None, ""):
            continue
        found[year] = {
            "year": year,
            "proposed": Decimal(str(proposed)),
            "run": run,
            "confirmed": confirmed_average(year),
            "valid_from": dt.date(year, 1, 1),
        }
        if len(found) >= limit:
            break
    return list(found.values())


def proposals_waiting_for(*, user: Any) -> QuerySet[ParameterValue]:
    """Proposed values ``user`` could confirm: someone else's proposals (four eyes)."""
    return (
        parameter_values(user=user)
        .filter(status=ParameterStatus.PROPOSED)
        .exclude(proposed_by=user)
        .order_by("valid_from", "pk")
    )
