"""Dated legal parameters of the pension calculation (PENSIONS.md § 7–8).

Each parameter lives in a YAML file of its own next to this module (``parameters/<name>.yaml``):
a ``name``, a default ``unit`` and a list of ``values``, each with ``valid_from`` (ISO date),
``value`` (a string: an exact decimal), ``unit``, ``legal_title``, ``legal_url``, ``checked_on``,
``checked_by`` (a role, never a person's name) and an optional ``note``.

Values confirmed in Tugi's database override the files: the pensions area builds
``Parameters.from_files().with_overrides(confirmed_values)``; an override has ``source="database"``.

A value applies from its ``valid_from`` until the next value of the same name. The average social
tax of year Y and the minimum wage of year Y have ``valid_from`` = 1 January of Y.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

PARAMETER_DIR = Path(__file__).with_name("parameters")

BASE_AMOUNT = "base_amount"
YEAR_VALUE = "year_value"
PENSION_INDEX = "pension_index"
AVERAGE_SOCIAL_TAX = "average_social_tax"
MINIMUM_WAGE = "minimum_wage"
EXTRA_BASE_INCREASE = "extra_base_increase"
NAMES = (BASE_AMOUNT, YEAR_VALUE, PENSION_INDEX, AVERAGE_SOCIAL_TAX, MINIMUM_WAGE, EXTRA_BASE_INCREASE)


class ParameterMissing(LookupError):
    """No value of a parameter applies on a date."""

    def __init__(self, name: str, on: dt.date | None = None, detail: str = "") -> None:
        self.name = name
        self.on = on
        message = f"no value of parameter '{name}'"
        if on is not None:
            message += f" applies on {on.isoformat()}"
        if detail:
            message += f" ({detail})"
        super().__init__(message)


class ParameterFileError(ValueError):
    """A parameter file that cannot be read; the message names the file and the entry."""


@dataclass(frozen=True)
class ParamValue:
    """One dated value of a parameter, with its legal reference."""

    name: str
    valid_from: dt.date
    value: Decimal
    unit: str = ""
    legal_title: str = ""
    legal_url: str = ""
    checked_on: dt.date | None = None
    checked_by: str = ""
    note: str = ""
    source: str = "file"  # "file" or "database"

    def as_dict(self) -> dict[str, str]:
        """JSON-able: dates ISO, the value as an exact decimal string."""
        data = asdict(self)
        data["valid_from"] = self.valid_from.isoformat()
        data["value"] = str(self.value)
        data["checked_on"] = self.checked_on.isoformat() if self.checked_on else ""
        return data


def _as_date(raw: Any, where: str) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError as exc:
        raise ParameterFileError(f"{where}: {raw!r} is not an ISO date") from exc


def _as_decimal(raw: Any, where: str) -> Decimal:
    if isinstance(raw, float | bool):
        raise ParameterFileError(f"{where}: write the value {raw!r} as a quoted string (exact decimal)")
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation as exc:
        raise ParameterFileError(f"{where}: {raw!r} is not a decimal number") from exc
    if not value.is_finite():
        raise ParameterFileError(f"{where}: {raw!r} is not a finite number")
    return value


def read_parameter_file(path: Path) -> list[ParamValue]:
    """The values of one parameter file; ``ParameterFileError`` names the file and entry."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, ValueError) as exc:  # PyYAML raises ValueError for an impossible date
        raise ParameterFileError(f"{path.name}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or "name" not in data or not isinstance(data.get("values"), list):
        raise ParameterFileError(f"{path.name}: expected a mapping with 'name' and a list 'values'")
    name = str(data["name"])
    default_unit = str(data.get("unit", ""))
    result: list[ParamValue] = []
    for number, entry in enumerate(data["values"], start=1):
        where = f"{path.name}, value {number}"
        if not isinstance(entry, dict) or "valid_from" not in entry or "value" not in entry:
            raise ParameterFileError(f"{where}: needs 'valid_from' and 'value'")
        checked = entry.get("checked_on")
        result.append(
            ParamValue(
                name=name,
                valid_from=_as_date(entry["valid_from"], where),
                value=_as_decimal(entry["value"], where),
                unit=str(entry.get("unit", default_unit)),
                legal_title=str(entry.get("legal_title", "")),
                legal_url=str(entry.get("legal_url", "")),
                checked_on=_as_date(checked, where) if checked else None,
                checked_by=str(entry.get("checked_by", "")),
                note=str(entry.get("note", "")),
                source="file",
            )
        )
    return result


class Parameters:
    """An immutable set of dated parameter values."""

    def __init__(self, values: Iterable[ParamValue] = ()) -> None:
        by_key: dict[tuple[str, dt.date], ParamValue] = {}
        for item in values:
            by_key[(item.name, item.valid_from)] = item
        self._by_name: dict[str, list[ParamValue]] = {}
        for key in sorted(by_key):
            self._by_name.setdefault(key[0], []).append(by_key[key])

    @classmethod
    def from_files(cls, directory: Path | None = None) -> Parameters:
        """All ``*.yaml`` files of ``directory`` (default: the files shipped with the engine)."""
        if directory is None:
            return _default_parameters()
        return cls._read(directory)

    @classmethod
    def _read(cls, directory: Path) -> Parameters:
        values: list[ParamValue] = []
        for path in sorted(directory.glob("*.yaml")):
            values.extend(read_parameter_file(path))
        return cls(values)

    def with_overrides(self, values: Iterable[ParamValue]) -> Parameters:
        """A new set where each given value replaces the one of the same name and date, or is added."""
        return Parameters([*self.entries(), *values])

    def entry(self, name: str, on: dt.date) -> ParamValue:
        """The value in force on ``on``: the latest ``valid_from`` on or before it."""
        found: ParamValue | None = None
        for item in self._by_name.get(name, []):
            if item.valid_from <= on:
                found = item
            else:
                break
        if found is None:
            raise ParameterMissing(name, on)
        return found

    def value(self, name: str, on: dt.date) -> Decimal:
        return self.entry(name, on).value

    def entries(self, name: str | None = None) -> list[ParamValue]:
        """Values sorted by name, then valid_from."""
        if name is not None:
            return list(self._by_name.get(name, []))
        return [item for key in sorted(self._by_name) for item in self._by_name[key]]

    def names(self) -> list[str]:
        return sorted(self._by_name)

    def minimum_wage(self, year: int) -> Decimal:
        """The minimum monthly wage of ``year`` (the value in force on 31 December)."""
        return self.value(MINIMUM_WAGE, dt.date(year, 12, 31))

    def average_social_tax(self, year: int) -> ParamValue | None:
        """The average social tax OF ``year`` (valid_from exactly 1 January of it), or None."""
        wanted = dt.date(year, 1, 1)
        for item in self._by_name.get(AVERAGE_SOCIAL_TAX, []):
            if item.valid_from == wanted:
                return item
        return None

    def as_dict(self) -> list[dict[str, str]]:
        """Every value, JSON-able (for a run's recorded inputs)."""
        return [item.as_dict() for item in self.entries()]

    def __len__(self) -> int:
        return sum(len(items) for items in self._by_name.values())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Parameters) and self.entries() == other.entries()

    def __hash__(self) -> int:
        return hash(tuple(self.entries()))

    def __repr__(self) -> str:
        return f"<Parameters {len(self)} values of {', '.join(self.names())}>"


@lru_cache(maxsize=1)
def _default_parameters() -> Parameters:
    return Parameters._read(PARAMETER_DIR)


def override(value: ParamValue, **changes: Any) -> ParamValue:
    """A copy of ``value`` with fields changed (e.g. ``source="database"``)."""
    return replace(value, **changes)
