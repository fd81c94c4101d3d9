"""Person services: create, update and the all-or-nothing CSV import, each audited once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation

from tests.factories import PersonFactory
from tests.helpers import exactly_one_audit_event, no_audit_event
from tugi.core.audit import CoreEvent
from tugi.core.identity import make_code
from tugi.core.imports import ImportError_
from tugi.core.models import AuditEvent, Person
from tugi.core.services import person_create, person_update, persons_import, persons_import_validate

pytestmark = pytest.mark.django_db

CODE_A = make_code(dt.date(1961, 5, 17), "F", 123)
CODE_B = make_code(dt.date(1958, 11, 2), "M", 45)
CODE_C = make_code(dt.date(1990, 2, 28), "F", 7)
HEADER = "personal_code;first_name;last_name;date_of_death"


def csv_bytes(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


GOOD_FILE = csv_bytes(
    f"{CODE_A};Malle;Kuusk;",
    f"{CODE_B};Jaan;Tamm;2024-03-31",
    f"{CODE_C};Liis;Saar;",
)


def _all_text(events: list[AuditEvent]) -> str:
    return " ".join(f"{e.before} {e.after} {e.object_repr} {e.reason}" for e in events)


# --- create and update ---------------------------------------------------------------------------


def test_create_derives_birth_date_and_sex_and_audits_once_with_a_masked_code(domain_support: Any) -> None:
    with exactly_one_audit_event(CoreEvent.PERSON_CREATED) as events:
        person = person_create(
            personal_code=CODE_A, first_name=" Malle ", last_name="Kuusk", actor=domain_support, reason="new"
        )
    person.refresh_from_db()
    assert (person.first_name, person.birth_date, person.sex) == ("Malle", dt.date(1961, 5, 17), "F")
    (event,) = events
    assert event.actor == domain_support
    assert (event.object_type, event.object_id) == ("core.person", str(person.pk))
    assert event.reason == "new"
    assert event.before is None
    assert event.after["personal_code"] == CODE_A[:7] + "****"
    assert event.after["first_name"] == "Malle"
    assert CODE_A not in _all_text(events)


def test_create_refuses_a_duplicate_code_with_a_field_error(domain_support: Any) -> None:
    person_create(personal_code=CODE_A, first_name="Malle", last_name="Kuusk", actor=domain_support)
    with no_audit_event(), pytest.raises(ValidationError) as info:
        person_create(personal_code=CODE_A, first_name="Mari", last_name="Mets", actor=domain_support)
    assert "personal_code" in info.value.message_dict
    assert Person.objects.filter(personal_code=CODE_A).count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"personal_code": "38001010008"}, "personal_code"),
        ({"first_name": "  "}, "first_name"),
        ({"last_name": ""}, "last_name"),
        ({"date_of_death": dt.date(1960, 1, 1)}, "date_of_death"),  # before birth
        ({"date_of_death": dt.date.today() + dt.timedelta(days=1)}, "date_of_death"),
    ],
)
def test_create_with_bad_input_names_the_field_and_stores_nothing(
    domain_support: Any, kwargs: dict[str, Any], field: str
) -> None:
    data = {"personal_code": CODE_A, "first_name": "Malle", "last_name": "Kuusk", **kwargs}
    with no_audit_event(), pytest.raises(ValidationError) as info:
        person_create(actor=domain_support, **data)
    assert field in info.value.message_dict
    assert not Person.objects.exists()


def test_update_audits_before_and_after(domain_support: Any) -> None:
    person = person_create(personal_code=CODE_A, first_name="Malle", last_name="Kuusk", actor=domain_support)
    with exactly_one_audit_event(CoreEvent.PERSON_UPDATED) as events:
        person_update(
            person=person,
            first_name="Malle",
            last_name="Kask",
            date_of_death=dt.date(2024, 1, 15),
            actor=domain_support,
            reason="marriage record",
        )
    (event,) = events
    assert event.before["last_name"] == "Kuusk"
    assert event.after["last_name"] == "Kask"
    assert event.before["date_of_death"] is None
    assert event.after["date_of_death"] == "2024-01-15"
    assert event.reason == "marriage record"
    assert event.after["personal_code"] == event.before["personal_code"] == CODE_A[:7] + "****"
    assert CODE_A not in _all_text(events)
    person.refresh_from_db()
    assert (person.last_name, person.date_of_death) == ("Kask", dt.date(2024, 1, 15))


def test_update_that_changes_nothing_writes_no_event(domain_support: Any) -> None:
    person = person_create(personal_code=CODE_A, first_name="Malle", last_name="Kuusk", actor=domain_support)
    with no_audit_event():
        person_update(
            person=person, first_name=" Malle", last_name="Kuusk ", date_of_death=None, actor=domain_support
        )


def test_update_with_a_bad_date_of_death_changes_nothing(domain_support: Any) -> None:
    person = person_create(personal_code=CODE_A, first_name="Malle", last_name="Kuusk", actor=domain_support)
    with no_audit_event(), pytest.raises(ValidationError) as info:
        person_update(
            person=person,
            first_name="Mari",
            last_name="Kuusk",
            date_of_death=dt.date(1900, 1, 1),
            actor=domain_support,
        )
    assert "date_of_death" in info.value.message_dict
    person.refresh_from_db()
    assert person.first_name == "Malle"


def test_test_manager_may_view_but_not_create(test_manager: Any) -> None:
    with no_audit_event(), pytest.raises(PermissionDenied):
        person_create(personal_code=CODE_A, first_name="Malle", last_name="Kuusk", actor=test_manager)
    assert not Person.objects.exists()


# --- import --------------------------------------------------------------------------------------


def test_import_creates_persons_and_writes_one_event(domain_support: Any) -> None:
    with exactly_one_audit_event(CoreEvent.PERSONS_IMPORTED) as events:
        summary = persons_import(content=GOOD_FILE, actor=domain_support, reason="register sync")
    assert summary == {"rows": 3, "created": 3, "updated": 0, "unchanged": 0}
    assert Person.objects.count() == 3
    jaan = Person.objects.get(personal_code=CODE_B)
    assert (jaan.first_name, jaan.birth_date, jaan.sex, jaan.date_of_death) == (
        "Jaan",
        dt.date(1958, 11, 2),
        "M",
        dt.date(2024, 3, 31),
    )
    (event,) = events
    assert event.actor == domain_support
    assert event.after == summary
    assert event.reason == "register sync"
    for code in (CODE_A, CODE_B, CODE_C):
        assert code not in _all_text(events)


def test_reimporting_the_same_file_changes_nothing_and_writes_no_event(domain_support: Any) -> None:
    persons_import(content=GOOD_FILE, actor=domain_support)
    before = {p.pk: (p.first_name, p.last_name, p.date_of_death, p.updated_at) for p in Person.objects.all()}
    with no_audit_event():
        summary = persons_import(content=GOOD_FILE, actor=domain_support)
    assert summary == {"rows": 3, "created": 0, "updated": 0, "unchanged": 3}
    after = {p.pk: (p.first_name, p.last_name, p.date_of_death, p.updated_at) for p in Person.objects.all()}
    assert after == before


def test_import_updates_known_persons(domain_support: Any) -> None:
    PersonFactory(personal_code=CODE_A, first_name="Malle", last_name="Vana")
    with exactly_one_audit_event(CoreEvent.PERSONS_IMPORTED):
        summary = persons_import(content=GOOD_FILE, actor=domain_support)
    assert summary == {"rows": 3, "created": 2, "updated": 1, "unchanged": 0}
    assert Person.objects.get(personal_code=CODE_A).last_name == "Kuusk"


def test_import_accepts_a_bom_and_no_optional_column(domain_support: Any) -> None:
    content = b"\xef\xbb\xbf" + csv_bytes(
        f"{CODE_A};Malle;Kuusk", header="personal_code;first_name;last_name"
    )
    assert persons_import(content=content, actor=domain_support)["created"] == 1


def _rejected(content: bytes) -> list[tuple[int, str]]:
    with pytest.raises(ImportError_) as info:
        persons_import_validate(content)
    errors = info.value.errors
    assert errors and all(e.message for e in errors)
    return [(e.line, e.field) for e in errors]


BAD_FILES = {
    "bad personal code on line 3": (
        csv_bytes(f"{CODE_A};Malle;Kuusk;", "38001010008;Jaan;Tamm;", f"{CODE_C};Liis;Saar;"),
        [(3, "personal_code")],
    ),
    "column missing from the header": (
        csv_bytes(f"{CODE_A};Malle", header="personal_code;first_name"),
        [(1, "last_name")],
    ),
    "line with a missing field": (
        csv_bytes(f"{CODE_A};Malle;Kuusk;", f"{CODE_B};Jaan"),
        [(3, "")],
    ),
    "bad date of death": (
        csv_bytes(f"{CODE_A};Malle;Kuusk;", f"{CODE_B};Jaan;Tamm;31.03.2024"),
        [(3, "date_of_death")],
    ),
    "duplicate code": (
        csv_bytes(f"{CODE_A};Malle;Kuusk;", f"{CODE_B};Jaan;Tamm;", f"{CODE_A};Mari;Mets;"),
        [(4, "personal_code")],
    ),
    "empty name": (csv_bytes(f"{CODE_A};;Kuusk;"), [(2, "first_name")]),
    "unknown column": (csv_bytes(f"{CODE_A};Malle;Kuusk;x", header=f"{HEADER[:-14]};nickname"), None),
    "no data rows": (csv_bytes(), [(1, "")]),
    "not UTF-8": ("personal_code;first_name;last_name\n38001010009;Jüri;Õun\n".encode("latin-1"), [(2, "")]),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_file_is_rejected_naming_the_line_and_field_and_nothing_is_stored(
    domain_support: Any, case: str
) -> None:
    content, expected = BAD_FILES[case]
    if expected is not None:
        assert _rejected(content) == expected
    with no_audit_event(), pytest.raises(ImportError_):
        persons_import(content=content, actor=domain_support)
    assert not Person.objects.exists()


def test_every_bad_line_is_reported_at_once(domain_support: Any) -> None:
    content = csv_bytes(
        "38001010008;Jaan;Tamm;",  # line 2: check digit
        f"{CODE_B};Jaan",  # line 3: a field missing
        f"{CODE_C};Liis;Saar;2024-02-30",  # line 4: no such date
        f"{CODE_A};Malle;Kuusk;",
    )
    assert _rejected(content) == [(2, "personal_code"), (3, ""), (4, "date_of_death")]


def test_line_errors_read_well(domain_support: Any) -> None:
    content = csv_bytes(f"{CODE_A};Malle;Kuusk;", "38001010008;Jaan;Tamm;")
    with translation.override("en"):
        with pytest.raises(ImportError_) as info:
            persons_import_validate(content)
        assert str(info.value.errors[0]).startswith("line 3, personal_code: ")


def test_import_is_all_or_nothing_when_a_bad_line_follows_good_ones(domain_support: Any) -> None:
    PersonFactory(personal_code=CODE_A, first_name="Malle", last_name="Vana")
    content = csv_bytes(f"{CODE_A};Malle;Kuusk;", f"{CODE_B};Jaan;Tamm;", "38001010008;Liis;Saar;")
    with no_audit_event(), pytest.raises(ImportError_):
        persons_import(content=content, actor=domain_support)
    assert list(Person.objects.values_list("last_name", flat=True)) == ["Vana"]


def test_import_needs_add_and_change_rights(test_manager: Any) -> None:
    with no_audit_event(), pytest.raises(PermissionDenied):
        persons_import(content=GOOD_FILE, actor=test_manager)
    assert not Person.objects.exists()


def test_import_progress_is_written_outside_the_import_transaction(domain_support: Any) -> None:
    from django.db import connection

    codes = [make_code(dt.date(1940, 1, 1) + dt.timedelta(days=n), "M", n % 1000) for n in range(450)]
    content = csv_bytes(*(f"{c};Mart;Mets{n};" for n, c in enumerate(codes)))
    depth = len(connection.atomic_blocks)  # the test's own transaction
    updates: list[tuple[int, int]] = []

    class Recorder:
        def update(self, *, percent: int | None = None, step: str | None = None) -> None:
            updates.append((percent or 0, len(connection.atomic_blocks) - depth))

    summary = persons_import(content=content, actor=domain_support, progress=Recorder())
    assert summary["created"] == 450
    assert [p for p, _ in updates] == sorted(p for p, _ in updates)
    assert updates[-1][0] == 100 and len(updates) >= 3
    assert all(nested == 0 for _, nested in updates), "progress written inside a transaction is not seen"


@pytest.mark.django_db
def test_save_fields_records_only_the_fields_set_and_skips_a_no_op(domain_support: Any) -> None:
    from tugi.core.crud import save_fields

    person = PersonFactory(first_name="Mari")
    with transaction.atomic():
        assert save_fields(person, event=CoreEvent.PERSON_UPDATED, actor=domain_support, first_name="Maria")
        assert not save_fields(
            person, event=CoreEvent.PERSON_UPDATED, actor=domain_support, first_name="Maria"
        )
    event = AuditEvent.objects.get(event_type="core.person_updated")
    assert (event.before, event.after) == ({"first_name": "Mari"}, {"first_name": "Maria"})
    person.refresh_from_db()
    assert person.first_name == "Maria"
