"""Writes of the pension register (issue 3 § 3): pension types, granting a pension, suspending,
resuming and ending it, correcting its amount, and the import of a pensioner register.

Every change of amount is a dated ``PensionAmount`` row with the parameters it was computed from
and the reason; the sums of shares on ``Pension`` are those of its latest amount row. Amounts are
always computed with the engine's scalar rule (``tugi.engine.rules.old_age_amount``), never typed in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tugi.core.audit import audit_record
from tugi.core.crud import save_fields, save_new
from tugi.core.identity import birth_date, clean_personal_code, sex
from tugi.core.imports import ImportError_, LineError, parse_csv_rows
from tugi.core.models import Person
from tugi.core.permissions import require
from tugi.engine import generate

from ..audit_events import PensionEvent
from ..models import AmountReason, Pension, PensionAmount, PensionRule, PensionStatus, PensionType
from ..selectors_register import AmountParameters, amount_breakdown, amount_parameters, current_amount

OLD_AGE = "old-age"

#: The pension types every register has (``pension_type_ensure_defaults``).
DEFAULT_TYPES = [
    {
        "code": OLD_AGE,
        "name": "Old-age pension",
        "rule": PensionRule.OLD_AGE,
        "legal_reference": "RPKS § 7 (State Pension Insurance Act)",
    },
]

#: Plausibility limits of a pension's figures (a value outside them is a typing error).
MAX_SERVICE_YEARS = Decimal(60)
MAX_ADJUSTMENT_FACTOR = Decimal(3)


def pension_type_ensure_defaults(*, actor: Any = None) -> list[PensionType]:
    """Create the default pension types that are missing (idempotent: a second call writes nothing).

    Each type created writes one audit event (``actor`` defaults to the system actor).
    """
    from tugi.core.context import system_actor

    found: list[PensionType] = []
    for spec in DEFAULT_TYPES:
        existing = PensionType.objects.filter(code=spec["code"]).first()
        if existing is None:
            with transaction.atomic():
                existing = save_new(
                    PensionType(**spec),
                    event=PensionEvent.PENSION_TYPE_SAVED,
                    actor=actor or system_actor(),
                    reason="default pension type",
                )
        found.append(existing)
    return found


# --- figures ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """What an amount is computed from besides the parameters."""

    service_years: Decimal
    insurance_shares: Decimal
    joint_shares: Decimal
    adjustment_factor: Decimal


def _decimal(value: Any, field: str, places: int) -> Decimal:
    if isinstance(value, float | bool):
        raise ValidationError({field: _("Give the number as text, not as a binary float.")})
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        raise ValidationError({field: _("Enter a number with a decimal point, like 12.5.")}) from None
    if not number.is_finite():
        raise ValidationError({field: _("Enter a number with a decimal point, like 12.5.")})
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise ValidationError({field: _("At most %(n)d decimal places.") % {"n": places}})
    return number


def check_figures(
    *, service_years: Any, insurance_shares: Any, joint_shares: Any, adjustment_factor: Any
) -> Figures:
    """Exact, plausible figures or a ValidationError naming every bad field."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Decimal] = {}
    for field, raw, places in (
        ("service_years", service_years, 2),
        ("insurance_shares", insurance_shares, 3),
        ("joint_shares", joint_shares, 3),
        ("adjustment_factor", adjustment_factor, 6),
    ):
        try:
            values[field] = _decimal(raw, field, places)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if "service_years" in values and not Decimal(0) <= values["service_years"] <= MAX_SERVICE_YEARS:
        errors["service_years"] = [_("Service years must be between 0 and 60.")]
    for field in ("insurance_shares", "joint_shares"):
        if field in values and values[field] < 0:
            errors[field] = [_("The sum of shares cannot be negative.")]
    factor = values.get("adjustment_factor")
    if factor is not None and not Decimal(0) < factor <= MAX_ADJUSTMENT_FACTOR:
        errors["adjustment_factor"] = [_("The adjustment factor must be above 0 and at most 3.")]
    if errors:
        raise ValidationError(errors)
    return Figures(**values)


