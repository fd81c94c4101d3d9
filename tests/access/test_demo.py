"""The access demo data: a realistic catalogue, profiles, organisation, accounts and work waiting for
the demo users; loading it again creates nothing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.utils import timezone

from tests.factories import UserFactory
from tugi.access.demo import load_demo
from tugi.access.explain import profile_rights
from tugi.access.models import (
    AccessProblem,
    AccessRequest,
    Account,
    Assignment,
    Campaign,
    CampaignStatus,
    ManagedSystem,
    OrgUnit,
    Profile,
    ProfileStatus,
    Right,
    SodPolicy,
    SodViolation,
)
from tugi.access.selectors_campaigns import reviews_waiting
from tugi.access.services.requests import can_decide
from tugi.access.sod import conflicts_of
from tugi.core.management.commands.demo import DEMO_USERS
from tugi.core.models import AuditEvent
from tugi.work.models import Guide

pytestmark = pytest.mark.django_db

MUNICIPALITIES = {
    "Tallinna linn",
    "Tartu linn",
    "Pärnu linn",
    "Narva linn",
    "Rae vald",
    "Viimsi vald",
    "Saaremaa vald",
    "Viljandi vald",
    "Haapsalu linn",
    "Rakvere linn",
}


@pytest.fixture
def demo_users(db: Any) -> dict[str, Any]:
    return {
        username: UserFactory(username=username, roles=roles, first_name=first, last_name=last)
        for username, roles, first, last in DEMO_USERS
    }


def _counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (
            ManagedSystem,
            Right,
            Profile,
            OrgUnit,
            Account,
            Assignment,
            SodPolicy,
            SodViolation,
            Campaign,
            AccessRequest,
            AccessProblem,
            Guide,
            AuditEvent,
        )
    )


def test_demo_loads_a_realistic_world_once(demo_users: dict[str, Any], system: Any) -> None:
    out = io.StringIO()
    load_demo(system, out)
    assert "access:" in out.getvalue()

    assert set(ManagedSystem.objects.values_list("code", flat=True)) == {"SKAIS", "STAR"}
    assert 140 <= Right.objects.count() <= 160
    skais_modules = set(Right.objects.filter(system__code="SKAIS").values_list("module", flat=True))
    assert {"Pensionid", "Perehüvitised", "Maksed", "Enammaksed", "Finantsaruandlus"} <= skais_modules
    assert {"Klassifikaatorid", "Administreerimine"} <= skais_modules
    star_modules = set(Right.objects.filter(system__code="STAR").values_list("module", flat=True))
    assert {"Teenused", "Toetused", "Lastekaitse", "Juhtumiplaanid", "Aruanded"} <= star_modules
    assert set(Right.objects.values_list("sensitivity", flat=True)) == {
        "none",
        "personal_data",
        "payments",
        "admin",
    }
    assert Right.objects.get(system__code="SKAIS", code="PENS_OLD_AGE").name_et == "Vanaduspensioni määramine"

    assert 20 <= Profile.objects.filter(status=ProfileStatus.ACTIVE).count() <= 30
    specialist = Profile.objects.get(system__code="SKAIS", code="PENS_SPEC")
    viewer = Profile.objects.get(system__code="SKAIS", code="PENS_VIEWER")
    chains = profile_rights(specialist)
    view_right = Right.objects.get(system__code="SKAIS", code="PENS_REG_VIEW")
    assert chains[view_right.pk] == [specialist.pk, viewer.pk]  # nested: specialist includes viewer
    owners = set(Profile.objects.values_list("owner__username", flat=True))
    assert {"domain_support", "finance", "admin"} <= owners

    units = dict(OrgUnit.objects.values_list("name", "kind"))
    assert {n for n, k in units.items() if k == "municipality"} == MUNICIPALITIES
    departments = {n for n, k in units.items() if k == "department"}
    assert {
        "Pensionide osakond",
        "Perehüvitiste osakond",
        "Finantsosakond",
        "Lastekaitse osakond",
    } <= departments
    assert {"Ohvriabi osakond", "Klienditeeninduse osakond"} <= departments

    assert 380 <= Account.objects.count() <= 420
    assert Account.objects.filter(manager__isnull=False).count() >= 350
    linked = dict(Account.objects.filter(user__isnull=False).values_list("user__username", "org_unit__name"))
    assert linked["domain_support"] == "Pensionide osakond" and linked["finance"] == "Finantsosakond"
    assert Account.objects.filter(status="leaver").count() == 2
    assert Assignment.objects.count() >= 400

    [violation] = SodViolation.objects.filter(resolved_at__isnull=True)
    assert violation.policy.code == "makse-koostamine-kinnitamine"
    assert SodPolicy.objects.count() == 5
    today = timezone.localdate()
    breakers = [
        a.username for a in Account.objects.all() if [c for c in conflicts_of(a, today) if not c["exception"]]
    ]
    assert breakers == [violation.account.username]

    running = Campaign.objects.get(status=CampaignStatus.OPEN)
    assert running.items.count() > 100
    assert (
        running.items.exclude(decision="pending").exists()
        and running.items.filter(decision="pending").exists()
    )
    assert Campaign.objects.filter(status=CampaignStatus.CLOSED).get().report["revoked"] == 1
    for username in ("domain_support", "test_manager", "finance", "admin"):
        assert reviews_waiting(user=demo_users[username]), username

    requests = list(AccessRequest.objects.all())
    assert len(requests) >= 3
    for username in ("domain_support", "test_manager", "finance"):
        assert any(can_decide(r, demo_users[username]) for r in requests), username
    assert any(r.sod_result for r in requests)  # one request shows a segregation of duties conflict

    assert AccessProblem.objects.filter(group_key="STAR:CP_CASE:missing").count() == 3
    guide = Guide.objects.get(slug="kasutajaoiguste-haldus")
    assert (guide.area, guide.kind) == ("access", "process") and "kohustuste lahusus" in guide.body.lower()

    # every write is audited: one event per object the services created
    events = AuditEvent.objects.filter(event_type__startswith="access.")
    assert events.filter(event_type="access.account_created").count() == Account.objects.count()
    assert events.filter(event_type="access.assignment_created").count() == Assignment.objects.count()
    assert events.filter(event_type="access.profile_created").count() == Profile.objects.count()
    assert events.filter(event_type="access.catalogue_imported").count() == 2
    assert events.filter(
        event_type="access.campaign_item_decided", actor__username__in=list(demo_users)
    ).exists()

    counts = _counts()
    load_demo(system, io.StringIO())
    assert _counts() == counts


def test_demo_without_demo_users_still_loads(system: Any) -> None:
    load_demo(system, io.StringIO())
    assert Account.objects.count() >= 380
    assert Profile.objects.filter(owner=system).count() == Profile.objects.count()
    assert not AccessRequest.objects.exists()  # requests need a requester who is a person
