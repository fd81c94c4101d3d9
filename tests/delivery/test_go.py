"""Go / no-go: the checklist follows the evidence (it changes when a critical defect is opened),
overrides list accepted risks, co-approval, hotfixes, PDF with Estonian letters, evidence hash."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError

from tests.helpers import exactly_one_audit_event
from tugi.delivery.models import DeliveryStatus, SignoffKind, TicketStatus
from tugi.delivery.selectors_go import canonical_json, checklist
from tugi.delivery.services.deliveries import signoff_record
from tugi.delivery.services.go import go_coapprove, go_decide
from tugi.delivery.services.tickets import defect_sign_off, ticket_link_add

from .factories import (
    DeliveryFactory,
    EnvironmentFactory,
    ReadinessCheckFactory,
    TicketFactory,
    TicketLinkFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(test_manager: Any) -> Any:
    """A STAR delivery whose every checklist item is met."""
    delivery = DeliveryFactory(system="STAR", version="2026.12", status=DeliveryStatus.IN_UAT)
    TicketFactory(key="STAR-1", system="STAR", delivery=delivery, status=TicketStatus.PASSED)
    TicketFactory(key="STAR-2", system="STAR", delivery=delivery, status=TicketStatus.ACCEPTED)
    signoff_record(delivery=delivery, kind=SignoffKind.REGRESSION, signed_by="Testi Juht", actor=test_manager)
    signoff_record(
        delivery=delivery, kind=SignoffKind.UAT, signed_by="Omavalitsuste Liit", actor=test_manager
    )
    ReadinessCheckFactory(environment=EnvironmentFactory(system="STAR", kind="prod", name="star-prod"))
    return delivery


def _failing(delivery: Any) -> list[str]:
    return [i["key"] for i in checklist(delivery)[0] if not i["ok"]]


def test_the_checklist_changes_when_a_critical_defect_is_opened(ready: Any, test_manager: Any) -> None:
    assert _failing(ready) == []
    ticket = ready.tickets.get(key="STAR-1")
    link = ticket_link_add(
        ticket=ticket, kind="defect", title="Crash on save", severity="critical", actor=test_manager
    )
    assert _failing(ready) == ["no_open_critical"]
    from tugi.delivery.services.tickets import ticket_link_update

    ticket_link_update(link=link, is_open=False, actor=test_manager)
    assert _failing(ready) == []


def test_high_defects_need_a_sign_off(ready: Any, test_manager: Any) -> None:
    link = TicketLinkFactory(ticket=ready.tickets.get(key="STAR-2"), severity="high")
    assert _failing(ready) == ["high_signed_off"]
    with pytest.raises(ValidationError):
        defect_sign_off(link=link, note=" ", actor=test_manager)
    defect_sign_off(link=link, note="Workaround documented for case workers.", actor=test_manager)
    assert _failing(ready) == []
    critical = TicketLinkFactory(ticket=ready.tickets.get(key="STAR-2"), severity="critical")
    with pytest.raises(ValidationError):
        defect_sign_off(link=critical, note="no", actor=test_manager)


def test_untested_tickets_missing_evidence_and_failed_readiness(test_manager: Any) -> None:
    delivery = DeliveryFactory(system="STAR", version="2027.01", rollback_plan="")
    TicketFactory(key="STAR-9", system="STAR", delivery=delivery, status=TicketStatus.IN_TESTING)
    ReadinessCheckFactory(
        environment=EnvironmentFactory(system="STAR", kind="prod", name="star-prod"), result="failed"
    )
    assert set(_failing(delivery)) == {
        "tickets_tested",
        "regression",
        "uat_signoff",
        "prod_readiness",
        "rollback_plan",
    }


def test_hotfix_has_the_shorter_checklist(test_manager: Any) -> None:
    delivery = DeliveryFactory(system="SKAIS", version="2026.11.1", kind="hotfix")
    keys = [i["key"] for i in checklist(delivery)[0]]
    assert keys == ["tickets_tested", "no_open_critical", "prod_readiness", "rollback_plan"]


def test_a_go_over_unmet_items_needs_accepted_risks(ready: Any, test_manager: Any) -> None:
    TicketLinkFactory(ticket=ready.tickets.get(key="STAR-1"), severity="critical")
    with pytest.raises(ValidationError) as exc:
        go_decide(delivery=ready, decision="go", actor=test_manager)
    assert "accepted_risks" in exc.value.message_dict
    with exactly_one_audit_event("delivery.go_decided"):
        go = go_decide(
            delivery=ready,
            decision="go",
            accepted_risks="Crash only with a legacy browser; fix in 2026.12.1.",
            actor=test_manager,
        )
    assert go.is_final and not go.co_approval_required
    ready.refresh_from_db()
    assert ready.status == DeliveryStatus.APPROVED
    assert [i["key"] for i in go.checklist if not i["ok"]] == ["no_open_critical"]


def test_no_go_needs_a_reason(ready: Any, test_manager: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        go_decide(delivery=ready, decision="no_go", actor=test_manager)
    assert "note" in exc.value.message_dict


def test_evidence_is_stored_with_its_hash_and_pdf_has_estonian_letters(ready: Any, test_manager: Any) -> None:
    go = go_decide(
        delivery=ready, decision="go", note="Kõik õiged: šokk, žürii, äädikas, öö, üle.", actor=test_manager
    )
    assert go.evidence_sha256 == hashlib.sha256(canonical_json(go.evidence)).hexdigest()
    assert {t["key"] for t in go.evidence["tickets"]} == {"STAR-1", "STAR-2"}
    assert go.evidence["decision"]["decided_by"] == "tm"
    pdf = bytes(go.pdf)
    assert pdf.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for word in ("šokk", "žürii", "äädikas", "öö", "üle", "Kõik"):
        assert word in text
    assert go.evidence_sha256 in text


def test_planned_skais_go_waits_for_co_approval(test_manager: Any, make_user: Any) -> None:
    from tugi.core.roles import Role

    delivery = DeliveryFactory(system="SKAIS", version="2026.12", status=DeliveryStatus.IN_UAT)
    go = go_decide(
        delivery=delivery,
        decision="go",
        accepted_risks="Everything is accepted for the test.",
        actor=test_manager,
    )
    assert go.co_approval_required and not go.is_final
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.IN_UAT
    with pytest.raises(PermissionDenied):
        go_coapprove(decision=go, actor=test_manager)
    head = make_user(Role.TEST_MANAGER, username="head")
    head.user_permissions.add(Permission.objects.get(codename="coapprove_godecision"))
    head = type(head).objects.get(pk=head.pk)
    with exactly_one_audit_event("delivery.go_coapproved"):
        go_coapprove(decision=go, actor=head)
    go.refresh_from_db()
    delivery.refresh_from_db()
    assert go.is_final and delivery.status == DeliveryStatus.APPROVED


def test_pages(ready: Any, client_for: Any, test_manager: Any, domain_support: Any) -> None:
    client = client_for(test_manager)
    page = client.get(f"/delivery/deliveries/{ready.pk}/go/")
    assert page.status_code == 200 and b'data-all-ok="true"' in page.content
    response = client.post(f"/delivery/deliveries/{ready.pk}/go/", {"decision": "go"})
    assert response.status_code == 302
    go = ready.decisions.get()
    detail = client.get(f"/delivery/decisions/{go.pk}/")
    assert b'data-decision="go"' in detail.content
    pdf = client.get(f"/delivery/decisions/{go.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    evidence = client.get(f"/delivery/decisions/{go.pk}/evidence.json")
    assert hashlib.sha256(evidence.content).hexdigest() == go.evidence_sha256
    assert (
        client_for(domain_support)
        .post(f"/delivery/deliveries/{ready.pk}/go/", {"decision": "go"})
        .status_code
        == 403
    )