def _parameters_on(day: dt.date, field: str, params: Any = None) -> AmountParameters:
    from tugi.engine.parameters import ParameterMissing

    try:
        return amount_parameters(day, params)
    except ParameterMissing as exc:
        raise ValidationError(
            {
                field: _("No base amount or year value is in force on %(day)s (%(detail)s).")
                % {"day": day, "detail": exc}
            }
        ) from None


def _amount_row(
    pension: Pension,
    valid_from: dt.date,
    figures: Figures,
    base_amount: Decimal,
    year_value: Decimal,
    **extra: Any,
) -> PensionAmount:
    breakdown = amount_breakdown(
        rule=pension.pension_type.rule,
        base_amount=base_amount,
        year_value=year_value,
        service_years=figures.service_years,
        insurance_shares=figures.insurance_shares,
        joint_shares=figures.joint_shares,
        adjustment_factor=figures.adjustment_factor,
    )
    return PensionAmount(
        pension=pension,
        valid_from=valid_from,
        amount=breakdown.amount,
        base_amount=base_amount,
        year_value=year_value,
        service_years=figures.service_years,
        insurance_shares=figures.insurance_shares,
        joint_shares=figures.joint_shares,
        adjustment_factor=figures.adjustment_factor,
        **extra,
    )


def _amount_snapshot(row: PensionAmount | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "valid_from": row.valid_from,
        "amount": row.amount,
        "base_amount": row.base_amount,
        "year_value": row.year_value,
        "service_years": row.service_years,
        "insurance_shares": row.insurance_shares,
        "joint_shares": row.joint_shares,
        "adjustment_factor": row.adjustment_factor,
        "reason": row.reason,
    }


def _check_start(person: Person, start_date: dt.date) -> None:
    if start_date < person.birth_date:
        raise ValidationError({"start_date": _("The start date cannot be before the date of birth.")})
    if person.date_of_death and start_date > person.date_of_death:
        raise ValidationError({"start_date": _("The start date cannot be after the date of death.")})


def _check_no_open_pension(person: Person, pension_type: PensionType) -> None:
    open_ = Pension.objects.filter(person=person, pension_type=pension_type).exclude(
        status=PensionStatus.ENDED
    )
    if open_.exists():
        raise ValidationError(
            {"pension_type": _("The person already has a pension of this type that has not ended.")}
        )


# --- grant, suspend, resume, end ---------------------------------------------------------------------


@transaction.atomic
def pension_grant(
    *,
    person: Person,
    pension_type: PensionType,
    start_date: dt.date,
    service_years: Any,
    adjustment_factor: Any = Decimal(1),
    insurance_shares: Any = Decimal(0),
    joint_shares: Any = Decimal(0),
    last_share_year: int | None = None,
    actor: Any,
    reason: str = "",
) -> Pension:
    """Grant a pension: the pension and its first amount (reason "new"), computed with the base
    amount and year value in force on the start date. One audit event.

    ``last_share_year`` is the last year whose share is in the sums; by default the year before the
    start (the shares known when the pension was granted), so that the working-pensioner
    recalculation adds the start year's share and later ones.
    """
    require(actor, "pensions.add_pension")
    figures = check_figures(
        service_years=service_years,
        insurance_shares=insurance_shares,
        joint_shares=joint_shares,
        adjustment_factor=adjustment_factor,
    )
    _check_start(person, start_date)
    _check_no_open_pension(person, pension_type)
    params = _parameters_on(start_date, "start_date")
    pension = Pension(
        person=person,
        pension_type=pension_type,
        start_date=start_date,
        service_years=figures.service_years,
        adjustment_factor=figures.adjustment_factor,
        insurance_shares=figures.insurance_shares,
        joint_shares=figures.joint_shares,
        last_share_year=last_share_year if last_share_year is not None else start_date.year - 1,
        status=PensionStatus.IN_PAYMENT,
    )
    pension.full_clean()
    pension.save()
    row = _amount_row(
        pension, start_date, figures, params.base_amount, params.year_value, reason=AmountReason.NEW
    )
    row.full_clean()
    row.save()
    audit_record(
        event=PensionEvent.PENSION_CREATED,
        actor=actor,
        obj=pension,
        after={**pension.audit_snapshot(), "person": person.masked_code, "amount": _amount_snapshot(row)},
        reason=reason,
    )
    return pension


