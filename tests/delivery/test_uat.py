"""The UAT readiness check and routing to testing: a ticket with a missing description or a flag in
the wrong state cannot be routed without an override with a written reason."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from tests.access.factories import AccountFactory, AssignmentFactory, ProfileFactory, SystemFactory
from tests.factories import UserFactory
from tests.helpers import exactly_one_audit_event, no_audit_event
from tugi.core.models import AuditEvent, Notification
from tugi.delivery.models import TicketFlag, TicketStatus
from tugi.delivery.services.tickets import ticket_route
from tugi.delivery.services.uat import description_verdict, uat_check_override, uat_check_run

from .factories import (
    DeliveryDateFactory,
    DeliveryFactory,
    EnvironmentFactory,
    FeatureFlagFactory,
    FlagStateFactory,
    TicketFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(db: Any) -> dict[str, Any]:
    """A ticket that passes: deployed delivery, flag on in UAT as expected, a role held by a test account."""
    delivery = DeliveryFactory(system="SKAIS", version="2026.12")
    DeliveryDateFactory(delivery=delivery, stage="uat")
    uat = EnvironmentFactory(system="SKAIS", kind="uat", name="skais-uat")
    flag = FeatureFlagFactory(system="SKAIS", key="new-indexation")
    state = FlagStateFactory(flag=flag, environment=uat, enabled=True)
    profile = ProfileFactory(system=SystemFactory(code="SKAIS"), code="PENS_SPEC")
    AssignmentFactory(account=AccountFactory(username="uat-pens-1"), profile=profile)
    ticket = TicketFactory(key="SKAIS-100", delivery=delivery)
    TicketFlag.objects.create(ticket=ticket, flag_key="new-indexation", flag=flag, expected_enabled=True)
    ticket.required_profiles.add(profile)
    return {"ticket": ticket, "state": state, "profile": profile, "tester": UserFactory(username="tester1")}


def _failed(check: Any) -> list[str]:
    return [i["check"] for i in check.items if not i["ok"]]


def test_a_ready_ticket_passes_and_is_routed(ready: dict[str, Any], test_manager: Any) -> None:
    ticket, tester = ready["ticket"], ready["tester"]
    with exactly_one_audit_event("delivery.uat_checked"):
        check = uat_check_run(ticket=ticket, actor=test_manager)
    assert check.passed, check.items
    before = AuditEvent.objects.count()
    ticket_route(ticket=ticket, tester=tester, actor=test_manager)
    # One event of the routing, plus the notification's own.
    assert sorted(AuditEvent.objects.order_by("pk")[before:].values_list("event_type", flat=True)) == [
        "core.notified",
        "delivery.ticket_routed",
    ]
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.IN_TESTING and ticket.tester == tester
    assert Notification.objects.filter(user=tester, subject__contains="SKAIS-100").exists()


def test_routing_needs_a_check(ready: dict[str, Any], test_manager: Any) -> None:
    with no_audit_event(), pytest.raises(ValidationError, match="UAT readiness check first"):
        ticket_route(ticket=ready["ticket"], tester=ready["tester"], actor=test_manager)


def test_missing_description_blocks_routing_until_overridden(
    ready: dict[str, Any], test_manager: Any
) -> None:
    ticket = ready["ticket"]
    ticket.business_description = ""
    ticket.save()
    check = uat_check_run(ticket=ticket, actor=test_manager)
    assert not check.passed and _failed(check) == ["description"]
    with no_audit_event(), pytest.raises(ValidationError, match="check failed"):
        ticket_route(ticket=ticket, tester=ready["tester"], actor=test_manager)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.READY_FOR_UAT and ticket.tester is None
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        uat_check_override(check=check, reason="ok", actor=test_manager)
    assert "reason" in exc.value.message_dict
    with exactly_one_audit_event("delivery.uat_overridden"):
        uat_check_override(
            check=check, reason="The analyst explains the change in the kick-off.", actor=test_manager
        )
    ticket_route(ticket=ticket, tester=ready["tester"], actor=test_manager)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.IN_TESTING


def test_flag_in_wrong_state_blocks_routing(ready: dict[str, Any], test_manager: Any) -> None:
    ready["state"].enabled = False
    ready["state"].save()
    check = uat_check_run(ticket=ready["ticket"], actor=test_manager)
    assert _failed(check) == ["flag:new-indexation"]
    assert "Expected on in UAT, but skais-uat: off" in check.items[1]["detail"]
    with pytest.raises(ValidationError):
        ticket_route(ticket=ready["ticket"], tester=ready["tester"], actor=test_manager)
    # Fixing the flag and checking again lets the ticket through.
    ready["state"].enabled = True
    ready["state"].save()
    assert uat_check_run(ticket=ready["ticket"], actor=test_manager).passed
    ticket_route(ticket=ready["ticket"], tester=ready["tester"], actor=test_manager)


def test_unknown_flag_role_without_test_account_and_undeployed_delivery(
    ready: dict[str, Any], test_manager: Any
) -> None:
    ticket = ready["ticket"]
    TicketFlag.objects.create(ticket=ticket, flag_key="no-such-flag", expected_enabled=True)
    lonely = ProfileFactory(system=ready["profile"].system, code="PAY_APPROVE")
    AssignmentFactory(account=AccountFactory(username="real.person"), profile=lonely)
    ticket.required_profiles.add(lonely)
    ticket.delivery.dates.update(actual_date=None)
    check = uat_check_run(ticket=ticket, actor=test_manager)
    assert set(_failed(check)) == {"flag:no-such-flag", "role:SKAIS:PAY_APPROVE", "delivery"}


def test_an_old_check_cannot_be_overridden(ready: dict[str, Any], test_manager: Any) -> None:
    ticket = ready["ticket"]
    ticket.business_description = ""
    ticket.save()
    first = uat_check_run(ticket=ticket, actor=test_manager)
    uat_check_run(ticket=ticket, actor=test_manager)
    with pytest.raises(ValidationError, match="latest"):
        uat_check_override(check=first, reason="a long enough reason here", actor=test_manager)


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("", False),
        ("Fixes it.", False),
        (
            "The change makes the payment schedule show three months ahead for every person in the register",
            False,
        ),
        (
            "Kontrolli, et maksegraafik näitab kolme kuu maksepäevi ja et pühade korral "
            "nihkub makse varasemaks",
            True,
        ),
        (
            "Given a pensioner with two payments\n"
            "When the schedule is opened for next quarter\nThen three dates show",
            True,
        ),
        (
            "The schedule view changes for all persons in the register:\n"
            "- open a case\n- open the schedule tab",
            True,
        ),
    ],
)
def test_description_rule(text: str, ok: bool) -> None:
    assert description_verdict(text)[0] is ok


def test_pages_route_and_override(ready: dict[str, Any], client_for: Any, test_manager: Any) -> None:
    ticket = ready["ticket"]
    ticket.business_description = ""
    ticket.save()
    client = client_for(test_manager)
    assert client.post(f"/delivery/tickets/{ticket.pk}/uat-check/").status_code == 302
    page = client.get(f"/delivery/tickets/{ticket.pk}/")
    assert b'data-check="description" data-ok="false"' in page.content
    refused = client.post(f"/delivery/tickets/{ticket.pk}/route/", {"route-tester": ready["tester"].pk})
    assert refused.status_code == 400 and b"override the check" in refused.content
    check = ticket.uat_checks.get()
    short = client.post(
        f"/delivery/tickets/{ticket.pk}/uat-check/{check.pk}/override/", {"override-reason": "meh"}
    )
    assert short.status_code == 400
    client.post(
        f"/delivery/tickets/{ticket.pk}/uat-check/{check.pk}/override/",
        {"override-reason": "Explained at the kick-off meeting."},
    )
    routed = client.post(f"/delivery/tickets/{ticket.pk}/route/", {"route-tester": ready["tester"].pk})
    assert routed.status_code == 302
    ticket.refresh_from_db()
    assert ticket.tester == ready["tester"]
