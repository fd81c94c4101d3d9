"""Recertification campaigns: scope and reviewers, decisions, reminders, the close and its report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.access.factories import (
    AccountFactory,
    AssignmentFactory,
    OrgUnitFactory,
    ProfileFactory,
    RightFactory,
    SystemFactory,
)
from tests.helpers import exactly_one_audit_event, no_audit_event
from tugi.access.explain import explain
from tugi.access.models import (
    AssignmentStatus,
    Campaign,
    CampaignItem,
    CampaignStatus,
    ReviewDecision,
    ReviewerKind,
    Sensitivity,
)
from tugi.access.services import campaigns as services
from tugi.core.models import AuditEvent, Notification, OutboxMessage
from tugi.core.roles import Role

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


@dataclass
class World:
    skais: Any
    star: Any
    pensions: Any
    family: Any
    view_right: Any
    pay_right: Any
    viewer: Any  # SKAIS profile with an ordinary right
    payer: Any  # SKAIS profile that includes a sensitive right through a nested profile
    star_profile: Any
    boss_user: Any
    boss: Any
    owner: Any
    mari: Any  # in pensions, manager = boss
    jaan: Any  # in pensions, no manager
    liis: Any  # in family benefits, manager = boss
    a_mari_view: Any
    a_mari_pay: Any
    a_jaan_view: Any
    a_liis_view: Any
    a_mari_star: Any
    a_ended: Any
    a_future: Any


@pytest.fixture
def world(make_user: Any) -> World:
    skais, star = SystemFactory(code="SKAIS"), SystemFactory(code="STAR")
    pensions = OrgUnitFactory(code="pensionide-osakond", name="Pensionide osakond")
    family = OrgUnitFactory(code="perehuvitiste-osakond", name="Perehüvitiste osakond")
    view_right = RightFactory(system=skais, code="PENS_VIEW")
    pay_right = RightFactory(system=skais, code="PAY_APPROVE", sensitivity=Sensitivity.PAYMENTS)
    owner = make_user(Role.DOMAIN_SUPPORT, username="owner")
    viewer = ProfileFactory(system=skais, code="PENS_VIEWER", owner=owner, content__rights=[view_right])
    inner = ProfileFactory(system=skais, code="PAY_INNER", owner=owner, content__rights=[pay_right])
    payer = ProfileFactory(system=skais, code="PAY_SPEC", owner=owner, content__includes=[inner])
    star_profile = ProfileFactory(system=star, code="STAR_CASE", owner=owner)
    boss_user = make_user(Role.TEST_MANAGER, username="boss")
    boss = AccountFactory(username="boss", org_unit=pensions, user=boss_user)
    mari = AccountFactory(username="mari", org_unit=pensions, manager=boss)
    jaan = AccountFactory(username="jaan", org_unit=pensions)
    liis = AccountFactory(username="liis", org_unit=family, manager=boss)
    ended = AssignmentFactory(
        account=jaan, profile=payer, valid_to=today() - dt.timedelta(days=1), status=AssignmentStatus.ENDED
    )
    future = AssignmentFactory(account=liis, profile=payer, valid_from=today() + dt.timedelta(days=5))
    return World(
        skais=skais,
        star=star,
        pensions=pensions,
        family=family,
        view_right=view_right,
        pay_right=pay_right,
        viewer=viewer,
        payer=payer,
        star_profile=star_profile,
        boss_user=boss_user,
        boss=boss,
        owner=owner,
        mari=mari,
        jaan=jaan,
        liis=liis,
        a_mari_view=AssignmentFactory(account=mari, profile=viewer),
        a_mari_pay=AssignmentFactory(account=mari, profile=payer),
        a_jaan_view=AssignmentFactory(account=jaan, profile=viewer),
        a_liis_view=AssignmentFactory(account=liis, profile=viewer),
        a_mari_star=AssignmentFactory(account=mari, profile=star_profile),
        a_ended=ended,
        a_future=future,
    )


def _campaign(actor: Any, **kwargs: Any) -> Campaign:
    values = {
        "name": "SKAIS 2025 II poolaasta",
        "reviewer_kind": ReviewerKind.MANAGER,
        "deadline": today() + dt.timedelta(days=20),
    }
    values.update(kwargs)
    return services.campaign_create(actor=actor, **values)


def _opened(actor: Any, **kwargs: Any) -> Campaign:
    return services.campaign_open(campaign=_campaign(actor, **kwargs), actor=actor)


def _items(campaign: Campaign) -> dict[int, Any]:
    return {i.assignment_id: i.reviewer.username for i in CampaignItem.objects.filter(campaign=campaign)}


# --- create -------------------------------------------------------------------------------------


def test_create_writes_one_event_and_starts_as_a_draft(domain_support: Any, world: World) -> None:
    with exactly_one_audit_event("access.campaign_created"):
        campaign = _campaign(domain_support, system=world.skais, org_unit=world.pensions, sensitive_only=True)
    assert campaign.status == CampaignStatus.DRAFT
    assert campaign.created_by == domain_support
    assert not campaign.items.exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"deadline": dt.date(2020, 1, 1)}, "deadline"),
        ({"deadline": None}, "deadline"),
        ({"name": "  "}, "name"),
        ({"reviewer_kind": "boss"}, "reviewer_kind"),
    ],
)
def test_create_refuses_bad_input_naming_the_field(domain_support: Any, values: dict, field: str) -> None:
    with no_audit_event(), pytest.raises(ValidationError) as err:
        _campaign(domain_support, **values)
    assert field in err.value.message_dict
    assert not Campaign.objects.exists()


def test_the_deadline_must_be_after_today(domain_support: Any) -> None:
    with pytest.raises(ValidationError) as err:
        _campaign(domain_support, deadline=today())
    assert "deadline" in err.value.message_dict


def test_only_the_campaign_managers_create(test_manager: Any, auditor: Any) -> None:
    for user in (test_manager, auditor):
        with no_audit_event(), pytest.raises(PermissionDenied):
            _campaign(user)


# --- open ---------------------------------------------------------------------------------------


def test_open_makes_one_item_per_assignment_valid_today_in_scope_with_the_manager_as_reviewer(
    domain_support: Any, world: World
) -> None:
    campaign = _opened(domain_support, system=world.skais, org_unit=world.pensions)
    # STAR, another unit, an ended and a future assignment are out of scope
    assert _items(campaign) == {
        world.a_mari_view.pk: "boss",
        world.a_mari_pay.pk: "boss",
        world.a_jaan_view.pk: "ds",  # no manager: the campaign's creator reviews
    }
    assert campaign.status == CampaignStatus.OPEN and campaign.opened_at is not None


def test_open_with_profile_owners_and_sensitive_rights_only(domain_support: Any, world: World) -> None:
    campaign = _opened(domain_support, reviewer_kind=ReviewerKind.OWNER, sensitive_only=True)
    # only PAY_SPEC grants a sensitive right (through the included PAY_INNER)
    assert _items(campaign) == {world.a_mari_pay.pk: "owner"}


def test_nobody_reviews_their_own_access(domain_support: Any, world: World) -> None:
    owners_own = AccountFactory(username="owner", org_unit=world.pensions, user=world.owner)
    own = AssignmentFactory(account=owners_own, profile=world.viewer)
    campaign = _opened(domain_support, reviewer_kind=ReviewerKind.OWNER, system=world.skais)
    items = _items(campaign)
    assert items[own.pk] == "ds"
    assert items[world.a_mari_view.pk] == "owner"


def test_a_reviewer_who_may_not_decide_is_replaced_by_the_creator(
    domain_support: Any, world: World, make_user: Any
) -> None:
    world.boss.user = make_user(username="no-role")  # a Tugi user without a role that reviews
    world.boss.save()
    campaign = _opened(domain_support, system=world.skais, org_unit=world.pensions)
    assert set(_items(campaign).values()) == {"ds"}


def test_open_writes_one_access_event_and_tells_each_reviewer_once(domain_support: Any, world: World) -> None:
    campaign = _campaign(domain_support, system=world.skais)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    services.campaign_open(campaign=campaign, actor=domain_support)
    new = AuditEvent.objects.exclude(pk__in=before)
    access = [e for e in new if e.event_type.startswith("access.")]
    assert [e.event_type for e in access] == ["access.campaign_opened"]
    assert access[0].after["items"] == 4
    assert access[0].after["reviewers"] == {"boss": 3, "ds": 1}
    mails = sorted(OutboxMessage.objects.values_list("to_email", flat=True))
    assert mails == ["boss@tugi.example.com", "ds@tugi.example.com"]
    notes = Notification.objects.filter(topic__code="access-reviews")
    assert sorted(notes.values_list("user__username", flat=True)) == ["boss", "ds"]
    assert "3" in OutboxMessage.objects.get(to_email="boss@tugi.example.com").subject


def test_open_refuses_a_campaign_that_is_not_a_draft_or_has_nothing_in_scope(
    domain_support: Any, world: World
) -> None:
    campaign = _opened(domain_support)
    with no_audit_event(), pytest.raises(ValidationError):
        services.campaign_open(campaign=campaign, actor=domain_support)
    empty = _campaign(domain_support, system=world.star, org_unit=world.family)
    with no_audit_event(), pytest.raises(ValidationError):
        services.campaign_open(campaign=empty, actor=domain_support)
    assert not empty.items.exists()


# --- decide -------------------------------------------------------------------------------------


def _item(campaign: Campaign, assignment: Any) -> CampaignItem:
    return CampaignItem.objects.get(campaign=campaign, assignment=assignment)


def test_only_the_items_reviewer_decides(domain_support: Any, world: World, make_user: Any) -> None:
    campaign = _opened(domain_support, system=world.skais, org_unit=world.pensions)
    item = _item(campaign, world.a_mari_view)
    for other in (domain_support, make_user(Role.ADMIN)):
        with no_audit_event(), pytest.raises(PermissionDenied):
            services.campaign_item_decide(item=item, decision="confirmed", actor=other)
    with exactly_one_audit_event("access.campaign_item_decided") as events:
        services.campaign_item_decide(item=item, decision="confirmed", actor=world.boss_user)
    assert events[0].before["decision"] == "pending" and events[0].after["decision"] == "confirmed"
    item.refresh_from_db()
    assert item.decision == ReviewDecision.CONFIRMED and item.decided_at is not None


def test_a_revocation_needs_a_comment(domain_support: Any, world: World) -> None:
    item = _item(_opened(domain_support, system=world.skais), world.a_mari_pay)
    with no_audit_event(), pytest.raises(ValidationError) as err:
        services.campaign_item_decide(item=item, decision="revoked", comment="  ", actor=world.boss_user)
    assert "comment" in err.value.message_dict
    with no_audit_event(), pytest.raises(ValidationError) as err:
        services.campaign_item_decide(item=item, decision="maybe", actor=world.boss_user)
    assert "decision" in err.value.message_dict
    item.refresh_from_db()
    assert item.decision == ReviewDecision.PENDING


def test_a_decision_can_change_until_the_close_and_takes_effect_only_then(
    domain_support: Any, world: World
) -> None:
    campaign = _opened(domain_support, system=world.skais)
    item = _item(campaign, world.a_mari_pay)
    services.campaign_item_decide(item=item, decision="revoked", comment="ei vaja", actor=world.boss_user)
    assert explain(world.mari, world.pay_right)["granted"] is True  # nothing happens before the close
    services.campaign_item_decide(item=item, decision="confirmed", actor=world.boss_user)
    with no_audit_event():  # the same decision again changes nothing
        services.campaign_item_decide(item=item, decision="confirmed", actor=world.boss_user)
    services.campaign_close(campaign=campaign, actor=domain_support)
    with no_audit_event(), pytest.raises(ValidationError):
        services.campaign_item_decide(item=item, decision="revoked", comment="hilja", actor=world.boss_user)
    world.a_mari_pay.refresh_from_db()
    assert world.a_mari_pay.status == AssignmentStatus.ACTIVE


# --- close --------------------------------------------------------------------------------------


def test_close_ends_revoked_assignments_keeps_confirmed_and_reports_pending_as_not_reviewed(
    domain_support: Any, world: World
) -> None:
    campaign = _opened(domain_support, system=world.skais)
    boss = world.boss_user
    services.campaign_item_decide(
        item=_item(campaign, world.a_mari_pay),
        decision="revoked",
        comment="ei tööta enam maksetega",
        actor=boss,
    )
    services.campaign_item_decide(item=_item(campaign, world.a_mari_view), decision="confirmed", actor=boss)
    # liis's item stays pending; jaan's item (reviewer ds) too
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    services.campaign_close(campaign=campaign, actor=domain_support)
    events = sorted(e.event_type for e in AuditEvent.objects.exclude(pk__in=before))
    assert events == ["access.assignment_ended", "access.campaign_closed"]

    revoked, confirmed = world.a_mari_pay, world.a_mari_view
    revoked.refresh_from_db()
    confirmed.refresh_from_db()
    assert revoked.status == AssignmentStatus.ENDED
    assert revoked.valid_to == today() - dt.timedelta(days=1)
    assert campaign.name in revoked.end_reason
    assert explain(world.mari, world.pay_right)["granted"] is False
    assert explain(world.mari, world.pay_right, today() - dt.timedelta(days=1))["granted"] is True
    assert confirmed.status == AssignmentStatus.ACTIVE and confirmed.valid_to is None
    assert explain(world.mari, world.view_right)["granted"] is True
    for pending in (world.a_liis_view, world.a_jaan_view):
        pending.refresh_from_db()
        assert pending.status == AssignmentStatus.ACTIVE and pending.valid_to is None

    campaign.refresh_from_db()
    report = campaign.report
    assert campaign.status == CampaignStatus.CLOSED and campaign.closed_at is not None
    assert (report["items"], report["confirmed"], report["revoked"], report["not_reviewed"]) == (4, 1, 1, 2)
    by_reviewer = {r["reviewer"]: r for r in report["reviewers"]}
    assert {k: by_reviewer["boss"][k] for k in ("items", "confirmed", "revoked", "not_reviewed")} == {
        "items": 3,
        "confirmed": 1,
        "revoked": 1,
        "not_reviewed": 1,
    }
    assert by_reviewer["ds"]["not_reviewed"] == 1 and by_reviewer["ds"]["items"] == 1
    assert [r["assignment"] for r in report["revocations"]] == [revoked.pk]
    assert report["revocations"][0]["comment"] == "ei tööta enam maksetega"
    assert sorted(r["assignment"] for r in report["not_reviewed_items"]) == sorted(
        [world.a_liis_view.pk, world.a_jaan_view.pk]
    )


def test_a_revoked_assignment_that_started_today_ends_today(domain_support: Any, world: World) -> None:
    fresh = AssignmentFactory(account=world.jaan, profile=world.payer, valid_from=today())
    campaign = _opened(domain_support, system=world.skais, org_unit=world.pensions)
    services.campaign_item_decide(
        item=_item(campaign, fresh), decision="revoked", comment="viga", actor=domain_support
    )
    services.campaign_close(campaign=campaign, actor=domain_support)
    fresh.refresh_from_db()
    assert fresh.valid_to == today() and fresh.status == AssignmentStatus.ENDED


def test_only_an_open_campaign_closes_and_only_campaign_managers_close(
    domain_support: Any, world: World, test_manager: Any
) -> None:
    draft = _campaign(domain_support)
    with no_audit_event(), pytest.raises(ValidationError):
        services.campaign_close(campaign=draft, actor=domain_support)
    campaign = _opened(domain_support)
    with no_audit_event(), pytest.raises(PermissionDenied):
        services.campaign_close(campaign=campaign, actor=test_manager)
    services.campaign_close(campaign=campaign, actor=domain_support)
    with no_audit_event(), pytest.raises(ValidationError):
        services.campaign_close(campaign=campaign, actor=domain_support)


# --- reminders ----------------------------------------------------------------------------------


def _reminders(system: Any, day: dt.date) -> dict[str, int]:
    result = services.campaign_reminders_send(actor=system, today=day)
    assert result["in_app"] == result["reviewers_reminded"]  # both reviewers have e-mail and Tugi
    return {k: result[k] for k in ("reviewers_reminded", "emails")}


def test_reminders_once_a_day_from_seven_days_before_the_deadline(
    domain_support: Any, world: World, system: Any
) -> None:
    deadline = today() + dt.timedelta(days=10)
    campaign = _opened(domain_support, system=world.skais, deadline=deadline)
    OutboxMessage.objects.all().delete()  # the opening notices
    assert _reminders(system, deadline - dt.timedelta(days=8)) == {"reviewers_reminded": 0, "emails": 0}
    day = deadline - dt.timedelta(days=7)
    assert _reminders(system, day) == {"reviewers_reminded": 2, "emails": 2}
    assert sorted(OutboxMessage.objects.values_list("to_email", flat=True)) == [
        "boss@tugi.example.com",
        "ds@tugi.example.com",
    ]
    assert set(CampaignItem.objects.filter(campaign=campaign).values_list("reminded_on", flat=True)) == {day}
    assert _reminders(system, day) == {"reviewers_reminded": 0, "emails": 0}  # once a day
    assert OutboxMessage.objects.count() == 2

    # ds decides everything; the next day only boss is reminded
    services.campaign_item_decide(
        item=_item(campaign, world.a_jaan_view), decision="confirmed", actor=domain_support
    )
    next_day = day + dt.timedelta(days=1)
    assert _reminders(system, next_day) == {"reviewers_reminded": 1, "emails": 1}
    assert OutboxMessage.objects.filter(to_email="boss@tugi.example.com").count() == 2
    assert OutboxMessage.objects.filter(to_email="ds@tugi.example.com").count() == 1


def test_no_reminders_for_a_closed_campaign(domain_support: Any, world: World, system: Any) -> None:
    campaign = _opened(domain_support, deadline=today() + dt.timedelta(days=3))
    services.campaign_close(campaign=campaign, actor=domain_support)
    assert _reminders(system, today())["reviewers_reminded"] == 0


def test_the_daily_job_sends_the_reminders(domain_support: Any, world: World, system: Any) -> None:
    from tugi.core.registry import registry
    from tugi.core.services import job_start

    _opened(domain_support, deadline=today() + dt.timedelta(days=2))
    assert "access-campaign-reminders" in registry.periodic
    job = job_start(kind="access-campaign-reminders", key="2025-01-01", actor=system)
    from tugi.core.services import job_run

    job = job_run(str(job.uid))
    assert job.status == "succeeded", job.message
    assert job.result["reviewers_reminded"] == 2