def _locked(pension: Pension) -> Pension:
    return Pension.objects.select_for_update().select_related("person", "pension_type").get(pk=pension.pk)


def _need_reason(reason: str) -> str:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why (the reason is kept in the audit log).")})
    return reason.strip()


@transaction.atomic
def pension_suspend(*, pension: Pension, actor: Any, reason: str) -> Pension:
    """Suspend a pension in payment (e.g. while a person's residence is checked). One audit event."""
    require(actor, "pensions.change_pension")
    reason = _need_reason(reason)
    pension = _locked(pension)
    if pension.status != PensionStatus.IN_PAYMENT:
        raise ValidationError(_("Only a pension in payment can be suspended."))
    save_fields(
        pension,
        event=PensionEvent.PENSION_CHANGED,
        actor=actor,
        reason=reason,
        status=PensionStatus.SUSPENDED,
    )
    return pension


@transaction.atomic
def pension_resume(*, pension: Pension, actor: Any, reason: str) -> Pension:
    """Resume a suspended pension (not for a person who has died). One audit event."""
    require(actor, "pensions.change_pension")
    reason = _need_reason(reason)
    pension = _locked(pension)
    if pension.status != PensionStatus.SUSPENDED:
        raise ValidationError(_("Only a suspended pension can be resumed."))
    if pension.person.date_of_death:
        raise ValidationError(_("The person has died: end the pension instead."))
    save_fields(
        pension,
        event=PensionEvent.PENSION_CHANGED,
        actor=actor,
        reason=reason,
        status=PensionStatus.IN_PAYMENT,
    )
    return pension


@transaction.atomic
def pension_end(*, pension: Pension, ended_on: dt.date, actor: Any, reason: str) -> Pension:
    """End a pension (status "ended" from ``ended_on``). One audit event."""
    require(actor, "pensions.change_pension")
    reason = _need_reason(reason)
    pension = _locked(pension)
    if pension.status == PensionStatus.ENDED:
        raise ValidationError(_("The pension has already ended."))
    if ended_on < pension.start_date:
        raise ValidationError({"ended_on": _("The end date cannot be before the start date.")})
    if ended_on > dt.date.today():
        raise ValidationError({"ended_on": _("The end date cannot be in the future.")})
    save_fields(
        pension,
        event=PensionEvent.PENSION_CHANGED,
        actor=actor,
        reason=reason,
        status=PensionStatus.ENDED,
        ended_on=ended_on,
    )
    return pension


@transaction.atomic
def pensions_end_deceased(*, actor: Any, reason: str = "") -> int:
    """End every pension (in payment or suspended) of a person with a date of death, from that date.

    The date of death ends a person's pensions (issue 3 § 3). Batch: one audit event listing the
    pensions ended (none when there is nothing to end). Returns how many were ended.
    """
    require(actor, "pensions.change_pension")
    qs = (
        Pension.objects.select_for_update()
        .filter(person__date_of_death__isnull=False)
        .exclude(status=PensionStatus.ENDED)
        .select_related("person")
        .order_by("pk")
    )
    pensions = list(qs)
    if not pensions:
        return 0
    for p in pensions:
        died = p.person.date_of_death
        assert died is not None
        p.status, p.ended_on = PensionStatus.ENDED, max(died, p.start_date)
    Pension.objects.bulk_update(pensions, ["status", "ended_on", "updated_at"], batch_size=500)
    audit_record(
        event=PensionEvent.PENSION_CHANGED,
        actor=actor,
        object_type="pensions.pension",
        object_id="deceased",
        object_repr=_("pensions of persons who have died"),
        after={"ended": len(pensions), "pensions": [p.pk for p in pensions[:200]]},
        reason=reason or "date of death",
    )
    return len(pensions)


