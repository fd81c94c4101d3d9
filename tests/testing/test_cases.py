"""Test cases: create and edit with versions, duplicates warning, CSV / XLSX import and export,
list page contract, API."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.base import ViewContract
from tests.delivery.factories import TicketFactory
from tests.helpers import exactly_one_audit_event, no_audit_event
from tests.testing.factories import TestCaseFactory
from tugi.core.imports import ImportError_
from tugi.core.models import AuditEvent
from tugi.core.roles import Role
from tugi.testing.models import CaseVersion, TestCase
from tugi.testing.services import cases as services

pytestmark = pytest.mark.django_db

HEADER = (
    "key;title;system;module;priority;tags;automated;automated_name;preconditions;steps;test_data;tickets"
)


def _csv(*lines: str) -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode()


def _xlsx(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- services ------------------------------------------------------------------------------------


def test_create_makes_version_one_and_one_event(test_manager: Any) -> None:
    ticket = TicketFactory()
    with exactly_one_audit_event("testing.case_created") as events:
        case = services.case_create(
            actor=test_manager,
            title="Old-age pension is granted",
            system="SKAIS",
            module="pensions",
            steps="Open the application => The form opens\nSave => Saved",
            tickets=[ticket],
        )
    assert case.key == "TC-1"
    assert case.current_version.number == 1
    assert case.current_version.steps == [
        {"action": "Open the application", "expected": "The form opens"},
        {"action": "Save", "expected": "Saved"},
    ]
    assert list(case.tickets.all()) == [ticket]
    assert events[0].after["tickets"] == [ticket.key]


def test_text_change_creates_a_new_version_field_change_does_not(test_manager: Any) -> None:
    case = TestCaseFactory()
    with exactly_one_audit_event("testing.case_updated"):
        assert services.case_update(case=case, actor=test_manager, priority="high")
    assert case.versions.count() == 1
    with exactly_one_audit_event("testing.case_updated") as events:
        assert services.case_update(
            case=case, actor=test_manager, steps=[{"action": "New", "expected": "Ok"}]
        )
    case.refresh_from_db()
    assert case.current_version.number == 2
    assert case.versions.count() == 2
    assert events[0].before["version"] == 1 and events[0].after["version"] == 2


def test_unchanged_update_writes_nothing(test_manager: Any) -> None:
    case = TestCaseFactory()
    with no_audit_event():
        assert not services.case_update(case=case, actor=test_manager, title=case.title)
    assert case.versions.count() == 1


def test_bad_input_names_field_and_stores_nothing(test_manager: Any) -> None:
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        services.case_create(actor=test_manager, key="bad key", title="X", system="SKAIS")
    assert "key" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.case_create(actor=test_manager, title="X", system="SKAIS", automated=True)
    assert "automated_name" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.case_create(actor=test_manager, title="X", system="SKAIS", steps=[{"expected": "no action"}])
    assert "steps" in exc.value.message_dict
    assert not TestCase.objects.exists() and not CaseVersion.objects.exists()


def test_auditor_cannot_create(auditor: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.case_create(actor=auditor, title="X", system="SKAIS")


def test_steps_text_round_trip() -> None:
    steps = [{"action": "Open", "expected": "Opens"}, {"action": "Look", "expected": ""}]
    assert services.parse_steps(services.steps_text(steps)) == steps


# --- import --------------------------------------------------------------------------------------


def test_csv_import_creates_and_updates_with_one_event(test_manager: Any) -> None:
    existing = TestCaseFactory(key="TC-7", title="Benefit is paid")
    ticket = TicketFactory(key="SKAIS-100")
    content = _csv(
        "TC-7;Benefit is paid on time;SKAIS;benefits;high;;no;;;Pay => Paid;;",
        ";Survivor's pension application;SKAIS;pensions;medium;smoke, uat;yes;tests.test_x::test_y;;"
        "Open => Opens;;SKAIS-100",
    )
    with exactly_one_audit_event("testing.cases_imported") as events:
        summary = services.cases_import(content=content, fmt="csv", actor=test_manager)
    assert summary.updated == ["TC-7"]
    assert len(summary.created) == 1
    new = TestCase.objects.get(key=summary.created[0])
    assert new.automated and new.automated_name == "tests.test_x::test_y"
    assert [t.key for t in new.tickets.all()] == ["SKAIS-100"]
    existing.refresh_from_db()
    assert existing.title == "Benefit is paid on time"
    assert existing.current_version.number == 2
    assert events[0].after["created"] == summary.created
    assert ticket.test_cases.count() == 1


def test_csv_import_with_a_bad_line_stores_nothing(test_manager: Any) -> None:
    content = _csv(
        ";Good case;SKAIS;m;medium;;no;;;A => B;;",
        ";Bad case;NOPE;m;medium;;maybe;;;A => B;;SKAIS-404",
    )
    with no_audit_event(), pytest.raises(ImportError_) as exc:
        services.cases_import(content=content, fmt="csv", actor=test_manager)
    found = {(e.line, e.field) for e in exc.value.errors}
    assert {(3, "system"), (3, "automated"), (3, "tickets")} <= found
    assert not TestCase.objects.exists()


def test_csv_import_refuses_repeated_key(test_manager: Any) -> None:
    content = _csv("TC-1;A;SKAIS;m;;;;;;;;", "TC-1;B;SKAIS;m;;;;;;;;")
    with pytest.raises(ImportError_) as exc:
        services.cases_import(content=content, fmt="csv", actor=test_manager)
    assert [(e.line, e.field) for e in exc.value.errors] == [(3, "key")]
    assert not TestCase.objects.exists()


def test_xlsx_import_and_duplicate_warning(test_manager: Any) -> None:
    TestCaseFactory(key="TC-1", title="Pension application is saved", module="pensions")
    content = _xlsx(
        [
            ["title", "system", "module", "steps"],
            ["Pension application is saved!", "SKAIS", "pensions", "Open => Opens\nSave => Saved"],
        ]
    )
    summary = services.cases_import(content=content, fmt="xlsx", actor=test_manager)
    assert summary.created == ["TC-2"]
    assert summary.warnings and "TC-1" in summary.warnings[0]
    assert TestCase.objects.get(key="TC-2").current_version.steps[1] == {
        "action": "Save",
        "expected": "Saved",
    }


def test_xlsx_import_error_names_row(test_manager: Any) -> None:
    content = _xlsx([["title", "system"], ["", "SKAIS"]])
    with pytest.raises(ImportError_) as exc:
        services.cases_import(content=content, fmt="xlsx", actor=test_manager)
    assert [(e.line, e.field) for e in exc.value.errors] == [(2, "title")]


def test_export_can_be_imported_back(test_manager: Any, client_for: Any) -> None:
    TestCaseFactory(key="TC-3", title="Export me", tags="a, b")
    response = client_for(test_manager).get(reverse("testing:case_list"), {"export": "import-csv"})
    content = b"".join(response.streaming_content)
    summary = services.cases_import(content=content, fmt="csv", actor=test_manager)
    assert summary.unchanged == ["TC-3"]
    response = client_for(test_manager).get(reverse("testing:case_list"), {"export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    summary = services.cases_import(content=response.content, fmt="xlsx", actor=test_manager)
    assert summary.unchanged == ["TC-3"]


# --- pages ---------------------------------------------------------------------------------------


class TestCasePages(ViewContract):
    list_url = "testing:case_list"
    create_url = "testing:case_create"
    editor_role = Role.TEST_MANAGER
    viewer_role = None
    create_event = "testing.case_created"
    update_event = "testing.case_updated"

    def make(self) -> Any:
        return TestCaseFactory()

    def detail_url(self, obj: Any) -> str:
        return reverse("testing:case_detail", args=[obj.pk])

    def create_data(self) -> dict[str, Any]:
        return {
            "key": "TC-900",
            "title": "Unique title of a brand new case",
            "system": "STAR",
            "module": "registry",
            "priority": "high",
            "steps": "Open => Opens",
        }

    def bad_data(self) -> tuple[dict[str, Any], str]:
        return {**self.create_data(), "system": "NOPE"}, "system"

    def created(self, data: dict[str, Any]) -> Any:
        return TestCase.objects.filter(key=data["key"])

    def edit_url(self, obj: Any) -> str:
        return reverse("testing:case_edit", args=[obj.pk])

    def edit_data(self, obj: Any) -> dict[str, Any]:
        return {
            "key": obj.key,
            "title": obj.title,
            "system": obj.system,
            "priority": "low",
            "steps": "X => Y",
        }


def test_create_page_warns_about_similar_case_then_saves(test_manager: Any, client_for: Any) -> None:
    TestCaseFactory(key="TC-1", title="Pension application is saved", module="pensions")
    client = client_for(test_manager)
    data = {
        "title": "Pension application is saved.",
        "system": "SKAIS",
        "module": "pensions",
        "priority": "medium",
    }
    response = client.post(reverse("testing:case_create"), data)
    assert response.status_code == 200
    assert 'id="duplicate-warning"' in response.content.decode()
    assert 'data-key="TC-1"' in response.content.decode()
    assert TestCase.objects.count() == 1
    response = client.post(reverse("testing:case_create"), {**data, "ignore_duplicates": "on"})
    assert response.status_code == 302
    assert TestCase.objects.count() == 2


def test_detail_shows_versions_and_steps(test_manager: Any, client_for: Any) -> None:
    case = TestCaseFactory(version__steps=[{"action": "Click save", "expected": "Saved"}])
    services.case_update(case=case, actor=test_manager, preconditions="Logged in")
    body = client_for(test_manager).get(reverse("testing:case_detail", args=[case.pk])).content.decode()
    assert "Click save" in body and "v2" in body and "v1" in body


def test_import_page_lists_line_errors(test_manager: Any, client_for: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("cases.csv", _csv(";;SKAIS;m;;;;;;;;"), content_type="text/csv")
    response = client_for(test_manager).post(reverse("testing:case_import"), {"file": upload})
    assert response.status_code == 400
    assert 'data-line="2" data-column="title"' in response.content.decode()
    assert not AuditEvent.objects.filter(event_type="testing.cases_imported").exists()


def test_domain_support_may_view_and_add_but_not_edit(domain_support: Any, client_for: Any) -> None:
    case = TestCaseFactory()
    client = client_for(domain_support)
    assert client.get(reverse("testing:case_list")).status_code == 200
    assert client.get(reverse("testing:case_create")).status_code == 200
    assert client.get(reverse("testing:case_edit", args=[case.pk])).status_code == 404
    assert client.get(reverse("testing:case_import")).status_code == 403


def test_list_filters_by_ticket(auditor: Any, client_for: Any) -> None:
    ticket = TicketFactory(key="SKAIS-5")
    TestCaseFactory(key="TC-1", tickets=[ticket])
    TestCaseFactory(key="TC-2")
    body = client_for(auditor).get(reverse("testing:case_list"), {"ticket": "skais-5"}).content.decode()
    assert 'data-key="TC-1"' in body and 'data-key="TC-2"' not in body


def test_api_lists_cases(test_manager: Any, client_for: Any) -> None:
    ticket = TicketFactory(key="STAR-1", system="STAR")
    TestCaseFactory(key="TC-1", system="STAR", tickets=[ticket], tags="smoke,uat")
    TestCaseFactory(key="TC-2")
    response = client_for(test_manager).get("/api/v1/testing/cases", {"system": "star"})
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["key"] for i in items] == ["TC-1"]
    assert items[0]["tickets"] == ["STAR-1"] and items[0]["tags"] == ["smoke", "uat"]
    assert items[0]["version"] == 1 and items[0]["steps"]


def test_api_hides_cases_from_users_without_role(make_user: Any, client_for: Any) -> None:
    case = TestCaseFactory()
    client = client_for(make_user())
    assert client.get("/api/v1/testing/cases").json()["items"] == []
    assert client.get(f"/api/v1/testing/cases/{case.pk}").status_code == 404
