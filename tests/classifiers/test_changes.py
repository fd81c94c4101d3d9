"""Change requests: drafting operations, submitting, the owner's decision (never the requester's),
publishing as a new version with the operations applied, and the impact shown before approval."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.access.factories import SystemFactory
from tests.classifiers.factories import ClassifierFactory, ConsumingSystemFactory, published
from tests.helpers import exactly_one_audit_event, no_audit_event
from tugi.classifiers.models import (
    Attribute,
    ChangeRequestStatus,
    ClassifierVersion,
    Correspondence,
    Entity,
    ItemStatus,
    VersionStatus,
)
from tugi.classifiers.selectors_changes import impact, requests_waiting_for
from tugi.classifiers.services.changes import (
    change_operation_add,
    change_operation_remove,
    change_request_create,
    change_request_decide,
    change_request_publish,
    change_request_submit,
)
from tugi.classifiers.services.versions import version_draft_create
from tugi.core.models import AuditEvent, Notification, OutboxMessage
from tugi.core.roles import Role

pytestmark = pytest.mark.django_db

SCHEMA = [{"name": "budget_account", "label": "Budget account", "type": "string", "required": True}]


@pytest.fixture
def owner(make_user: Any) -> Any:
    return make_user(Role.DOMAIN_SUPPORT, username="owner")


@pytest.fixture
def classifier(owner: Any) -> Any:
    classifier = ClassifierFactory(code="benefit-types", owner=owner, attribute_schema=SCHEMA)
    published(
        classifier,
        [("01", "Vanaduspension"), ("02", "Rahvapension"), ("03", "Toitjakaotuspension")],
        attributes={"budget_account": "4500"},
    )
    return classifier


def _request(classifier: Any, actor: Any, **kwargs: Any) -> Any:
    return change_request_create(
        classifier=classifier,
        title=kwargs.pop("title", "Uus toetus"),
        justification="Seadusemuudatus",
        planned_publication=kwargs.pop("planned_publication", dt.date(2025, 4, 1)),
        actor=actor,
    )


def _approved(classifier: Any, requester: Any, owner: Any) -> Any:
    request = _request(classifier, requester)
    change_operation_add(
        request=request,
        operation="add",
        code="04",
        values={
            "name_et": "Töövõimetoetus",
            "name_en": "Work ability allowance",
            "attributes": {"budget_account": "4510"},
        },
        actor=requester,
    )
    change_operation_add(
        request=request,
        operation="change",
        code="02",
        values={"name_en": "National pension"},
        actor=requester,
    )
    change_operation_add(request=request, operation="retire", code="03", replaced_by="04", actor=requester)
    change_request_submit(request=request, actor=requester)
    return change_request_decide(request=request, decision="approve", comment="OK", actor=owner)


def test_a_request_needs_a_published_version(domain_support: Any) -> None:
    empty = ClassifierFactory()
    with pytest.raises(ValidationError) as err, no_audit_event():
        _request(empty, domain_support)
    assert "classifier" in err.value.message_dict


def test_create_and_operations_write_one_event_each(classifier: Any, domain_support: Any) -> None:
    with exactly_one_audit_event("classifiers.change_request_created"):
        request = _request(classifier, domain_support)
    assert request.status == ChangeRequestStatus.DRAFT and request.base_version.number == 1
    with exactly_one_audit_event("classifiers.change_request_updated"):
        op = change_operation_add(
            request=request,
            operation="add",
            code="04",
            values={"name_et": "Uus", "attributes": {"budget_account": "1"}},
            actor=domain_support,
        )
    assert op.values["name_et"] == "Uus"
    with exactly_one_audit_event("classifiers.change_request_updated"):
        change_operation_remove(operation=op, actor=domain_support)
    assert not request.operations.exists()


@pytest.mark.parametrize(
    ("operation", "code", "values", "field", "message"),
    [
        (
            "add",
            "01",
            {"name_et": "X", "attributes": {"budget_account": "1"}},
            "code",
            "already used in version 1",
        ),
        ("add", "09", {"attributes": {"budget_account": "1"}}, "name_et", "Estonian name is required"),
        ("add", "09", {"name_et": "X"}, "attributes.budget_account", "a value is required"),
        (
            "add",
            "09",
            {"name_et": "X", "attributes": {"budget_account": "1", "colour": "red"}},
            "attributes.colour",
            "defines no attribute",
        ),
        (
            "add",
            "09",
            {"name_et": "X", "parent_code": "77", "attributes": {"budget_account": "1"}},
            "parent_code",
            "not an active code",
        ),
        (
            "add",
            "09",
            {
                "name_et": "X",
                "valid_from": "2025-02-01",
                "valid_to": "2025-01-01",
                "attributes": {"budget_account": "1"},
            },
            "valid_to",
            "cannot be before",
        ),
        (
            "add",
            "09",
            {"name_et": "X", "valid_from": "1.2.2025", "attributes": {"budget_account": "1"}},
            "valid_from",
            "like 2025-04-01",
        ),
        ("change", "77", {"name_en": "X"}, "code", "has no code 77"),
        ("change", "01", {}, "values", "at least one new value"),
        ("change", "01", {"name_et": ""}, "name_et", "cannot be emptied"),
        ("retire", "77", {}, "code", "no active code 77"),
        ("bogus", "01", {}, "operation", "add, change or retire"),
        ("add", "", {"name_et": "X"}, "code", "code is required"),
    ],
)
def test_bad_operations_are_refused_naming_the_field(
    classifier: Any,
    domain_support: Any,
    operation: str,
    code: str,
    values: dict[str, Any],
    field: str,
    message: str,
) -> None:
    request = _request(classifier, domain_support)
    with pytest.raises(ValidationError) as err, no_audit_event():
        change_operation_add(
            request=request, operation=operation, code=code, values=values, actor=domain_support
        )
    assert message in " ".join(err.value.message_dict[field])
    assert not request.operations.exists()


def test_a_retired_code_names_active_or_added_replacements(classifier: Any, domain_support: Any) -> None:
    request = _request(classifier, domain_support)
    with pytest.raises(ValidationError) as err:
        change_operation_add(
            request=request, operation="retire", code="03", replaced_by="99", actor=domain_support
        )
    assert "99" in err.value.message_dict["replaced_by"][0]
    with pytest.raises(ValidationError):
        change_operation_add(
            request=request, operation="retire", code="03", replaced_by="03", actor=domain_support
        )
    change_operation_add(
        request=request, operation="retire", code="03", replaced_by="01, 02", actor=domain_support
    )
    assert request.operations.get().replaced_by == "01,02"
    with pytest.raises(ValidationError) as err:
        change_operation_add(
            request=request, operation="change", code="03", values={"name_en": "X"}, actor=domain_support
        )
    assert "already has an operation" in err.value.message_dict["code"][0]


def test_only_a_draft_with_operations_is_submitted_and_only_by_its_requester(
    classifier: Any, domain_support: Any, make_user: Any
) -> None:
    request = _request(classifier, domain_support)
    with pytest.raises(ValidationError) as err, no_audit_event():
        change_request_submit(request=request, actor=domain_support)
    assert "operations" in err.value.message_dict
    change_operation_add(request=request, operation="retire", code="03", actor=domain_support)
    other = make_user(Role.TEST_MANAGER, username="someone")
    with pytest.raises(PermissionDenied), no_audit_event():
        change_request_submit(request=request, actor=other)
    with exactly_one_audit_event("classifiers.change_request_submitted"):
        change_request_submit(request=request, actor=domain_support)
    request.refresh_from_db()
    assert request.status == ChangeRequestStatus.SUBMITTED
    with pytest.raises(ValidationError), no_audit_event():
        change_operation_add(request=request, operation="retire", code="02", actor=domain_support)


def test_the_requester_cannot_approve_even_as_owner(classifier: Any, owner: Any) -> None:
    request = _request(classifier, owner)
    change_operation_add(request=request, operation="retire", code="03", actor=owner)
    change_request_submit(request=request, actor=owner)
    with pytest.raises(PermissionDenied) as err, no_audit_event():
        change_request_decide(request=request, decision="approve", actor=owner)
    assert "segregation of duties" in str(err.value)
    request.refresh_from_db()
    assert request.status == ChangeRequestStatus.SUBMITTED


def test_a_non_owner_cannot_approve(classifier: Any, domain_support: Any, make_user: Any) -> None:
    request = _request(classifier, domain_support)
    change_operation_add(request=request, operation="retire", code="03", actor=domain_support)
    change_request_submit(request=request, actor=domain_support)
    colleague = make_user(Role.DOMAIN_SUPPORT, username="colleague")
    with pytest.raises(PermissionDenied) as err, no_audit_event():
        change_request_decide(request=request, decision="approve", actor=colleague)
    assert "owner" in str(err.value)


def test_the_owner_decides_and_a_rejection_needs_a_comment(
    classifier: Any, domain_support: Any, owner: Any
) -> None:
    request = _request(classifier, domain_support)
    change_operation_add(request=request, operation="retire", code="03", actor=domain_support)
    with pytest.raises(ValidationError), no_audit_event():  # not submitted yet
        change_request_decide(request=request, decision="approve", actor=owner)
    change_request_submit(request=request, actor=domain_support)
    assert list(requests_waiting_for(user=owner)) == [request]
    assert not requests_waiting_for(user=domain_support).exists()
    with pytest.raises(ValidationError) as err, no_audit_event():
        change_request_decide(request=request, decision="reject", comment=" ", actor=owner)
    assert "comment" in err.value.message_dict
    with exactly_one_audit_event("classifiers.change_request_decided"):
        change_request_decide(request=request, decision="reject", comment="Not needed", actor=owner)
    request.refresh_from_db()
    assert request.status == ChangeRequestStatus.REJECTED and request.decided_by == owner
    with pytest.raises(ValidationError):
        change_request_publish(request=request, valid_from=dt.date(2025, 4, 1), actor=owner)


def test_publishing_applies_the_operations_and_notifies(
    classifier: Any, domain_support: Any, owner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    classifier.consumers.add(ConsumingSystemFactory(contact_email="star@consumer.example.com"))
    request = _approved(classifier, domain_support, owner)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        version = change_request_publish(
            request=request, valid_from=dt.date(2025, 4, 1), actor=domain_support
        )
    events = sorted(AuditEvent.objects.exclude(pk__in=before).values_list("event_type", flat=True))
    assert [e for e in events if e.startswith("classifiers.")] == [
        "classifiers.change_request_published",
        "classifiers.version_created",
        "classifiers.version_published",
    ]
    request.refresh_from_db()
    assert request.status == ChangeRequestStatus.PUBLISHED and request.published_version == version
    assert version.number == 2 and version.status == VersionStatus.PUBLISHED
    items = {i.code: i for i in version.items.all()}
    assert items["04"].name_et == "Töövõimetoetus" and items["04"].attributes == {"budget_account": "4510"}
    assert items["04"].status == ItemStatus.ACTIVE
    assert items["02"].name_en == "National pension" and items["02"].name_et == "Rahvapension"
    assert items["03"].status == ItemStatus.RETIRED and items["03"].valid_to == dt.date(2025, 3, 31)
    v1 = ClassifierVersion.objects.get(classifier=classifier, number=1)
    assert v1.items.get(code="03").status == ItemStatus.ACTIVE  # the old version is untouched
    assert list(Correspondence.objects.values_list("from_version", "to_version", "old_code", "new_code")) == [
        (v1.pk, version.pk, "03", "04")
    ]
    assert Notification.objects.filter(user=owner, subject__contains="benefit-types").exists()
    assert OutboxMessage.objects.filter(to_email="star@consumer.example.com").exists()


def test_publishing_before_the_planned_date_needs_a_reason(
    classifier: Any, domain_support: Any, owner: Any
) -> None:
    request = _approved(classifier, domain_support, owner)
    with pytest.raises(ValidationError) as err, no_audit_event():
        change_request_publish(request=request, valid_from=dt.date(2025, 3, 1), actor=domain_support)
    assert "2025-04-01" in err.value.message_dict["reason"][0]
    assert classifier.versions.count() == 1
    version = change_request_publish(
        request=request, valid_from=dt.date(2025, 3, 1), actor=domain_support, reason="Urgent fix"
    )
    assert version.valid_from == dt.date(2025, 3, 1)


def test_publishing_is_refused_while_a_draft_version_is_open(
    classifier: Any, domain_support: Any, owner: Any
) -> None:
    request = _approved(classifier, domain_support, owner)
    version_draft_create(classifier=classifier, actor=owner)
    with pytest.raises(ValidationError) as err, no_audit_event():
        change_request_publish(request=request, valid_from=dt.date(2025, 4, 1), actor=domain_support)
    assert "open draft version 2" in err.value.message_dict["valid_from"][0]
    request.refresh_from_db()
    assert request.status == ChangeRequestStatus.APPROVED


def test_a_retired_code_cannot_be_added_again_by_a_later_request(
    classifier: Any, domain_support: Any, owner: Any
) -> None:
    request = _approved(classifier, domain_support, owner)
    change_request_publish(request=request, valid_from=dt.date(2025, 4, 1), actor=domain_support)
    later = _request(classifier, domain_support)
    assert later.base_version.number == 2
    with pytest.raises(ValidationError) as err, no_audit_event():
        change_operation_add(
            request=later,
            operation="add",
            code="03",
            values={"name_et": "Uuesti", "attributes": {"budget_account": "1"}},
            actor=domain_support,
        )
    assert "never reused" in err.value.message_dict["code"][0]
    with pytest.raises(ValidationError):  # nor retired twice
        change_operation_add(request=later, operation="retire", code="03", actor=domain_support)


def test_impact_lists_the_attributes_using_the_classifier_and_the_records(
    classifier: Any, domain_support: Any
) -> None:
    skais, star = SystemFactory(code="SKAIS"), SystemFactory(code="STAR")
    benefit = Entity.objects.create(system=skais, name="benefit")
    Attribute.objects.create(
        entity=benefit,
        name="type_code",
        data_type="varchar",
        classifier=classifier,
        code_counts={"03": 120, "01": 5},
    )
    Attribute.objects.create(
        entity=Entity.objects.create(system=star, name="case"),
        name="benefit",
        data_type="varchar",
        classifier=classifier,
    )
    Attribute.objects.create(entity=benefit, name="amount", data_type="numeric")
    consumer = ConsumingSystemFactory(code="kov", contact_email="kov@consumer.example.com")
    classifier.consumers.add(consumer)
    request = _request(classifier, domain_support)
    change_operation_add(request=request, operation="retire", code="03", actor=domain_support)
    change_operation_add(
        request=request, operation="change", code="01", values={"name_en": "Old-age"}, actor=domain_support
    )
    result = impact(request)
    assert result["systems"] == ["SKAIS", "STAR"]
    assert [(a["system"], a["entity"], a["attribute"]) for a in result["attributes"]] == [
        ("SKAIS", "benefit", "type_code"),
        ("STAR", "case", "benefit"),
    ]
    retire, change = sorted(result["operations"], key=lambda o: o["code"], reverse=True)
    assert retire["code"] == "03" and retire["records"] == 120
    assert [a["records"] for a in retire["attributes"]] == [120, None]
    assert change["records"] is None
    assert result["notified"] == [consumer]


def test_publishing_sets_dates_and_levels_of_added_and_changed_codes(
    classifier: Any, domain_support: Any, owner: Any
) -> None:
    request = _request(classifier, domain_support)
    change_operation_add(
        request=request,
        operation="add",
        code="01.1",
        values={
            "name_et": "Ennetähtaegne vanaduspension",
            "parent_code": "01",
            "valid_from": dt.date(2025, 4, 1),
            "attributes": {"budget_account": "4501"},
        },
        actor=domain_support,
    )
    change_operation_add(
        request=request,
        operation="change",
        code="02",
        values={"valid_to": "2030-12-31"},
        actor=domain_support,
    )
    change_request_submit(request=request, actor=domain_support)
    change_request_decide(request=request, decision="approve", actor=owner)
    version = change_request_publish(request=request, valid_from=dt.date(2025, 4, 1), actor=domain_support)
    items = {i.code: i for i in version.items.all()}
    assert (items["01.1"].parent_code, items["01.1"].level) == ("01", 2)
    assert items["01.1"].valid_from == dt.date(2025, 4, 1) and items["01.1"].order > items["03"].order
    assert items["02"].valid_to == dt.date(2030, 12, 31)
    assert items["02"].attributes == {"budget_account": "4500"}