# --- correction --------------------------------------------------------------------------------------


@transaction.atomic
def amount_correct(
    *,
    pension: Pension,
    valid_from: dt.date,
    service_years: Any,
    insurance_shares: Any,
    joint_shares: Any,
    adjustment_factor: Any,
    actor: Any,
    reason: str,
    note: str = "",
) -> PensionAmount:
    """Correct a pension's figures from ``valid_from``: a new amount row (reason "correction")
    computed with the base amount and year value the pension is paid with on that date (those of the
    amount row then in force; the parameters in force if there is none). One audit event.

    The date cannot precede the latest amount row (a later indexation would otherwise be silently
    overtaken): correct from that date or later.
    """
    require(actor, "pensions.add_pensionamount")
    require(actor, "pensions.change_pension")
    reason = _need_reason(reason)
    pension = _locked(pension)
    if pension.status == PensionStatus.ENDED:
        raise ValidationError(_("The pension has ended; its amount cannot be corrected."))
    figures = check_figures(
        service_years=service_years,
        insurance_shares=insurance_shares,
        joint_shares=joint_shares,
        adjustment_factor=adjustment_factor,
    )
    if valid_from < pension.start_date:
        raise ValidationError({"valid_from": _("The date cannot be before the pension's start date.")})
    latest = pension.amounts.order_by("-valid_from", "-id").first()
    if latest is not None and valid_from < latest.valid_from:
        raise ValidationError(
            {
                "valid_from": _("The latest amount is valid from %(day)s; correct from that date or later.")
                % {"day": latest.valid_from.strftime("%d.%m.%Y")}
            }
        )
    in_force = current_amount(pension, valid_from)
    if in_force is not None:
        base, year_value = in_force.base_amount, in_force.year_value
    else:
        params = _parameters_on(valid_from, "valid_from")
        base, year_value = params.base_amount, params.year_value
    row = _amount_row(
        pension, valid_from, figures, base, year_value, reason=AmountReason.CORRECTION, note=note[:300]
    )
    if in_force is not None and all(
        getattr(in_force, f) == getattr(row, f)
        for f in ("amount", "service_years", "insurance_shares", "joint_shares", "adjustment_factor")
    ):
        raise ValidationError(_("Nothing to correct: the figures are those already in force."))
    row.full_clean()
    row.save()
    pension.service_years = figures.service_years
    pension.insurance_shares = figures.insurance_shares
    pension.joint_shares = figures.joint_shares
    pension.adjustment_factor = figures.adjustment_factor
    pension.save(
        update_fields=["service_years", "insurance_shares", "joint_shares", "adjustment_factor", "updated_at"]
    )
    audit_record(
        event=PensionEvent.PENSION_AMOUNT_CORRECTED,
        actor=actor,
        obj=pension,
        before=_amount_snapshot(in_force),
        after=_amount_snapshot(row),
        reason=reason,
    )
    return row


# --- pensioner register import ----------------------------------------------------------------------

PENSIONER_COLUMNS = generate.PENSIONER_COLUMNS  # the generator writes the file this import reads


@dataclass(frozen=True)
class PensionerRow:
    line: int
    person_code: str
    first_name: str
    last_name: str
    pension_type: PensionType
    start_date: dt.date
    figures: Figures


