"""Import of a pensioner register (the generator's ``pensioners.csv``): all or nothing, idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.factories import PersonFactory
from tests.helpers import exactly_one_audit_event, no_audit_event
from tugi.core.identity import make_code
from tugi.core.imports import ImportError_
from tugi.core.models import Person
from tugi.pensions.audit_events import PensionEvent
from tugi.pensions.models import AmountReason, Pension, PensionAmount
from tugi.pensions.services.register import pension_type_ensure_defaults, pensioners_import

pytestmark = pytest.mark.django_db

HEADER = (
    "person_code;first_name;last_name;pension_type;start_date;service_years;adjustment_factor;"
    "insurance_shares;joint_shares"
)
A = make_code(dt.date(1957, 4, 2), "F", 12)
B = make_code(dt.date(1944, 11, 20), "M", 340)


@pytest.fixture(autouse=True)
def types(db: Any) -> None:
    pension_type_ensure_defaults()  # the default types exist before an import (their own audit event)


def write(tmp_path: Path, lines: list[str], name: str = "pensioners.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


GOOD = [
    f"{A};Malle;Kask;old-age;2022-06-01;44.00;1.000000;0.000;0.000",
    f"{B};Jaan;Saar;old-age;2009-03-01;30.25;0.952000;9.875;0.000",
]


def test_a_good_file_creates_persons_and_pensions_with_their_first_amount(
    tmp_path: Path, domain_support: Any
) -> None:
    PersonFactory(personal_code=A, first_name="Malle", last_name="Kask")
    with exactly_one_audit_event(PensionEvent.PENSIONERS_IMPORTED) as events:
        summary = pensioners_import(path=write(tmp_path, GOOD), actor=domain_support)
    assert summary == {"rows": 2, "persons_created": 1, "pensions_created": 2, "unchanged": 0}
    assert Person.objects.get(personal_code=B).first_name == "Jaan"
    a = Pension.objects.get(person__personal_code=A)
    assert a.amounts.get().amount == Decimal("595.35")  # 255.7562 + 44 × 7.718
    b = Pension.objects.get(person__personal_code=B)
    row = b.amounts.get()
    # Started before the parameter files begin (2016-04-01): the first amount is as computed then.
    assert row.valid_from == dt.date(2016, 4, 1) and row.reason == AmountReason.NEW and row.note
    assert row.amount == Decimal("356.57")  # (153.3035 + (30.25 + 9.875) × 5.514) × 0.952 = 356.5712...
    assert b.adjustment_factor == Decimal("0.952") and b.start_date == dt.date(2009, 3, 1)
    assert A not in str(events[0].after) and B not in str(events[0].after)


def test_re_importing_the_same_file_changes_nothing(tmp_path: Path, domain_support: Any) -> None:
    path = write(tmp_path, GOOD)
    pensioners_import(path=path, actor=domain_support)
    with no_audit_event():
        summary = pensioners_import(path=path, actor=domain_support)
    assert summary == {"rows": 2, "persons_created": 0, "pensions_created": 0, "unchanged": 2}
    assert Pension.objects.count() == 2 and PensionAmount.objects.count() == 2


@pytest.mark.parametrize(
    ("line", "field"),
    [
        (f"{A[:-1]}0;Malle;Kask;old-age;2022-06-01;44.00;1.000000;0.000;0.000", "person_code"),
        (f"{A};Malle;Kask;widow;2022-06-01;44.00;1.000000;0.000;0.000", "pension_type"),
        (f"{A};Malle;Kask;old-age;2022-13-01;44.00;1.000000;0.000;0.000", "start_date"),
        (f"{A};Malle;Kask;old-age;2022-06-01;-1;1.000000;0.000;0.000", "service_years"),
        (f"{A};Malle;Kask;old-age;2022-06-01;44.00;0;0.000;0.000", "adjustment_factor"),
        (f"{A};Malle;Kask;old-age;2022-06-01;44.00;1;0.0001;0.000", "insurance_shares"),
        (f"{A};;Kask;old-age;2022-06-01;44.00;1;0.000;0.000", "first_name"),
    ],
)
def test_one_bad_line_rejects_the_file_with_its_line_and_field(
    tmp_path: Path, domain_support: Any, line: str, field: str
) -> None:
    if line.startswith(A[:-1] + "0") and A.endswith("0"):
        pytest.skip("the code happens to end in 0")
    path = write(tmp_path, [GOOD[1], line])
    with no_audit_event(), pytest.raises(ImportError_) as caught:
        pensioners_import(path=path, actor=domain_support)
    assert [(e.line, e.field) for e in caught.value.errors] == [(3, field)]
    assert not Pension.objects.exists() and not Person.objects.exists()


def test_a_row_that_contradicts_the_register_rejects_the_file(tmp_path: Path, domain_support: Any) -> None:
    pensioners_import(path=write(tmp_path, GOOD[:1]), actor=domain_support)
    changed = GOOD[0].replace(";44.00;", ";40.00;")
    with no_audit_event(), pytest.raises(ImportError_) as caught:
        pensioners_import(path=write(tmp_path, [GOOD[1], changed], "again.csv"), actor=domain_support)
    assert [(e.line, e.field) for e in caught.value.errors] == [(3, "person_code")]
    assert Pension.objects.count() == 1


def test_a_missing_column_and_a_duplicate_are_refused(tmp_path: Path, domain_support: Any) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        HEADER.replace(";joint_shares", "") + "\n" + GOOD[0].rsplit(";", 1)[0] + "\n", encoding="utf-8"
    )
    with pytest.raises(ImportError_) as caught:
        pensioners_import(path=path, actor=domain_support)
    assert [(e.line, e.field) for e in caught.value.errors] == [(1, "joint_shares")]
    with pytest.raises(ImportError_) as caught:
        pensioners_import(path=write(tmp_path, [GOOD[0], GOOD[0]]), actor=domain_support)
    assert [(e.line, e.field) for e in caught.value.errors] == [(3, "person_code")]


def test_only_domain_support_may_import(tmp_path: Path, finance_user: Any) -> None:
    with pytest.raises(PermissionDenied):
        pensioners_import(path=write(tmp_path, GOOD), actor=finance_user)


def test_the_generators_file_imports(tmp_path: Path, domain_support: Any) -> None:
    from tugi.engine.generate import generate

    report = generate(60, range(2024, 2026), tmp_path / "gen", seed=3)
    assert report.pensioners_file is not None
    summary = pensioners_import(path=report.pensioners_file, actor=domain_support)
    assert summary["pensions_created"] == report.pensioners > 0
    assert PensionAmount.objects.count() == report.pensioners


def test_the_import_page_shows_the_bad_lines(tmp_path: Path, domain_support: Any, client_for: Any) -> None:
    client = client_for(domain_support)
    bad = write(tmp_path, [GOOD[0].replace("old-age", "widow")])
    with bad.open("rb") as handle:
        response = client.post(reverse("pensions:pensioners_import"), {"file": handle})
    assert response.status_code == 200
    page = response.content.decode()
    assert "nothing was stored" in page and 'data-line="2"' in page and 'data-field="pension_type"' in page
    with write(tmp_path, GOOD, "good.csv").open("rb") as handle:
        response = client.post(reverse("pensions:pensioners_import"), {"file": handle})
    assert response.status_code == 302 and Pension.objects.count() == 2
