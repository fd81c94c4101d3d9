"""Access reports: each lists the right rows and exports them as CSV."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.access.factories import (
    AccountFactory,
    AssignmentFactory,
    ProfileFactory,
    RightFactory,
    SodPolicyFactory,
    SystemFactory,
)
from tugi.access.models import AssignmentStatus, CampaignItem, Sensitivity
from tugi.access.services import campaigns as campaign_services
from tugi.access.services.sod import violations_record
from tugi.core.roles import Role

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


def _rows(client: Any, name: str, **params: Any) -> list[Any]:
    response = client.get(reverse(f"access:{name}"), params)
    assert response.status_code == 200
    return [row.record for row in response.context["table"].rows]


def _csv(client: Any, name: str, **params: Any) -> list[str]:
    response = client.get(reverse(f"access:{name}"), {"export": "csv", **params})
    assert response["Content-Type"].startswith("text/csv")
    return b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()


@pytest.fixture
def catalogue() -> dict[str, Any]:
    skais, star = SystemFactory(code="SKAIS"), SystemFactory(code="STAR")
    view = RightFactory(system=skais, code="PENS_VIEW")
    personal = RightFactory(system=skais, code="PERSON_VIEW", sensitivity=Sensitivity.PERSONAL_DATA)
    approve = RightFactory(system=skais, code="PAY_APPROVE", sensitivity=Sensitivity.PAYMENTS)
    child = RightFactory(system=star, code="CHILD_CASE", sensitivity=Sensitivity.PERSONAL_DATA)
    viewer = ProfileFactory(system=skais, code="PERSON_VIEWER", content__rights=[personal, view])
    payer = ProfileFactory(
        system=skais, code="PAY_SPEC", content__includes=[viewer], content__rights=[approve]
    )
    ordinary = ProfileFactory(system=skais, code="ORDINARY", content__rights=[view])
    star_profile = ProfileFactory(system=star, code="CHILD_PROTECTION", content__rights=[child])
    return {
        "skais": skais,
        "star": star,
        "personal": personal,
        "approve": approve,
        "viewer": viewer,
        "payer": payer,
        "ordinary": ordinary,
        "star_profile": star_profile,
    }


def test_sensitive_holders_with_the_profile_they_come_through(
    catalogue: dict, auditor: Any, client_for: Any
) -> None:
    mari, jaan, liis = AccountFactory(username="mari"), AccountFactory(username="jaan"), AccountFactory()
    AssignmentFactory(account=mari, profile=catalogue["payer"])
    AssignmentFactory(account=jaan, profile=catalogue["ordinary"])
    AssignmentFactory(account=jaan, profile=catalogue["star_profile"])
    AssignmentFactory(account=liis, profile=catalogue["payer"], valid_to=today() - dt.timedelta(days=1))
    client = client_for(auditor)
    rows = _rows(client, "report_sensitive")
    assert {(r["account"], r["right"], r["profile"], r["path"]) for r in rows} == {
        ("mari", "PAY_APPROVE", "PAY_SPEC", "PAY_SPEC"),
        ("mari", "PERSON_VIEW", "PAY_SPEC", "PAY_SPEC → PERSON_VIEWER"),
        ("jaan", "CHILD_CASE", "CHILD_PROTECTION", "CHILD_PROTECTION"),
    }
    assert {r["right"] for r in _rows(client, "report_sensitive", sensitivity="payments")} == {"PAY_APPROVE"}
    assert {r["account"] for r in _rows(client, "report_sensitive", system=catalogue["star"].pk)} == {"jaan"}
    lines = _csv(client, "report_sensitive", system=catalogue["skais"].pk)
    assert len(lines) == 3 and all("mari" in line for line in lines[1:])


def test_profiles_nobody_uses(catalogue: dict, domain_support: Any, client_for: Any) -> None:
    AssignmentFactory(profile=catalogue["payer"])
    AssignmentFactory(profile=catalogue["ordinary"], valid_to=today() - dt.timedelta(days=3))
    ProfileFactory(code="DRAFT", status="draft")
    rows = {r["code"]: r for r in _rows(client_for(domain_support), "report_unused_profiles")}
    assert set(rows) == {"PERSON_VIEWER", "ORDINARY", "CHILD_PROTECTION"}
    assert rows["PERSON_VIEWER"]["included_in"] == "PAY_SPEC"
    assert rows["ORDINARY"]["past_assignments"] == 1
    assert len(_csv(client_for(domain_support), "report_unused_profiles")) == 4


def test_assignments_expiring_in_30_days(catalogue: dict, domain_support: Any, client_for: Any) -> None:
    soon = AssignmentFactory(valid_to=today() + dt.timedelta(days=10))
    last_day = AssignmentFactory(valid_to=today() + dt.timedelta(days=30))
    ends_today = AssignmentFactory(valid_to=today())
    AssignmentFactory(valid_to=today() + dt.timedelta(days=31))
    AssignmentFactory(valid_to=today() - dt.timedelta(days=1))
    AssignmentFactory()  # until further notice
    AssignmentFactory(valid_to=today() + dt.timedelta(days=5), status=AssignmentStatus.ENDED)  # a leaver's
    client = client_for(domain_support)
    rows = _rows(client, "report_expiring")
    assert [a.pk for a in rows] == [ends_today.pk, soon.pk, last_day.pk]
    assert len(_csv(client, "report_expiring")) == 4


def test_open_sod_violations(catalogue: dict, domain_support: Any, system: Any, client_for: Any) -> None:
    SodPolicyFactory(
        code="pay-create-approve",
        name="Makse loomine ja kinnitamine",
        sides__rights_a=[catalogue["personal"]],
        sides__rights_b=[catalogue["approve"]],
    )
    breaker = AssignmentFactory(profile=catalogue["payer"]).account
    healed = AssignmentFactory(profile=catalogue["payer"]).account
    violations_record(account_ids=[breaker.pk, healed.pk], actor=system)
    healed.assignments.update(valid_to=today() - dt.timedelta(days=1))
    violations_record(account_ids=[healed.pk], actor=system)
    client = client_for(domain_support)
    rows = _rows(client, "report_sod_violations")
    assert [v.account for v in rows] == [breaker]
    lines = _csv(client, "report_sod_violations")
    assert len(lines) == 2 and "PAY_APPROVE" in lines[1] and "Makse loomine ja kinnitamine" in lines[1]


def test_campaign_results_per_reviewer(
    catalogue: dict, domain_support: Any, client_for: Any, make_user: Any
) -> None:
    boss_user = make_user(Role.FINANCE, username="boss")
    boss = AccountFactory(username="boss", user=boss_user)
    for _ in range(3):
        AssignmentFactory(account=AccountFactory(manager=boss), profile=catalogue["ordinary"])
    AssignmentFactory(profile=catalogue["ordinary"])  # no manager: ds reviews it
    campaign = campaign_services.campaign_create(
        name="Q4", reviewer_kind="manager", deadline=today() + dt.timedelta(days=9), actor=domain_support
    )
    campaign_services.campaign_open(campaign=campaign, actor=domain_support)
    items = list(CampaignItem.objects.filter(reviewer=boss_user))
    campaign_services.campaign_item_decide(item=items[0], decision="confirmed", actor=boss_user)
    campaign_services.campaign_item_decide(
        item=items[1], decision="revoked", comment="ei vaja", actor=boss_user
    )
    client = client_for(domain_support)
    rows = {r["reviewer"]: r for r in _rows(client, "report_campaign_results", campaign=campaign.pk)}
    assert {k: rows["boss"][k] for k in ("items", "confirmed", "revoked", "not_reviewed")} == {
        "items": 3,
        "confirmed": 1,
        "revoked": 1,
        "not_reviewed": 1,
    }
    assert rows["ds"]["not_reviewed"] == 1
    assert len(_csv(client, "report_campaign_results")) == 3


def test_reports_index_shows_what_the_user_may_read(
    domain_support: Any, test_manager: Any, make_user: Any, client_for: Any, auditor: Any
) -> None:
    def listed(user: Any) -> set[str]:
        response = client_for(user).get(reverse("access:report_index"))
        return {r["url_name"] for r in response.context["reports"]}

    everything = {
        "access:report_sensitive",
        "access:report_unused_profiles",
        "access:report_expiring",
        "access:report_sod_violations",
        "access:report_campaign_results",
    }
    assert listed(domain_support) == everything
    assert listed(auditor) == everything
    assert listed(test_manager) == everything - {
        "access:report_sod_violations",
        "access:report_campaign_results",
    }
    assert client_for(make_user()).get(reverse("access:report_index")).status_code == 403
    tm = client_for(test_manager)
    assert tm.get(reverse("access:report_sod_violations")).status_code == 403
    desk = client_for(domain_support).get(reverse("core:desk")).content.decode()
    assert f'href="{reverse("access:report_index")}"' in desk


def test_a_user_without_access_rights_sees_no_report(
    make_user: Any, client_for: Any, catalogue: dict
) -> None:
    client = client_for(make_user(Role.FINANCE))
    for name in (
        "report_sensitive",
        "report_unused_profiles",
        "report_expiring",
        "report_sod_violations",
        "report_campaign_results",
    ):
        assert client.get(reverse(f"access:{name}")).status_code == 403, name