def _type_lookup() -> dict[str, PensionType]:
    pension_type_ensure_defaults()
    lookup: dict[str, PensionType] = {}
    for t in PensionType.objects.all():
        lookup[t.code] = t
        lookup[t.code.replace("-", "_")] = t
    return lookup


def pensioners_validate(content: bytes) -> list[PensionerRow]:
    """Parse and check a whole pensioner file; raise ImportError_ listing every bad line and field."""
    types = _type_lookup()
    seen: dict[tuple[str, int], int] = {}

    def parse(line: int, record: dict[str, str]) -> PensionerRow:
        problems: dict[str, list[str]] = {}
        code = first = last = ""
        try:
            code = clean_personal_code(record["person_code"], field="person_code")
        except ValidationError as exc:
            problems.update(exc.message_dict)
        first, last = record["first_name"].strip(), record["last_name"].strip()
        if not first:
            problems["first_name"] = [_("First name is required.")]
        if not last:
            problems["last_name"] = [_("Last name is required.")]
        pension_type = types.get(record["pension_type"].strip())
        if pension_type is None:
            problems["pension_type"] = [_("Unknown pension type.")]
        start: dt.date | None = None
        try:
            start = dt.date.fromisoformat(record["start_date"].strip())
        except ValueError:
            problems["start_date"] = [_("Start date must be a date like 2024-03-31.")]
        try:
            figures = check_figures(
                service_years=record["service_years"],
                insurance_shares=record["insurance_shares"],
                joint_shares=record["joint_shares"],
                adjustment_factor=record["adjustment_factor"],
            )
        except ValidationError as exc:
            problems.update(exc.message_dict)
        if code and start and start < birth_date(code):
            problems["start_date"] = [_("The start date cannot be before the date of birth.")]
        if code and pension_type is not None:
            key = (code, pension_type.pk)
            if key in seen:
                problems["person_code"] = [
                    _("The same person and pension type are already on line %(line)d.") % {"line": seen[key]}
                ]
            else:
                seen[key] = line
        if problems:
            raise ValidationError(problems)
        assert pension_type is not None and start is not None
        return PensionerRow(line, code, first, last, pension_type, start, figures)

    return parse_csv_rows(content, parse, required=PENSIONER_COLUMNS)


