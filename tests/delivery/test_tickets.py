"""Tickets: Jira-style CSV / JSON import (upsert by key, whole file refused on a bad line), the push
API, links, and the pages."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tests.access.factories import ProfileFactory, SystemFactory
from tests.helpers import exactly_one_audit_event, no_audit_event
from tugi.core.imports import ImportError_
from tugi.core.services import token_create
from tugi.delivery.models import Ticket, TicketFlag, TicketStatus
from tugi.delivery.services.tickets import ticket_create, ticket_link_add, ticket_update, tickets_import

from .factories import DeliveryFactory, FeatureFlagFactory, TicketFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "Issue key,Summary,Issue Type,Status,Fix Version/s,Assignee,Due Date,"
    "Custom field (Feature flags),Custom field (Required roles),Custom field (Business description)\n"
)

FLAGS_ROLES_TEXT = 'new-indexation=on,PENS_SPEC,"Kontrolli, et summa on õige"'


def _csv(*lines: str) -> bytes:
    return (HEADER + "\n".join(lines) + "\n").encode()


@pytest.fixture
def setup(db: Any) -> dict[str, Any]:
    system = SystemFactory(code="SKAIS")
    profile = ProfileFactory(system=system, code="PENS_SPEC")
    delivery = DeliveryFactory(system="SKAIS", version="2026.12")
    FeatureFlagFactory(system="SKAIS", key="new-indexation")
    return {"profile": profile, "delivery": delivery}


def test_csv_import_creates_and_reimport_updates(setup: dict[str, Any], test_manager: Any) -> None:
    content = _csv(
        "SKAIS-1,Indexation,Story,Ready for Test,2026.12,dev1,2026-12-01," + FLAGS_ROLES_TEXT,
        "SKAIS-2,Report,Task,In Progress,2026.12,,01.12.2026,,,",
    )
    with exactly_one_audit_event("delivery.tickets_imported"):
        summary = tickets_import(content=content, actor=test_manager)
    assert summary["created"] == ["SKAIS-1", "SKAIS-2"]
    one = Ticket.objects.get(key="SKAIS-1")
    assert one.status == TicketStatus.READY_FOR_UAT
    assert one.delivery == setup["delivery"]
    assert [p.code for p in one.required_profiles.all()] == ["PENS_SPEC"]
    flag = TicketFlag.objects.get(ticket=one)
    assert flag.flag_key == "new-indexation" and flag.expected_enabled and flag.flag is not None
    assert str(Ticket.objects.get(key="SKAIS-2").testing_due) == "2026-12-01"

    again = _csv(
        "SKAIS-1,Indexation 2027,Story,Ready for Test,2026.12,dev1,2026-12-01," + FLAGS_ROLES_TEXT,
        "SKAIS-2,Report,Task,In Progress,2026.12,,01.12.2026,,,",
    )
    summary = tickets_import(content=again, actor=test_manager)
    assert summary == {"created": [], "updated": ["SKAIS-1"], "unchanged": ["SKAIS-2"]}
    assert Ticket.objects.count() == 2
    assert Ticket.objects.get(key="SKAIS-1").title == "Indexation 2027"


def test_a_bad_line_refuses_the_whole_file(setup: dict[str, Any], test_manager: Any) -> None:
    content = _csv(
        "SKAIS-1,Fine,Story,Open,2026.12,,,,,",
        "SKAIS-2,Bad status,Story,Halfway,2026.12,,,,,",
        "SKAIS-3,Bad version,Story,Open,2030.1,,notadate,,NOPE,",
    )
    with no_audit_event(), pytest.raises(ImportError_) as exc:
        tickets_import(content=content, actor=test_manager)
    found = {(e.line, e.field) for e in exc.value.errors}
    assert (3, "Status") in found
    assert (4, "Fix Version/s") in found and (4, "Due Date") in found
    assert (4, "Custom field (Required roles)") in found
    assert Ticket.objects.count() == 0


def test_missing_key_column_and_duplicates(setup: dict[str, Any], test_manager: Any) -> None:
    with pytest.raises(ImportError_) as exc:
        tickets_import(content=b"Summary,Status\nx,Open\n", actor=test_manager)
    assert exc.value.errors[0].field == "Issue key"
    with pytest.raises(ImportError_) as exc:
        tickets_import(
            content=_csv("SKAIS-1,A,Story,Open,,,,,,", "SKAIS-1,B,Story,Open,,,,,,"), actor=test_manager
        )
    assert "already on line 2" in exc.value.errors[0].message


def test_json_jira_search_result(setup: dict[str, Any], test_manager: Any) -> None:
    data = {
        "issues": [
            {
                "key": "SKAIS-10",
                "fields": {
                    "summary": "From Jira",
                    "issuetype": {"name": "Bug"},
                    "status": {"name": "In Testing"},
                    "fixVersions": [{"name": "2026.12"}],
                    "duedate": "2026-12-05",
                    "description": "Kontrolli makse faili.",
                    "project": {"key": "SKAIS"},
                },
            }
        ]
    }
    tickets_import(content=json.dumps(data).encode(), actor=test_manager)
    ticket = Ticket.objects.get(key="SKAIS-10")
    assert (ticket.issue_type, ticket.status, ticket.business_description) == (
        "Bug",
        "in_testing",
        "Kontrolli makse faili.",
    )


def test_push_api_upserts_by_key(setup: dict[str, Any], test_manager: Any) -> None:
    _token, text = token_create(user=test_manager, name="jira", actor=test_manager)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {text}")
    body = {
        "key": "SKAIS-5",
        "title": "Pushed",
        "status": "Ready for UAT",
        "delivery": "2026.12",
        "flags": {"new-indexation": True},
    }
    first = client.post("/api/v1/delivery/tickets", json.dumps(body), content_type="application/json")
    assert first.status_code == 201, first.content
    assert first.json()["ticket"]["flags"] == [{"key": "new-indexation", "expected_enabled": True}]
    second = client.post(
        "/api/v1/delivery/tickets",
        json.dumps({**body, "title": "Pushed again"}),
        content_type="application/json",
    )
    assert second.status_code == 200 and second.json()["outcome"] == "updated"
    same = client.post(
        "/api/v1/delivery/tickets",
        json.dumps({**body, "title": "Pushed again"}),
        content_type="application/json",
    )
    assert same.json()["outcome"] == "unchanged"
    assert Ticket.objects.filter(key="SKAIS-5").count() == 1
    bad = client.post(
        "/api/v1/delivery/tickets", json.dumps({"key": "nope"}), content_type="application/json"
    )
    assert bad.status_code == 422 and "key" in bad.json()["errors"]
    listed = client.get("/api/v1/delivery/tickets?system=SKAIS").json()
    assert listed["count"] == 1 and listed["items"][0]["key"] == "SKAIS-5"
    assert Client().get("/api/v1/delivery/tickets").status_code == 401


def test_push_needs_the_right(setup: dict[str, Any], finance_user: Any) -> None:
    _token, text = token_create(user=finance_user, name="x", actor=finance_user)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {text}")
    response = client.post(
        "/api/v1/delivery/tickets",
        json.dumps({"key": "SKAIS-5", "title": "x"}),
        content_type="application/json",
    )
    assert response.status_code == 403


def test_create_and_edit_in_tugi(setup: dict[str, Any], test_manager: Any) -> None:
    with exactly_one_audit_event("delivery.ticket_created"):
        ticket = ticket_create(
            key="skais-20",
            title="Manual",
            system="SKAIS",
            issue_type="Story",
            status="new",
            delivery=setup["delivery"],
            flags="new-indexation=off",
            roles="PENS_SPEC",
            actor=test_manager,
        )
    assert ticket.key == "SKAIS-20" and ticket.flags.get().expected_enabled is False
    with pytest.raises(ValidationError) as exc:
        ticket_create(key="SKAIS-20", title="again", system="SKAIS", actor=test_manager)
    assert "key" in exc.value.message_dict
    with exactly_one_audit_event("delivery.ticket_updated") as events:
        ticket_update(ticket=ticket, flags="new-indexation=on", roles="", title="Manual", actor=test_manager)
    assert events[0].after["flags"] == {"new-indexation": True}
    assert ticket.required_profiles.count() == 0
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        ticket_update(ticket=ticket, flags="bad key=on", actor=test_manager)
    assert "flags" in exc.value.message_dict


def test_defect_needs_severity(test_manager: Any) -> None:
    ticket = TicketFactory()
    with pytest.raises(ValidationError) as exc:
        ticket_link_add(ticket=ticket, kind="defect", title="Broken", actor=test_manager)
    assert "severity" in exc.value.message_dict


def test_pages(setup: dict[str, Any], client_for: Any, test_manager: Any) -> None:
    ticket = TicketFactory(key="SKAIS-30", delivery=setup["delivery"])
    client = client_for(test_manager)
    assert b"SKAIS-30" in client.get("/delivery/tickets/").content
    assert client.get(f"/delivery/tickets/{ticket.pk}/").status_code == 200
    page = client.post(
        "/delivery/tickets/import/",
        {"file": _upload(_csv("SKAIS-31,New one,Story,Open,2026.12,,,,,")), "fmt": "auto"},
    )
    assert page.status_code == 200 and b'data-created="1"' in page.content
    bad = client.post(
        "/delivery/tickets/import/", {"file": _upload(_csv("SKAIS-32,X,Story,Halfway,,,,,,")), "fmt": "auto"}
    )
    assert bad.status_code == 400 and b'data-line="2"' in bad.content
    response = client.post(
        f"/delivery/tickets/{ticket.pk}/links/",
        {"link-kind": "defect", "link-title": "Crash", "link-severity": "critical", "link-is_open": "on"},
    )
    assert response.status_code == 302 and ticket.links.get().severity == "critical"


def _upload(content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("export.csv", content, content_type="text/csv")
