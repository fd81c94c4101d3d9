"""Persons: create, update and import from CSV (validated whole, all or nothing)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..audit import CoreEvent, audit_record
from ..crud import save_changes, save_new
from ..identity import birth_date, clean_personal_code, sex
from ..imports import parse_csv_rows
from ..models import Person
from ..permissions import require

PERSON_COLUMNS = ("personal_code", "first_name", "last_name", "date_of_death")


def _clean_names(first_name: str, last_name: str) -> tuple[str, str]:
    errors: dict[str, str] = {}
    first, last = (first_name or "").strip(), (last_name or "").strip()
    if not first:
        errors["first_name"] = _("First name is required.")
    if not last:
        errors["last_name"] = _("Last name is required.")
    if errors:
        raise ValidationError(errors)
    return first, last


def _check_death(code: str, date_of_death: dt.date | None) -> None:
    if date_of_death is None:
        return
    if date_of_death < birth_date(code):
        raise ValidationError({"date_of_death": _("Date of death cannot be before the date of birth.")})
    if date_of_death > dt.date.today():
        raise ValidationError({"date_of_death": _("Date of death cannot be in the future.")})


@transaction.atomic
def person_create(
    *,
    personal_code: str,
    first_name: str,
    last_name: str,
    date_of_death: dt.date | None = None,
    actor: Any,
    reason: str = "",
) -> Person:
    require(actor, "core.add_person")
    code = clean_personal_code(personal_code)
    first, last = _clean_names(first_name, last_name)
    if Person.objects.filter(personal_code=code).exists():
        raise ValidationError({"personal_code": _("A person with this personal code already exists.")})
    _check_death(code, date_of_death)
    person = Person(
        personal_code=code,
        first_name=first,
        last_name=last,
        birth_date=birth_date(code),
        sex=sex(code),
        date_of_death=date_of_death,
    )
    return save_new(person, event=CoreEvent.PERSON_CREATED, actor=actor, reason=reason)


@transaction.atomic
def person_update(
    *,
    person: Person,
    first_name: str,
    last_name: str,
    date_of_death: dt.date | None,
    actor: Any,
    reason: str = "",
) -> Person:
    require(actor, "core.change_person")
    person = Person.objects.select_for_update().get(pk=person.pk)
    before = person.audit_snapshot()
    first, last = _clean_names(first_name, last_name)
    _check_death(person.personal_code, date_of_death)
    person.first_name, person.last_name, person.date_of_death = first, last, date_of_death
    save_changes(person, before, event=CoreEvent.PERSON_UPDATED, actor=actor, reason=reason)
    return person


@dataclass(frozen=True)
class PersonRow:
    line: int
    personal_code: str
    first_name: str
    last_name: str
    date_of_death: dt.date | None


def persons_import_validate(content: bytes) -> list[PersonRow]:
    """Parse and check a whole persons CSV; raise ImportError_ listing every bad line."""
    seen: dict[str, int] = {}

    def parse(line: int, record: dict[str, str]) -> PersonRow:
        code = clean_personal_code(record["personal_code"])
        first, last = _clean_names(record["first_name"], record["last_name"])
        death_text = (record.get("date_of_death") or "").strip()
        death = None
        if death_text:
            try:
                death = dt.date.fromisoformat(death_text)
            except ValueError:
                raise ValidationError(
                    {"date_of_death": _("Date of death must be a date like 2024-03-31.")}
                ) from None
        _check_death(code, death)
        if code in seen:
            raise ValidationError(
                {
                    "personal_code": _("The same personal code is already on line %(line)d.")
                    % {"line": seen[code]}
                }
            )
        seen[code] = line
        return PersonRow(line, code, first, last, death)

    return parse_csv_rows(content, parse, required=PERSON_COLUMNS[:3], optional=PERSON_COLUMNS[3:])


def persons_import(*, content: bytes, actor: Any, progress: Any = None, reason: str = "") -> dict[str, int]:
    """Import persons: new codes are created, known ones updated; nothing is stored if a line is bad.

    Re-importing the same file changes nothing. One audit event records the whole import.
    """
    require(actor, "core.add_person")
    require(actor, "core.change_person")
    rows = persons_import_validate(content)
    unchanged = 0
    # Compare with the register outside the transaction, so that the progress written meanwhile
    # is seen at once by the browser and the terminal (a transaction would hide it until commit).
    existing = {
        p.personal_code: p for p in Person.objects.filter(personal_code__in=[r.personal_code for r in rows])
    }
    to_create: list[Person] = []
    to_update: list[Person] = []
    for index, row in enumerate(rows, start=1):
        person = existing.get(row.personal_code)
        if person is None:
            to_create.append(
                Person(
                    personal_code=row.personal_code,
                    first_name=row.first_name,
                    last_name=row.last_name,
                    birth_date=birth_date(row.personal_code),
                    sex=sex(row.personal_code),
                    date_of_death=row.date_of_death,
                )
            )
        elif (person.first_name, person.last_name, person.date_of_death) != (
            row.first_name,
            row.last_name,
            row.date_of_death,
        ):
            person.first_name, person.last_name, person.date_of_death = (
                row.first_name,
                row.last_name,
                row.date_of_death,
            )
            to_update.append(person)
        else:
            unchanged += 1
        if progress is not None and index % 200 == 0:
            progress.update(percent=int(index * 90 / len(rows)), step=_("Checking rows"))
    created, updated = len(to_create), len(to_update)
    summary = {"rows": len(rows), "created": created, "updated": updated, "unchanged": unchanged}
    with transaction.atomic():
        # A person added meanwhile by someone else makes bulk_create fail: nothing is stored.
        Person.objects.bulk_create(to_create, batch_size=500)
        Person.objects.bulk_update(to_update, ["first_name", "last_name", "date_of_death"], batch_size=500)
        if created or updated:
            audit_record(
                event=CoreEvent.PERSONS_IMPORTED,
                actor=actor,
                object_type="core.person",
                object_id="import",
                object_repr=_("persons import"),
                after=summary,
                reason=reason,
            )
    if progress is not None:
        progress.update(percent=100, step=_("Done"))
    return summary


def persons_csv_template() -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerow(PERSON_COLUMNS)
    return buffer.getvalue()


def person_view_record(*, viewer: Any, person: Person, purpose: str, channel: str = "web") -> None:
    """Log that ``viewer`` saw ``person``'s data (the view log, not an audit event: nothing changed)."""
    from ..context import current_request_id
    from ..models import PersonalDataView

    if not purpose.strip():
        raise ValidationError({"purpose": _("Say why you look at this person's data.")})
    PersonalDataView.objects.create(
        viewer=viewer, person=person, purpose=purpose[:200], channel=channel, request_id=current_request_id()
    )


def persons_view_record_many(
    *, viewer: Any, persons: list[Person], purpose: str, channel: str = "web"
) -> None:
    """Log one view row per person shown in a list or an API response."""
    from ..context import current_request_id
    from ..models import PersonalDataView

    request_id = current_request_id()
    PersonalDataView.objects.bulk_create(
        [
            PersonalDataView(
                viewer=viewer, person=p, purpose=purpose[:200], channel=channel, request_id=request_id
            )
            for p in persons
        ]
    )
