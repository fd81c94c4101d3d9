"""Effective rights as CSV and XLSX: of one account at any date, and of every employed account of a
system (computed for all accounts at once: the query count does not grow with the accounts)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tests.access.factories import (
    AccountFactory,
    AssignmentFactory,
    OrgUnitFactory,
    ProfileFactory,
    RightFactory,
    SystemFactory,
)
from tests.access.test_explain_pages import build_world
from tugi.access.models import EmploymentStatus

pytestmark = pytest.mark.django_db

EXPORT = "/access/explain/export/"
RIGHTS = "/access/explain/rights/"


def csv_rows(response: Any) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def xlsx_rows(response: Any) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def system_world(db: Any) -> dict[str, Any]:
    pensions = OrgUnitFactory(code="pensionid", name="Pensionide osakond")
    tartu = OrgUnitFactory(code="tartu", name="Tartu vald")
    view = RightFactory(
        code="PENS_VIEW", name_et="Pensioni vaatamine", name_en="View a pension", sensitivity="personal_data"
    )
    decide = RightFactory(code="PENS_DECIDE", name_et="Pensioni otsustamine", name_en="")
    service = RightFactory(system=SystemFactory(code="STAR"), code="SERVICE_VIEW")
    base = ProfileFactory(code="BASE", content__rights=[view])
    top = ProfileFactory(code="TOP", content__includes=[base], content__rights=[decide])
    star = ProfileFactory(system=service.system, code="STAR_BASE", content__rights=[service])
    mari = AccountFactory(username="mari", org_unit=pensions)
    jaan = AccountFactory(username="jaan", org_unit=tartu)
    gone = AccountFactory(
        username="gone",
        org_unit=tartu,
        status=EmploymentStatus.LEAVER,
        left_on=dt.date.today() - dt.timedelta(days=5),
    )
    AssignmentFactory(account=mari, profile=top)
    AssignmentFactory(account=jaan, profile=base)
    AssignmentFactory(account=jaan, profile=star)
    AssignmentFactory(account=gone, profile=top, valid_to=dt.date.today() - dt.timedelta(days=5))
    return {"top": top, "base": base, "units": (pensions, tartu)}


EXPECTED = [
    ["jaan", "Tartu vald", "PENS_VIEW", "View a pension", "sees personal data", "BASE"],
    [
        "mari",
        "Pensionide osakond",
        "PENS_DECIDE",
        "Pensioni otsustamine",
        "ordinary",
        "TOP",
    ],  # no English name
    ["mari", "Pensionide osakond", "PENS_VIEW", "View a pension", "sees personal data", "TOP > BASE"],
]


def test_system_export_as_csv(system_world: Any, domain_support: Any, client_for: Any, settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"
    client = client_for(domain_support)
    response = client.get(EXPORT, {"system": "SKAIS", "format": "csv"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="rights-SKAIS-{dt.date.today().isoformat()}.csv"'
    )
    rows = csv_rows(response)
    assert len(rows[0]) == 6
    assert [r for r in rows[1:]] == EXPECTED


def test_system_export_as_xlsx(
    system_world: Any, domain_support: Any, client_for: Any, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "en"
    response = client_for(domain_support).get(
        EXPORT, {"system": "SKAIS", "format": "xlsx"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    rows = xlsx_rows(response)
    assert len(rows[0]) == 6 and rows[1:] == EXPECTED


def test_system_export_at_a_past_date_includes_who_was_employed_then(
    system_world: Any, domain_support: Any, client_for: Any
) -> None:
    client = client_for(domain_support)

    def accounts(at: dt.date) -> list[str]:
        response = client.get(EXPORT, {"system": "SKAIS", "format": "csv", "at": at.isoformat()})
        return sorted({r[0] for r in csv_rows(response)[1:]})

    today = dt.date.today()
    assert accounts(today) == ["jaan", "mari"]
    assert accounts(today - dt.timedelta(days=10)) == ["gone", "jaan", "mari"]  # left five days ago
    assert accounts(today - dt.timedelta(days=40)) == []  # the assignments began 30 days ago


def test_system_export_does_not_query_per_account(
    system_world: Any, domain_support: Any, client_for: Any
) -> None:
    client = client_for(domain_support)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(EXPORT, {"system": "SKAIS", "format": "csv"})
            list(response.streaming_content)
        return len(ctx.captured_queries)

    first = queries()
    for n in range(15):
        AssignmentFactory(account=AccountFactory(username=f"extra{n}"), profile=system_world["top"])
    assert queries() == first


def test_system_export_bad_input(domain_support: Any, client_for: Any) -> None:
    client = client_for(domain_support)
    response = client.get(EXPORT, {"system": "NOPE", "format": "csv"})
    assert response.status_code == 200 and "system" in response.context["form"].errors
    response = client.get(EXPORT, {"system": "SKAIS", "format": "pdf"})
    assert "format" in response.context["form"].errors
    response = client.get(EXPORT, {"system": "SKAIS", "format": "csv", "at": "tomorrow"})
    assert "at" in response.context["form"].errors


def test_account_rights_as_csv_and_xlsx_at_a_past_date(domain_support: Any, client_for: Any) -> None:
    world = build_world()
    client = client_for(domain_support)
    past = (dt.date.today() - dt.timedelta(days=20)).isoformat()
    response = client.get(RIGHTS, {"account": "mari.tamm", "at": past, "export": "csv"})
    assert response["Content-Disposition"] == f'attachment; filename="rights-mari.tamm-{past}.csv"'
    rows = csv_rows(response)
    assert len(rows[0]) == 7
    assert [(r[0], r[1], r[6]) for r in rows[1:]] == [
        ("SKAIS", "OLD_REPORT", "TOP > MIDDLE > BASE"),
        ("SKAIS", "PAY_CREATE", "TOP"),
        ("SKAIS", "PENS_VIEW", "TOP > MIDDLE > BASE"),
    ]
    assert rows[1][4] == world.assignment.valid_from.isoformat() and rows[1][5] == ""
    sheet = xlsx_rows(client.get(RIGHTS, {"account": "mari.tamm", "export": "xlsx"}))
    assert [(r[0], r[1]) for r in sheet[1:]] == [("SKAIS", "PAY_CREATE"), ("SKAIS", "PENS_VIEW")]
    assert isinstance(sheet[1][4], dt.datetime) and sheet[1][4].date() == world.assignment.valid_from
