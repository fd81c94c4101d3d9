"""Test data: scenarios that describe the people a test needs, and generating them.

A scenario's specification is YAML or JSON (a mapping); every key is optional::

    count: 3                 # persons per batch (1–200), default 1
    sex: F                   # M, F or any (default any)
    birth_year: 1955         # or  age: 70  or  age: [66, 80]
    died: last_month         # this_month, last_month, "40 days ago" or a date (2025-03-31)
    pension:
      type: old-age          # a pension type code
      status: in_payment     # in_payment, suspended or ended
      start: 2020-04-01      # default: the 65th birthday, not before the first parameters
      ended_on: 2025-01-31   # for status ended; default the date of death, else today
      service_years: 40      # default 40
    pillar_ii: true          # recorded with the identity (the register has no pillar-II table)
    insured_years: {from: 2015, to: 2024, income: average}   # recorded only (see below)
    overpayment: true        # recorded only (see below)

Generating writes each person with ``tugi.core.services.person_create`` and each pension with
``tugi.pensions.services`` (``pension_grant``, ``pension_suspend``, ``pension_end``); those
services write their own audit events, under the system actor with the batch in the reason, and
the batch itself writes one event naming who generated it. Insured years are written only by the
yearly calculation (there is no service to add one), and overpayments do not exist in the register
yet: both are kept in the identity's profile as "not generated" so that a tester sees what is
missing. Personal codes are made with ``tugi.core.identity.make_code`` and recorded in the
registry of issued identities: a code already issued, or held by any person in the register, is
never issued again.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import re
from decimal import Decimal
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tugi.core.audit import audit_record
from tugi.core.context import system_actor
from tugi.core.crud import save_changes, save_new
from tugi.core.identity import make_code
from tugi.core.models import Person
from tugi.core.permissions import require
from tugi.core.services import person_create
from tugi.pensions.services import register as pension_services

from ..audit_events_testdata import TestDataEvent
from ..models import GenerationBatch, IssuedIdentity, TestDataScenario
from ..pseudonym import FIRST_NAMES_F, FIRST_NAMES_M, LAST_NAMES

MAX_COUNT = 200
SPEC_KEYS = (
    "count",
    "sex",
    "birth_year",
    "age",
    "died",
    "pension",
    "pillar_ii",
    "insured_years",
    "overpayment",
)
PENSION_KEYS = ("type", "status", "start", "ended_on", "service_years")
PENSION_STATUSES = ("in_payment", "suspended", "ended")
INCOME_LEVELS = ("low", "average", "high")
#: The first date with a base amount and year value in the parameter files.
EARLIEST_PENSION_START = dt.date(2016, 4, 1)
EXPORT_COLUMNS = (
    "personal_code", "first_name", "last_name", "birth_date", "sex", "date_of_death",
    "pension_type", "pension_status", "pension_start", "pension_ended_on", "pillar_ii", "not_generated",
)  # fmt: skip


def _error(field: str, message: str) -> ValidationError:
    return ValidationError({"spec_text": _("%(field)s: %(message)s") % {"field": field, "message": message}})


def _date(value: Any, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise _error(field, _("must be a date like 2025-03-31.")) from None


def _int(value: Any, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _error(field, _("must be a whole number."))
    if not low <= value <= high:
        raise _error(field, _("must be between %(low)d and %(high)d.") % {"low": low, "high": high})
    return value


def parse_spec(text: str) -> dict[str, Any]:
    """The checked specification from YAML or JSON text; a ValidationError on ``spec`` naming the key."""
    try:
        raw = yaml.safe_load(text or "") or {}
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        where = _(" on line %(line)d") % {"line": line + 1} if line is not None else ""
        raise ValidationError(
            {"spec_text": _("The specification is not valid YAML or JSON%(where)s.") % {"where": where}}
        ) from None
    if not isinstance(raw, dict):
        raise ValidationError({"spec_text": _("The specification must be a mapping of keys to values.")})
    return check_spec(raw)


def check_spec(raw: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(map(str, raw)) - set(SPEC_KEYS))
    if unknown:
        raise _error(unknown[0], _("unknown key (known: %(keys)s).") % {"keys": ", ".join(SPEC_KEYS)})
    today = dt.date.today()
    spec: dict[str, Any] = {"count": _int(raw.get("count", 1), "count", 1, MAX_COUNT)}
    sex = str(raw.get("sex", "any")).upper()
    if sex not in ("M", "F", "ANY"):
        raise _error("sex", _("must be M, F or any."))
    spec["sex"] = sex.lower() if sex == "ANY" else sex
    if "birth_year" in raw and "age" in raw:
        raise _error("age", _("give either birth_year or age, not both."))
    if "birth_year" in raw:
        year = _int(raw["birth_year"], "birth_year", 1900, today.year)
        spec["birth_years"] = [year, year]
    else:
        age = raw.get("age", [18, 90])
        ages = age if isinstance(age, list) else [age, age]
        if len(ages) != 2:
            raise _error("age", _("must be a number or a range like [66, 80]."))
        low, high = (_int(a, "age", 0, 120) for a in ages)
        if low > high:
            raise _error("age", _("the range must go from the lower age to the higher."))
        spec["birth_years"] = [today.year - high - 1, today.year - low]
    died = raw.get("died")
    if died not in (None, False):
        spec["died"] = str(died) if not isinstance(died, dt.date) else died.isoformat()
        death_date(spec["died"], today)  # checks the form
    pension = raw.get("pension")
    if pension not in (None, False):
        if pension is True:
            pension = {}
        if not isinstance(pension, dict):
            raise _error("pension", _("must be a mapping (type, status, start, ended_on, service_years)."))
        bad = sorted(set(map(str, pension)) - set(PENSION_KEYS))
        if bad:
            raise _error(
                f"pension.{bad[0]}", _("unknown key (known: %(keys)s).") % {"keys": ", ".join(PENSION_KEYS)}
            )
        status = str(pension.get("status", "in_payment"))
        if status not in PENSION_STATUSES:
            raise _error(
                "pension.status", _("must be one of %(values)s.") % {"values": ", ".join(PENSION_STATUSES)}
            )
        checked: dict[str, Any] = {
            "type": str(pension.get("type", pension_services.OLD_AGE)),
            "status": status,
            "service_years": _int(pension.get("service_years", 40), "pension.service_years", 0, 60),
        }
        for key in ("start", "ended_on"):
            if pension.get(key):
                checked[key] = _date(pension[key], f"pension.{key}").isoformat()
        spec["pension"] = checked
    spec["pillar_ii"] = bool(raw.get("pillar_ii", False))
    insured = raw.get("insured_years")
    if insured not in (None, False):
        if not isinstance(insured, dict):
            raise _error(
                "insured_years", _("must be a mapping like {from: 2015, to: 2024, income: average}.")
            )
        income = str(insured.get("income", "average"))
        if income not in INCOME_LEVELS:
            raise _error(
                "insured_years.income", _("must be one of %(values)s.") % {"values": ", ".join(INCOME_LEVELS)}
            )
        first = _int(insured.get("from", today.year - 10), "insured_years.from", 1999, today.year)
        last = _int(insured.get("to", today.year - 1), "insured_years.to", first, today.year)
        spec["insured_years"] = {"from": first, "to": last, "income": income}
    spec["overpayment"] = bool(raw.get("overpayment", False))
    return spec


def death_date(text: str, today: dt.date) -> dt.date:
    """The date of death a scenario means: ``this_month``, ``last_month``, ``N days ago`` or a date."""
    first_of_month = today.replace(day=1)
    if text == "this_month":
        return first_of_month if today.day > 1 else today
    if text == "last_month":
        previous = first_of_month - dt.timedelta(days=1)
        return previous.replace(day=min(15, previous.day))
    match = re.fullmatch(r"(\d{1,5}) days? ago", text.strip())
    if match:
        return today - dt.timedelta(days=int(match.group(1)))
    day = _date(text, "died")
    if day > today:
        raise _error("died", _("cannot be in the future."))
    return day


# --- scenarios ------------------------------------------------------------------------------------


@transaction.atomic
def scenario_create(
    *, name: str, description: str = "", spec_text: str, actor: Any, reason: str = ""
) -> TestDataScenario:
    """Save a scenario after checking its specification. One audit event."""
    require(actor, "testing.add_testdatascenario")
    spec = parse_spec(spec_text)
    if TestDataScenario.objects.filter(name=(name or "").strip()).exists():
        raise ValidationError({"name": _("A scenario with this name already exists.")})
    scenario = TestDataScenario(
        name=(name or "").strip(), description=description, spec=spec, spec_text=spec_text, created_by=actor
    )
    return save_new(scenario, event=TestDataEvent.SCENARIO_CREATED, actor=actor, reason=reason)


@transaction.atomic
def scenario_update(
    *,
    scenario: TestDataScenario,
    name: str,
    description: str = "",
    spec_text: str,
    actor: Any,
    reason: str = "",
) -> TestDataScenario:
    require(actor, "testing.change_testdatascenario")
    scenario = TestDataScenario.objects.select_for_update().get(pk=scenario.pk)
    before = scenario.audit_snapshot()
    spec = parse_spec(spec_text)
    if TestDataScenario.objects.filter(name=(name or "").strip()).exclude(pk=scenario.pk).exists():
        raise ValidationError({"name": _("A scenario with this name already exists.")})
    scenario.name, scenario.description, scenario.spec, scenario.spec_text = (
        (name or "").strip(),
        description,
        spec,
        spec_text,
    )
    save_changes(scenario, before, event=TestDataEvent.SCENARIO_UPDATED, actor=actor, reason=reason)
    return scenario


# --- generation ------------------------------------------------------------------------------------


def _taken(codes: list[str]) -> set[str]:
    issued = set(
        IssuedIdentity.objects.filter(personal_code__in=codes).values_list("personal_code", flat=True)
    )
    return issued | set(
        Person.objects.filter(personal_code__in=codes).values_list("personal_code", flat=True)
    )


def allocate_codes(wanted: list[tuple[dt.date, str]], rng: random.Random) -> list[str]:
    """A fresh personal code for each (birth date, sex): never issued, not held by any person,
    distinct from each other. Serials are drawn at random; a date whose serials are all used fails."""
    chosen: list[str] = []
    reserved: set[str] = set()
    for birth, sex in wanted:
        serials = list(range(1000))
        rng.shuffle(serials)
        found = None
        for start in range(0, 1000, 50):
            candidates = [make_code(birth, sex, s) for s in serials[start : start + 50]]
            taken = _taken(candidates) | reserved
            free = [c for c in candidates if c not in taken]
            if free:
                found = free[0]
                break
        if found is None:
            raise ValidationError(
                {
                    "spec_text": _(
                        "Every personal code of %(day)s has been issued; choose other birth dates."
                    )
                    % {"day": birth}
                }
            )
        reserved.add(found)
        chosen.append(found)
    return chosen


def _birth(spec: dict[str, Any], rng: random.Random, today: dt.date) -> dt.date:
    low, high = spec["birth_years"]
    first = dt.date(low, 1, 1)
    last = min(dt.date(high, 12, 31), today - dt.timedelta(days=1))
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def _birthday(birth: dt.date, age: int) -> dt.date:
    try:
        return birth.replace(year=birth.year + age)
    except ValueError:  # 29 February
        return birth.replace(year=birth.year + age, day=28)


@transaction.atomic
def batch_generate(
    *,
    scenario: TestDataScenario,
    count: int | None = None,
    environment: str = "",
    seed: int | None = None,
    actor: Any,
    reason: str = "",
) -> GenerationBatch:
    """Generate ``count`` (default: the scenario's) synthetic persons and their records.

    All or nothing: a person or pension the register refuses undoes the whole batch.
    """
    require(actor, "testing.add_generationbatch")
    spec = dict(scenario.spec)  # checked when the scenario was saved
    if count is not None:
        spec["count"] = _int(count, "count", 1, MAX_COUNT)
    # a seed makes a batch reproducible (tests); synthetic data, not security
    rng = random.Random(seed) if seed is not None else random.SystemRandom()  # noqa: S311
    today = dt.date.today()
    died = death_date(spec["died"], today) if spec.get("died") else None
    wanted: list[tuple[dt.date, str]] = []
    for _n in range(spec["count"]):
        birth = _birth(spec, rng, died or today)
        sex = spec["sex"] if spec["sex"] in ("M", "F") else rng.choice("MF")
        wanted.append((birth, sex))
    codes = allocate_codes(wanted, rng)
    batch = GenerationBatch(
        scenario=scenario, count=spec["count"], environment=environment, spec=spec, created_by=actor
    )
    batch.full_clean()
    batch.save()
    register_actor = system_actor()
    register_reason = _("test data batch #%(id)d") % {"id": batch.pk}
    pension_type = None
    if spec.get("pension"):
        types = {t.code: t for t in pension_services.pension_type_ensure_defaults(actor=register_actor)}
        pension_type = types.get(spec["pension"]["type"])
        if pension_type is None:
            raise _error(
                "pension.type",
                _("test data can be generated for these pension types: %(codes)s.")
                % {"codes": ", ".join(types)},
            )
    not_generated = []
    if spec.get("insured_years"):
        not_generated.append("insured_years")
    if spec.get("overpayment"):
        not_generated.append("overpayment")
    identities = []
    for (birth, sex), code in zip(wanted, codes, strict=True):
        first = rng.choice(FIRST_NAMES_M if sex == "M" else FIRST_NAMES_F)
        person = person_create(
            personal_code=code,
            first_name=first,
            last_name=rng.choice(LAST_NAMES),
            date_of_death=died,
            actor=register_actor,
            reason=register_reason,
        )
        profile: dict[str, Any] = {"pillar_ii": spec["pillar_ii"], "not_generated": not_generated}
        if spec.get("insured_years"):
            profile["insured_years"] = spec["insured_years"]
        if pension_type is not None:
            profile["pension"] = _grant(
                person, pension_type, spec["pension"], died, today, register_actor, register_reason
            )
        identities.append(
            IssuedIdentity(
                personal_code=code, batch=batch, person=person, birth_date=birth, sex=sex, profile=profile
            )
        )
    for identity in identities:
        identity.full_clean(exclude=["batch", "person"])
    IssuedIdentity.objects.bulk_create(identities)
    batch.summary = {
        "persons": len(identities),
        "with_pension": sum(1 for i in identities if "pension" in i.profile),
        "not_generated": not_generated,
    }
    batch.save(update_fields=["summary", "updated_at"])
    audit_record(
        event=TestDataEvent.BATCH_GENERATED,
        actor=actor,
        obj=batch,
        after={"scenario": scenario.name, "count": batch.count, "environment": environment, **batch.summary},
        reason=reason,
    )
    return batch


def _grant(
    person: Person,
    pension_type: Any,
    spec: dict[str, Any],
    died: dt.date | None,
    today: dt.date,
    actor: Any,
    reason: str,
) -> dict[str, Any]:
    limit = died or today
    start = (
        dt.date.fromisoformat(spec["start"])
        if spec.get("start")
        else max(_birthday(person.birth_date, 65), EARLIEST_PENSION_START)
    )
    if start > limit:
        start = max(limit - dt.timedelta(days=365), EARLIEST_PENSION_START)
    if start > limit or start < EARLIEST_PENSION_START:
        raise _error(
            "pension.start",
            _("cannot find a start date between %(first)s and %(last)s for this person.")
            % {"first": EARLIEST_PENSION_START, "last": limit},
        )
    pension = pension_services.pension_grant(
        person=person,
        pension_type=pension_type,
        start_date=start,
        service_years=Decimal(spec["service_years"]),
        actor=actor,
        reason=reason,
    )
    result: dict[str, Any] = {"type": pension_type.code, "status": spec["status"], "start": start.isoformat()}
    if spec["status"] == "suspended":
        pension_services.pension_suspend(pension=pension, actor=actor, reason=reason)
    elif spec["status"] == "ended":
        ended = dt.date.fromisoformat(spec["ended_on"]) if spec.get("ended_on") else (died or today)
        ended = min(max(ended, start), today)
        pension_services.pension_end(pension=pension, ended_on=ended, actor=actor, reason=reason)
        result["ended_on"] = ended.isoformat()
    return result


# --- export ------------------------------------------------------------------------------------------


def _rows(batch: GenerationBatch) -> list[dict[str, Any]]:
    rows = []
    for identity in batch.identities.select_related("person").order_by("pk"):
        person = identity.person
        pension = identity.profile.get("pension") or {}
        rows.append(
            {
                "personal_code": identity.personal_code,
                "first_name": person.first_name if person else "",
                "last_name": person.last_name if person else "",
                "birth_date": identity.birth_date.isoformat(),
                "sex": identity.sex,
                "date_of_death": person.date_of_death.isoformat() if person and person.date_of_death else "",
                "pension_type": pension.get("type", ""),
                "pension_status": pension.get("status", ""),
                "pension_start": pension.get("start", ""),
                "pension_ended_on": pension.get("ended_on", ""),
                "pillar_ii": bool(identity.profile.get("pillar_ii")),
                "not_generated": ",".join(identity.profile.get("not_generated", [])),
            }
        )
    return rows


@transaction.atomic
def batch_export(*, batch: GenerationBatch, fmt: str, actor: Any, reason: str = "") -> tuple[str, str]:
    """The batch as CSV or JSON for a test environment: (content, media type). One audit event."""
    require(actor, "testing.view_generationbatch")
    if fmt not in ("csv", "json"):
        raise ValidationError({"format": _("Choose CSV or JSON.")})
    rows = _rows(batch)
    if fmt == "json":
        content = json.dumps(
            {
                "batch": batch.pk,
                "scenario": batch.scenario.name,
                "environment": batch.environment,
                "persons": rows,
            },
            ensure_ascii=False,
            indent=2,
        )
        media = "application/json"
    else:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS, delimiter=";", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        content, media = buffer.getvalue(), "text/csv"
    audit_record(
        event=TestDataEvent.BATCH_EXPORTED,
        actor=actor,
        obj=batch,
        after={"format": fmt, "persons": len(rows)},
        reason=reason,
    )
    return content, media
