"""The delivery journey in the browser (the issue's): the test manager imports tickets from a Jira
export, runs the UAT check (a flag is off in UAT), fixes the flag on the flag's page, checks again,
routes the ticket to testing, records the result and gives the delivery a Go."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tests.delivery.factories import (
    DeliveryDateFactory,
    DeliveryFactory,
    EnvironmentFactory,
    FeatureFlagFactory,
    FlagStateFactory,
    ReadinessCheckFactory,
)
from tugi.core.roles import Role
from tugi.delivery.models import DeliveryStatus, GoDecision, Ticket, TicketStatus

pytestmark = pytest.mark.django_db(transaction=True)

EXPORT = (
    "Issue key,Summary,Issue Type,Status,Fix Version/s,Due Date,Custom field (Feature flags),"
    "Custom field (Business description)\n"
    'STAR-501,Juhtumi vaade mobiilis,Story,Ready for Test,2026.12,{due},case-mobile-view=on,"Kontrolli, '
    'et juhtumi vaade avaneb mobiilis:\n- ava juhtum telefonis\n- oodatav tulemus: kõik väljad on nähtavad"\n'
)


def test_import_check_fix_flag_route_and_go(page: Any, login: Any, make_user: Any, tmp_path: Any) -> None:
    manager = make_user(Role.TEST_MANAGER, username="kati", first_name="Kati", last_name="Testijuht")
    tester = make_user(Role.DOMAIN_SUPPORT, username="marten", first_name="Märten", last_name="Testija")
    delivery = DeliveryFactory(system="STAR", version="2026.12", status=DeliveryStatus.IN_UAT)
    DeliveryDateFactory(delivery=delivery, stage="uat")
    uat = EnvironmentFactory(system="STAR", kind="uat", name="star-uat")
    flag = FeatureFlagFactory(system="STAR", key="case-mobile-view")
    FlagStateFactory(flag=flag, environment=uat, enabled=False)
    ReadinessCheckFactory(environment=EnvironmentFactory(system="STAR", kind="prod", name="star-prod"))
    export = tmp_path / "jira.csv"
    due = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    export.write_text(EXPORT.format(due=due), encoding="utf-8")

    # 1. import the Jira export (the first request loads every URL module: give it time on a busy machine)
    page.goto("/accounts/login/", timeout=60_000)
    login(manager.username)
    page.goto("/delivery/tickets/")
    page.click("#ticket-import")
    page.wait_for_url("**/tickets/import/")
    page.set_input_files("#id_file", str(export))
    page.click("#import-submit")
    assert page.locator("#import-summary").get_attribute("data-created") == "1"
    ticket = Ticket.objects.get(key="STAR-501")
    assert ticket.delivery == delivery

    # 2. the UAT check finds the flag off in UAT; routing is refused
    page.goto(f"/delivery/tickets/{ticket.pk}/")
    page.click("#uat-run")
    page.wait_for_url(f"**/tickets/{ticket.pk}/")
    assert page.locator("#uat-latest").get_attribute("data-passed") == "false"
    assert page.locator("#uat-items [data-check='flag:case-mobile-view']").get_attribute("data-ok") == "false"
    page.select_option("#id_route-tester", str(tester.pk))
    page.click("#route-submit")
    assert page.locator("#route-form .alert-danger").is_visible()
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.READY_FOR_UAT

    # 3. fix the flag on its page
    page.click("#ticket-flags a[data-flag='case-mobile-view']")
    page.wait_for_url(f"**/flags/{flag.pk}/")
    page.select_option(f"#state-{uat.pk}", "1")
    page.fill(f"#reason-{uat.pk}", "STAR-501 vajab UAT-is")
    page.click("#flag-state-save-star-uat")
    page.wait_for_url(f"**/flags/{flag.pk}/")
    assert page.locator("#flag-states tr[data-environment='star-uat']").get_attribute("data-state") == "on"

    # 4. check again, route to testing
    page.goto(f"/delivery/tickets/{ticket.pk}/")
    page.click("#uat-run")
    page.wait_for_url(f"**/tickets/{ticket.pk}/")
    assert page.locator("#uat-latest").get_attribute("data-passed") == "true"
    page.select_option("#id_route-tester", str(tester.pk))
    page.click("#route-submit")
    page.wait_for_url(f"**/tickets/{ticket.pk}/")
    assert page.locator("#ticket-status").get_attribute("data-status") == "in_testing"
    assert page.locator("#ticket-tester").get_attribute("data-tester") == "marten"

    # 5. the tester's result is recorded: passed
    page.click("#ticket-status-form >> xpath=..//summary")
    page.select_option("#id_status-status", "passed")
    page.click("#ticket-status-submit")
    page.wait_for_url(f"**/tickets/{ticket.pk}/")
    assert page.locator("#ticket-status").get_attribute("data-status") == "passed"

    # 6. Go: regression and UAT sign-off are not recorded, so the Go lists the accepted risks
    page.goto(f"/delivery/deliveries/{delivery.pk}/")
    page.click("#delivery-go")
    page.wait_for_url(f"**/deliveries/{delivery.pk}/go/")
    assert page.locator("#go-checklist [data-item='tickets_tested']").get_attribute("data-ok") == "true"
    assert page.locator("#go-checklist [data-item='regression']").get_attribute("data-ok") == "false"
    page.select_option("#id_decision", "go")
    page.click("#go-submit")
    assert page.locator("[data-field='accepted_risks']").is_visible()
    page.fill("#id_accepted_risks", "Regressioon ja UAT kinnitus tulevad enne tootmist; risk on väike.")
    page.click("#go-submit")
    page.wait_for_url("**/decisions/*/")
    assert page.locator("#go-decision").get_attribute("data-decision") == "go"
    assert page.locator("#go-decision").get_attribute("data-final") == "true"
    go = GoDecision.objects.get()
    assert page.locator("#go-sha").inner_text() == go.evidence_sha256
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.APPROVED