def pensioners_import(*, path: Path, actor: Any, reason: str = "") -> dict[str, int]:
    """Import a pensioner register (the generator's ``pensioners.csv``), all or nothing.

    The whole file is validated first. Persons not yet known are created from the row's names; each
    row's pension is granted with its first amount computed with the parameters in force on its
    start date (or, for a start before the parameter files begin, on the first date they cover: the
    amount row then says so in its note). A row whose pension is already in the register with the
    same figures changes nothing, so re-importing a file changes nothing; a row that contradicts the
    register (other figures, or another open pension of that type) rejects the file. One audit event
    for the whole import. Returns counts.
    """
    require(actor, "pensions.add_pension")
    rows = pensioners_validate(Path(path).read_bytes())
    codes = [r.person_code for r in rows]
    persons = {p.personal_code: p for p in Person.objects.filter(personal_code__in=codes)}
    missing = [r for r in rows if r.person_code not in persons]
    if missing:
        require(actor, "core.add_person")
    existing: dict[tuple[str, int], list[Pension]] = {}
    for p in Pension.objects.filter(person__personal_code__in=codes).select_related("person"):
        existing.setdefault((p.person.personal_code, p.pension_type_id), []).append(p)
    params_cache: dict[dt.date, AmountParameters] = {}
    earliest = _earliest_parameter_date()
    errors: list[LineError] = []
    new_rows: list[tuple[PensionerRow, dt.date, AmountParameters]] = []
    unchanged = 0
    for r in rows:
        known = existing.get((r.person_code, r.pension_type.pk), [])
        same = [p for p in known if p.start_date == r.start_date]
        if same:
            p = same[0]
            if (p.service_years, p.adjustment_factor, p.insurance_shares, p.joint_shares) == (
                r.figures.service_years,
                r.figures.adjustment_factor,
                r.figures.insurance_shares,
                r.figures.joint_shares,
            ) or p.amounts.exclude(reason=AmountReason.NEW).exists():
                unchanged += 1
                continue
            errors.append(
                LineError(
                    r.line,
                    "person_code",
                    _(
                        "This pension is in the register with other figures; "
                        "correct it on the pension's page."
                    ),
                )
            )
            continue
        if any(p.status != PensionStatus.ENDED for p in known):
            errors.append(
                LineError(
                    r.line,
                    "pension_type",
                    _("The person already has a pension of this type that has not ended."),
                )
            )
            continue
        person = persons.get(r.person_code)
        if person is not None and person.date_of_death and r.start_date > person.date_of_death:
            errors.append(
                LineError(r.line, "start_date", _("The start date cannot be after the date of death."))
            )
            continue
        on = max(r.start_date, earliest) if earliest else r.start_date
        try:
            if on not in params_cache:
                params_cache[on] = _parameters_on(on, "start_date")
        except ValidationError as exc:
            errors.extend(LineError.from_validation_error(r.line, exc))
            continue
        new_rows.append((r, on, params_cache[on]))
    if errors:
        raise ImportError_(errors)
    summary = {"rows": len(rows), "persons_created": 0, "pensions_created": 0, "unchanged": unchanged}
    with transaction.atomic():
        to_create: dict[str, Person] = {}
        for r in missing:
            to_create.setdefault(
                r.person_code,
                Person(
                    personal_code=r.person_code,
                    first_name=r.first_name,
                    last_name=r.last_name,
                    birth_date=birth_date(r.person_code),
                    sex=sex(r.person_code),
                ),
            )
        Person.objects.bulk_create(list(to_create.values()), batch_size=1000)
        summary["persons_created"] = len(to_create)
        if to_create:
            persons.update(
                {p.personal_code: p for p in Person.objects.filter(personal_code__in=list(to_create))}
            )
        pensions = [
            Pension(
                person=persons[r.person_code],
                pension_type=r.pension_type,
                start_date=r.start_date,
                service_years=r.figures.service_years,
                adjustment_factor=r.figures.adjustment_factor,
                insurance_shares=r.figures.insurance_shares,
                joint_shares=r.figures.joint_shares,
                last_share_year=r.start_date.year - 1,
                status=PensionStatus.IN_PAYMENT,
            )
            for r, _on, _p in new_rows
        ]
        Pension.objects.bulk_create(pensions, batch_size=1000)
        amounts = []
        for pension, (r, on, params) in zip(pensions, new_rows, strict=True):
            note = ""
            if on != r.start_date:
                note = _("Taken over from the previous register: amount as computed on %(day)s.") % {
                    "day": on.strftime("%d.%m.%Y")
                }
            amounts.append(
                _amount_row(
                    pension,
                    on,
                    r.figures,
                    params.base_amount,
                    params.year_value,
                    reason=AmountReason.NEW,
                    note=note,
                )
            )
        PensionAmount.objects.bulk_create(amounts, batch_size=1000)
        summary["pensions_created"] = len(pensions)
        if pensions or to_create:
            audit_record(
                event=PensionEvent.PENSIONERS_IMPORTED,
                actor=actor,
                object_type="pensions.pension",
                object_id="import",
                object_repr=_("pensioner register import"),
                after={**summary, "file": Path(path).name},
                reason=reason,
            )
    return summary


def _earliest_parameter_date() -> dt.date | None:
    """The first date on which both a base amount and a year value are in force."""
    from ..selectors_parameters import parameters

    params = parameters()
    firsts = []
    for name in ("base_amount", "year_value"):
        entries = params.entries(name)
        if not entries:
            return None
        firsts.append(min(e.valid_from for e in entries))
    return max(firsts)
