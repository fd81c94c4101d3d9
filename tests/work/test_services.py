"""Every write of the work area: one audit event, refused without the right, nothing on a no-op."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import ContactFactory, GuideFactory, PartnerFactory
from tests.helpers import exactly_one_audit_event, no_audit_event
from tugi.core.models import AuditEvent, Topic
from tugi.work import services
from tugi.work.models import Contact, ContactSubscription, Guide, Partner

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


@pytest.fixture
def topic() -> Topic:
    return Topic.objects.get(code="delivery-schedule")


def _guide_values(owner: Any, **extra: Any) -> dict[str, Any]:
    values = {
        "slug": "uat-valmisolek",
        "title": "UAT valmisoleku kontroll",
        "kind": "process",
        "area": "delivery",
        "body": "## Kontroll\n\n1. Keskkond\n2. Andmed",
        "owner": owner,
        "review_interval_days": 180,
    }
    values.update(extra)
    return values


# --- one audit event per write -------------------------------------------------------------------


def test_partner_create_and_update(domain_support: Any) -> None:
    with exactly_one_audit_event("work.partner_created") as events:
        partner = services.partner_create(
            actor=domain_support, name="  Maksu- ja Tolliamet ", short_name="MTA", kind="authority"
        )
    assert partner.name == "Maksu- ja Tolliamet"
    assert events[0].actor == domain_support
    assert events[0].object_id == str(partner.pk)
    assert events[0].after["short_name"] == "MTA"

    with exactly_one_audit_event("work.partner_updated") as events:
        services.partner_update(partner=partner, actor=domain_support, phone="+372 676 1000", reason="x")
    assert events[0].before["phone"] == "" and events[0].after["phone"] == "+372 676 1000"
    assert events[0].reason == "x"
    partner.refresh_from_db()
    assert partner.phone == "+372 676 1000"


def test_contact_create_update_delete(domain_support: Any) -> None:
    partner = PartnerFactory()
    with exactly_one_audit_event("work.contact_created"):
        contact = services.contact_create(
            partner=partner,
            actor=domain_support,
            name="Helen Sepp",
            role="social tax data exchange",
            email="helen.sepp@mta.example.com",
        )
    with exactly_one_audit_event("work.contact_updated") as events:
        services.contact_update(contact=contact, actor=domain_support, active=False)
    assert events[0].before["active"] is True and events[0].after["active"] is False
    with exactly_one_audit_event("work.contact_deleted") as events:
        services.contact_delete(contact=contact, actor=domain_support, reason="left")
    assert events[0].before["email"] == "helen.sepp@mta.example.com"
    assert not Contact.objects.exists()


def test_contact_subscribe_and_unsubscribe(domain_support: Any, topic: Topic) -> None:
    contact = ContactFactory()
    with exactly_one_audit_event("work.contact_subscribed") as events:
        sub = services.contact_subscribe(contact=contact, topic=topic, actor=domain_support)
    assert events[0].object_type == "work.contactsubscription"
    with no_audit_event():
        again = services.contact_subscribe(contact=contact, topic=topic, actor=domain_support)
    assert again == sub
    with exactly_one_audit_event("work.contact_unsubscribed"):
        services.contact_unsubscribe(subscription=sub, actor=domain_support)
    assert not ContactSubscription.objects.exists()


def test_contact_topics_set_audits_each_change(domain_support: Any, topic: Topic) -> None:
    clone = Topic.objects.get(code="clone-notice")
    contact = ContactFactory()
    services.contact_topics_set(contact=contact, topics=[topic, clone], actor=domain_support)
    assert AuditEvent.objects.filter(event_type="work.contact_subscribed").count() == 2
    with exactly_one_audit_event("work.contact_unsubscribed"):
        services.contact_topics_set(contact=contact, topics=[topic], actor=domain_support)
    with no_audit_event():
        services.contact_topics_set(contact=contact, topics=[topic], actor=domain_support)
    assert [s.topic for s in contact.subscriptions.all()] == [topic]


def test_guide_create_update_review(test_manager: Any) -> None:
    with exactly_one_audit_event("work.guide_created"):
        guide = services.guide_create(actor=test_manager, **_guide_values(test_manager))
    assert guide.version == 1
    assert guide.last_reviewed_on == TODAY
    with exactly_one_audit_event("work.guide_updated"):
        services.guide_update(guide=guide, actor=test_manager, review_interval_days=90)
    guide.refresh_from_db()
    assert guide.version == 1, "a new review interval is not a new version of the text"

    Guide.objects.filter(pk=guide.pk).update(last_reviewed_on=TODAY - dt.timedelta(days=200))
    with exactly_one_audit_event("work.guide_reviewed") as events:
        services.guide_mark_reviewed(guide=guide, actor=test_manager)
    guide.refresh_from_db()
    assert guide.last_reviewed_on == TODAY
    assert events[0].after == {"last_reviewed_on": TODAY.isoformat()}


def test_guide_text_or_title_change_makes_a_new_version(test_manager: Any) -> None:
    guide = GuideFactory(owner=test_manager)
    services.guide_update(guide=guide, actor=test_manager, body=guide.body + "\n\nLisa.")
    guide.refresh_from_db()
    assert guide.version == 2
    services.guide_update(guide=guide, actor=test_manager, title="Uus pealkiri")
    guide.refresh_from_db()
    assert guide.version == 3
    event = AuditEvent.objects.filter(event_type="work.guide_updated").first()
    assert event is not None
    assert (event.before["version"], event.after["version"]) == (2, 3)


# --- no-ops --------------------------------------------------------------------------------------


def test_no_op_updates_write_nothing(domain_support: Any, test_manager: Any) -> None:
    partner = PartnerFactory(name="Rahandusministeerium", phone="+372 611 3558")
    contact = ContactFactory(role="pension index forecast")
    guide = GuideFactory(owner=test_manager)
    with no_audit_event():
        services.partner_update(partner=partner, actor=domain_support, name=" Rahandusministeerium ")
        services.partner_update(partner=partner, actor=domain_support, phone="+372 611 3558")
        services.contact_update(contact=contact, actor=domain_support, role="pension index forecast")
        services.guide_update(guide=guide, actor=test_manager, body=guide.body, title=guide.title)
        services.guide_mark_reviewed(guide=guide, actor=test_manager)  # already reviewed today
    guide.refresh_from_db()
    assert guide.version == 1


# --- refusals ------------------------------------------------------------------------------------


def _writes(topic: Topic, owner: Any) -> dict[str, Callable[[Any], Any]]:
    partner = PartnerFactory()
    contact = ContactFactory(partner=partner)
    sub = ContactSubscription.objects.create(contact=ContactFactory(partner=partner), topic=topic)
    guide = GuideFactory(owner=owner, last_reviewed_on=TODAY - dt.timedelta(days=10))
    return {
        "partner_create": lambda a: services.partner_create(actor=a, name="Uus partner", kind="other"),
        "partner_update": lambda a: services.partner_update(partner=partner, actor=a, phone="123"),
        "contact_create": lambda a: services.contact_create(
            partner=partner, actor=a, name="Uus", role="r", email="uus@partner.example.com"
        ),
        "contact_update": lambda a: services.contact_update(contact=contact, actor=a, phone="123"),
        "contact_delete": lambda a: services.contact_delete(contact=contact, actor=a),
        "contact_subscribe": lambda a: services.contact_subscribe(contact=contact, topic=topic, actor=a),
        "contact_unsubscribe": lambda a: services.contact_unsubscribe(subscription=sub, actor=a),
        "guide_create": lambda a: services.guide_create(actor=a, **_guide_values(owner)),
        "guide_update": lambda a: services.guide_update(guide=guide, actor=a, body="Muudetud"),
        "guide_mark_reviewed": lambda a: services.guide_mark_reviewed(guide=guide, actor=a),
    }


EVENTS = {
    "partner_create": "work.partner_created",
    "partner_update": "work.partner_updated",
    "contact_create": "work.contact_created",
    "contact_update": "work.contact_updated",
    "contact_delete": "work.contact_deleted",
    "contact_subscribe": "work.contact_subscribed",
    "contact_unsubscribe": "work.contact_unsubscribed",
    "guide_create": "work.guide_created",
    "guide_update": "work.guide_updated",
    "guide_mark_reviewed": "work.guide_reviewed",
}
WRITES = list(EVENTS)


def _state() -> tuple[Any, ...]:
    return (
        list(Partner.objects.values()),
        list(Contact.objects.values()),
        list(ContactSubscription.objects.values()),
        list(Guide.objects.values()),
    )


@pytest.mark.parametrize("write", WRITES)
def test_auditor_is_refused_and_nothing_changes(
    write: str, auditor: Any, test_manager: Any, topic: Topic
) -> None:
    call = _writes(topic, owner=auditor if write == "guide_mark_reviewed" else test_manager)[write]
    before = _state()
    with no_audit_event(), pytest.raises(PermissionDenied):
        call(auditor)
    assert _state() == before


@pytest.mark.parametrize("write", WRITES)
def test_finance_may_only_look(write: str, finance_user: Any, test_manager: Any, topic: Topic) -> None:
    call = _writes(topic, owner=finance_user if write == "guide_mark_reviewed" else test_manager)[write]
    before = _state()
    with no_audit_event(), pytest.raises(PermissionDenied):
        call(finance_user)
    assert _state() == before


@pytest.mark.parametrize("write", WRITES)
def test_inactive_user_is_refused(write: str, make_user: Any, test_manager: Any, topic: Topic) -> None:
    from tugi.core.roles import Role

    user = make_user(Role.ADMIN, is_active=False)
    call = _writes(topic, owner=user)[write]
    with no_audit_event(), pytest.raises(PermissionDenied):
        call(user)


@pytest.mark.parametrize("write", WRITES)
def test_each_write_writes_exactly_one_event(write: str, admin_user: Any, topic: Topic) -> None:
    call = _writes(topic, owner=admin_user)[write]
    with exactly_one_audit_event(EVENTS[write]) as events:
        call(admin_user)
    assert events[0].actor == admin_user
    assert events[0].object_id


# --- bad input -----------------------------------------------------------------------------------


def test_unknown_field_names_are_refused(domain_support: Any, test_manager: Any) -> None:
    partner = PartnerFactory()
    contact = ContactFactory(partner=partner)
    guide = GuideFactory(owner=test_manager)
    with no_audit_event():
        with pytest.raises(ValidationError) as exc:
            services.partner_create(actor=domain_support, name="X", kind="other", is_admin=True)
        assert "is_admin" in exc.value.message_dict
        with pytest.raises(ValidationError) as exc:
            services.partner_update(partner=partner, actor=domain_support, created_at=None)
        assert "created_at" in exc.value.message_dict
        with pytest.raises(ValidationError) as exc:
            services.contact_create(
                partner=partner, actor=domain_support, name="X", role="r", email="x@e.ee", partner_id=1
            )
        assert "partner_id" in exc.value.message_dict
        with pytest.raises(ValidationError) as exc:
            services.contact_update(contact=contact, actor=domain_support, partner=PartnerFactory())
        assert "partner" in exc.value.message_dict
        with pytest.raises(ValidationError) as exc:
            services.guide_create(actor=test_manager, version=7, **_guide_values(test_manager))
        assert "version" in exc.value.message_dict
        with pytest.raises(ValidationError) as exc:
            services.guide_update(guide=guide, actor=test_manager, version=7)
        assert "version" in exc.value.message_dict
    assert not Partner.objects.filter(name="X").exists()
    guide.refresh_from_db()
    assert guide.version == 1


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"kind": "spaceship"}, "kind"),
        ({"name": "   "}, "name"),
        ({"website": "ftp//nowhere"}, "website"),
    ],
)
def test_partner_bad_input_names_the_field(domain_support: Any, values: dict[str, Any], field: str) -> None:
    data = {"name": "Uus partner", "kind": "other", **values}
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        services.partner_create(actor=domain_support, **data)
    assert field in exc.value.message_dict
    assert not Partner.objects.exists()


def test_partner_update_bad_input_changes_nothing(domain_support: Any) -> None:
    partner = PartnerFactory(email="info@partner.example.com")
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        services.partner_update(partner=partner, actor=domain_support, email="bad")
    assert "email" in exc.value.message_dict
    partner.refresh_from_db()
    assert partner.email == "info@partner.example.com"


def test_contact_email_unique_per_partner(domain_support: Any) -> None:
    partner = PartnerFactory()
    first = ContactFactory(partner=partner, email="sama@partner.example.com")
    second = ContactFactory(partner=partner, email="teine@partner.example.com")
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        services.contact_create(
            partner=partner, actor=domain_support, name="Teine", role="r", email="Sama@Partner.example.com"
        )
    assert "email" in exc.value.message_dict
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        services.contact_update(contact=second, actor=domain_support, email="SAMA@partner.example.com")
    assert "email" in exc.value.message_dict
    second.refresh_from_db()
    assert second.email == "teine@partner.example.com"
    with exactly_one_audit_event("work.contact_updated"):
        services.contact_update(contact=first, actor=domain_support, email="Sama@partner.example.com")
    with no_audit_event(), pytest.raises(ValidationError):
        services.contact_create(
            partner=partner, actor=domain_support, name="Teine", role="r", email="sama@partner.example.com"
        )
    other = services.contact_create(
        partner=PartnerFactory(),
        actor=domain_support,
        name="Teine",
        role="r",
        email="sama@partner.example.com",
    )
    assert other.pk


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"last_reviewed_on": TODAY + dt.timedelta(days=1)}, "last_reviewed_on"),
        ({"review_interval_days": 0}, "review_interval_days"),
        ({"review_interval_days": 5000}, "review_interval_days"),
        ({"slug": "not a slug!"}, "slug"),
        ({"body": ""}, "body"),
        ({"area": "nowhere"}, "area"),
    ],
)
def test_guide_bad_input_names_the_field(test_manager: Any, values: dict[str, Any], field: str) -> None:
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        services.guide_create(actor=test_manager, **_guide_values(test_manager, **values))
    assert field in exc.value.message_dict
    assert not Guide.objects.exists()


def test_guide_duplicate_slug_is_refused(test_manager: Any) -> None:
    GuideFactory(slug="uat-valmisolek")
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        services.guide_create(actor=test_manager, **_guide_values(test_manager))
    assert "slug" in exc.value.message_dict


def test_guide_review_cannot_be_dated_in_the_future(test_manager: Any) -> None:
    guide = GuideFactory(owner=test_manager, last_reviewed_on=TODAY - dt.timedelta(days=3))
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        services.guide_mark_reviewed(guide=guide, actor=test_manager, on=TODAY + dt.timedelta(days=1))
    assert "last_reviewed_on" in exc.value.message_dict


# --- who may confirm a review --------------------------------------------------------------------


def test_only_owner_admin_or_superuser_confirm_a_review(
    test_manager: Any, domain_support: Any, admin_user: Any, make_user: Any
) -> None:
    old = TODAY - dt.timedelta(days=400)
    guide = GuideFactory(owner=test_manager, last_reviewed_on=old)
    with no_audit_event(), pytest.raises(PermissionDenied):
        services.guide_mark_reviewed(guide=guide, actor=domain_support)
    guide.refresh_from_db()
    assert guide.last_reviewed_on == old

    for actor in (test_manager, admin_user, make_user(is_superuser=True)):
        Guide.objects.filter(pk=guide.pk).update(last_reviewed_on=old)
        with exactly_one_audit_event("work.guide_reviewed") as events:
            services.guide_mark_reviewed(guide=guide, actor=actor)
        assert events[0].actor == actor
