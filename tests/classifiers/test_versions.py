"""Draft versions copy the latest one; publishing freezes a version and closes the previous one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from tests.classifiers.factories import ClassifierFactory, ConsumingSystemFactory, published
from tests.helpers import exactly_one_audit_event, no_audit_event
from tugi.classifiers.models import ClassifierStatus, VersionStatus
from tugi.classifiers.selectors import items_valid_on, version_at
from tugi.classifiers.services.versions import version_draft_create, version_publish
from tugi.core.models import Notification, OutboxMessage

pytestmark = pytest.mark.django_db


def test_a_draft_copies_every_item_and_only_one_draft_is_open(domain_support: Any) -> None:
    classifier = ClassifierFactory(owner=domain_support)
    published(classifier, [("01", "Vanaduspension"), ("02", "Rahvapension")])
    with exactly_one_audit_event("classifiers.version_created"):
        draft = version_draft_create(classifier=classifier, actor=domain_support)
    assert draft.number == 2 and draft.status == VersionStatus.DRAFT
    assert sorted(draft.items.values_list("code", flat=True)) == ["01", "02"]
    with pytest.raises(ValidationError) as err, no_audit_event():
        version_draft_create(classifier=classifier, actor=domain_support)
    assert "version" in err.value.message_dict


def test_publishing_freezes_the_draft_and_ends_the_previous_version_the_day_before(
    domain_support: Any, django_capture_on_commit_callbacks: Any
) -> None:
    classifier = ClassifierFactory(owner=domain_support, status=ClassifierStatus.DRAFT)
    classifier.consumers.add(ConsumingSystemFactory(contact_email="skais@consumer.example.com"))
    v1 = published(classifier, [("01", "Vanaduspension")])
    draft = version_draft_create(classifier=classifier, actor=domain_support)
    with django_capture_on_commit_callbacks(execute=True):
        version_publish(version=draft, valid_from=dt.date(2025, 4, 1), actor=domain_support)
    draft.refresh_from_db()
    v1.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED and len(draft.etag) == 64
    assert v1.valid_to == dt.date(2025, 3, 31)
    classifier.refresh_from_db()
    assert classifier.status == ClassifierStatus.ACTIVE
    assert version_at(classifier, dt.date(2025, 3, 31)) == v1
    assert version_at(classifier, dt.date(2025, 4, 1)) == draft
    assert OutboxMessage.objects.filter(to_email="skais@consumer.example.com").exists()
    assert Notification.objects.filter(user=domain_support).exists()
    assert any("skais@consumer.example.com" in m.to[0] for m in mail.outbox)
    with pytest.raises(ValidationError):
        version_publish(version=draft, valid_from=dt.date(2025, 5, 1), actor=domain_support)


def test_a_new_version_must_start_after_the_previous_one(domain_support: Any) -> None:
    classifier = ClassifierFactory(owner=domain_support)
    published(classifier, [("01", "A")], valid_from=dt.date(2025, 1, 1))
    draft = version_draft_create(classifier=classifier, actor=domain_support)
    with pytest.raises(ValidationError) as err, no_audit_event():
        version_publish(version=draft, valid_from=dt.date(2025, 1, 1), actor=domain_support)
    assert "valid_from" in err.value.message_dict


def test_item_validity_is_right_at_both_ends(domain_support: Any) -> None:
    classifier = ClassifierFactory(owner=domain_support)
    version = published(classifier, [("01", "A")])
    version.items.update(valid_from=dt.date(2024, 2, 1), valid_to=dt.date(2024, 2, 29))
    assert not items_valid_on(version, dt.date(2024, 1, 31)).exists()
    assert items_valid_on(version, dt.date(2024, 2, 1)).exists()
    assert items_valid_on(version, dt.date(2024, 2, 29)).exists()
    assert not items_valid_on(version, dt.date(2024, 3, 1)).exists()


def test_auditor_cannot_create_or_publish(auditor: Any) -> None:
    classifier = ClassifierFactory()
    with pytest.raises(PermissionDenied), no_audit_event():
        version_draft_create(classifier=classifier, actor=auditor)
