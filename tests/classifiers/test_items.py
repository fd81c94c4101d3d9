"""Items of a version: the rules of codes (never reused, never deleted), the hierarchy, validity,
extra attributes, and what a published version still allows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.classifiers.factories import ClassifierFactory, published
from tests.helpers import exactly_one_audit_event, no_audit_event
from tugi.classifiers.models import ClassifierVersion, Item, ItemStatus, VersionStatus
from tugi.classifiers.selectors import items_valid_on
from tugi.classifiers.selectors_classifiers import items_tree
from tugi.classifiers.services.classifiers import (
    item_add,
    item_change,
    item_remove,
    item_retire,
    version_update_dates,
)
from tugi.classifiers.services.versions import content_hash, version_draft_create, version_publish

pytestmark = pytest.mark.django_db

SCHEMA = [
    {"name": "budget_account", "label": "Budget account", "type": "string", "required": True},
    {"name": "rate", "label": "Rate", "type": "decimal"},
    {"name": "monthly", "label": "Monthly", "type": "boolean"},
]


def _draft(owner: Any, items: list[tuple[str, str]] | None = None, **kwargs: Any) -> ClassifierVersion:
    classifier = ClassifierFactory(owner=owner, **kwargs)
    if items is not None:
        published(classifier, items)
        return version_draft_create(classifier=classifier, actor=owner)
    return ClassifierVersion.objects.create(classifier=classifier, number=1)


def test_add_an_item_writes_one_event_and_computes_the_level(domain_support: Any) -> None:
    draft = _draft(domain_support, [("01", "Pensionid")])
    with exactly_one_audit_event("classifiers.item_added") as events:
        item = item_add(
            version=draft, code="0101", name_et="Vanaduspension", parent_code="01", actor=domain_support
        )
    assert item.level == 2 and item.status == ItemStatus.ACTIVE
    assert events[0].after["code"] == "0101"
    assert [i.code for i in items_tree(draft)] == ["01", "0101"]


def test_a_code_must_be_unique_in_the_version(domain_support: Any) -> None:
    draft = _draft(domain_support)
    item_add(version=draft, code="A", name_et="A", actor=domain_support)
    with pytest.raises(ValidationError) as err, no_audit_event():
        item_add(version=draft, code="A", name_et="Teine", actor=domain_support)
    assert "already in this version" in err.value.message_dict["code"][0]


def test_a_retired_code_is_never_reused(domain_support: Any) -> None:
    classifier = ClassifierFactory(owner=domain_support)
    v1 = published(classifier, [("01", "Vana"), ("02", "Teine")])
    v1.items.filter(code="01").update(status=ItemStatus.RETIRED, valid_to=dt.date(2024, 6, 30))
    draft = version_draft_create(classifier=classifier, actor=domain_support)
    draft.items.filter(code="01").delete()  # even if a draft somehow lost it
    with pytest.raises(ValidationError) as err, no_audit_event():
        item_add(version=draft, code="01", name_et="Uus", actor=domain_support)
    assert "never reused" in err.value.message_dict["code"][0]
    assert not draft.items.filter(code="01").exists()


def test_a_code_of_an_earlier_version_is_only_changed_or_retired(domain_support: Any) -> None:
    draft = _draft(domain_support, [("01", "Vana")])
    item = draft.items.get(code="01")
    with pytest.raises(ValidationError) as err, no_audit_event():
        item_remove(item=item, actor=domain_support)
    assert "never deleted" in err.value.message_dict["code"][0]
    assert draft.items.filter(code="01").exists()
    with exactly_one_audit_event("classifiers.item_retired"):
        item_retire(item=item, valid_to=dt.date(2025, 1, 31), actor=domain_support)
    item.refresh_from_db()
    assert item.status == ItemStatus.RETIRED and item.valid_to == dt.date(2025, 1, 31)


def test_an_item_new_in_the_draft_can_be_removed(domain_support: Any) -> None:
    draft = _draft(domain_support, [("01", "Vana")])
    item = item_add(version=draft, code="02", name_et="Uus", actor=domain_support)
    with exactly_one_audit_event("classifiers.item_removed"):
        item_remove(item=item, actor=domain_support)
    assert not Item.objects.filter(pk=item.pk).exists()


def test_a_parent_must_exist_and_not_make_a_cycle(domain_support: Any) -> None:
    draft = _draft(domain_support)
    with pytest.raises(ValidationError) as err, no_audit_event():
        item_add(version=draft, code="B", name_et="B", parent_code="X", actor=domain_support)
    assert "parent_code" in err.value.message_dict
    a = item_add(version=draft, code="A", name_et="A", actor=domain_support)
    b = item_add(version=draft, code="B", name_et="B", parent_code="A", actor=domain_support)
    c = item_add(version=draft, code="C", name_et="C", parent_code="B", actor=domain_support)
    assert (a.level, b.level, c.level) == (1, 2, 3)
    with pytest.raises(ValidationError) as err, no_audit_event():
        item_change(item=a, parent_code="C", actor=domain_support)
    assert "cycle" in err.value.message_dict["parent_code"][0]
    with pytest.raises(ValidationError), no_audit_event():
        item_change(item=a, parent_code="A", actor=domain_support)


def test_moving_an_item_moves_the_levels_of_its_children(domain_support: Any) -> None:
    draft = _draft(domain_support)
    item_add(version=draft, code="A", name_et="A", actor=domain_support)
    b = item_add(version=draft, code="B", name_et="B", actor=domain_support)
    item_add(version=draft, code="C", name_et="C", parent_code="B", actor=domain_support)
    with exactly_one_audit_event("classifiers.item_changed"):
        item_change(item=b, parent_code="A", actor=domain_support)
    assert dict(draft.items.values_list("code", "level")) == {"A": 1, "B": 2, "C": 3}


def test_validity_must_end_after_it_starts(domain_support: Any) -> None:
    draft = _draft(domain_support)
    with pytest.raises(ValidationError) as err, no_audit_event():
        item_add(
            version=draft,
            code="A",
            name_et="A",
            valid_from=dt.date(2025, 2, 1),
            valid_to=dt.date(2025, 1, 31),
            actor=domain_support,
        )
    assert "valid_to" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        item_add(version=draft, code="A", name_et="A", valid_from=dt.date(1800, 1, 1), actor=domain_support)
    assert "valid_from" in err.value.message_dict


def test_validity_at_a_date_is_right_at_both_ends(domain_support: Any) -> None:
    draft = _draft(domain_support)
    item_add(
        version=draft,
        code="A",
        name_et="A",
        valid_from=dt.date(2025, 1, 1),
        valid_to=dt.date(2025, 12, 31),
        actor=domain_support,
    )
    assert [i.code for i in items_tree(draft, dt.date(2024, 12, 31))] == []
    assert [i.code for i in items_tree(draft, dt.date(2025, 1, 1))] == ["A"]
    assert [i.code for i in items_tree(draft, dt.date(2025, 12, 31))] == ["A"]
    assert [i.code for i in items_tree(draft, dt.date(2026, 1, 1))] == []
    assert items_valid_on(draft, dt.date(2025, 6, 1)).count() == 1


def test_attributes_are_checked_against_the_definition(domain_support: Any) -> None:
    draft = _draft(domain_support, attribute_schema=SCHEMA)
    with pytest.raises(ValidationError) as err, no_audit_event():
        item_add(
            version=draft,
            code="A",
            name_et="A",
            attributes={"rate": "x", "colour": "red"},
            actor=domain_support,
        )
    assert set(err.value.message_dict) == {
        "attributes.budget_account",
        "attributes.rate",
        "attributes.colour",
    }
    item = item_add(
        version=draft,
        code="A",
        name_et="A",
        attributes={"budget_account": "4500", "rate": "1.50", "monthly": "yes"},
        actor=domain_support,
    )
    assert item.attributes == {"budget_account": "4500", "rate": "1.50", "monthly": True}


def test_a_published_version_refuses_code_and_other_changes(domain_support: Any) -> None:
    classifier = ClassifierFactory(owner=domain_support)
    version = published(classifier, [("01", "Vanaduspension"), ("02", "Rahvapension")])
    item = version.items.get(code="01")
    for field, value in (
        ("code", "09"),
        ("parent_code", "02"),
        ("order", 5),
        ("attributes", {}),
        ("status", "retired"),
    ):
        with pytest.raises(ValidationError) as err, no_audit_event():
            item_change(item=item, actor=domain_support, **{field: value})
        assert field in err.value.message_dict
    item.refresh_from_db()
    assert item.code == "01" and item.parent_code == ""
    with pytest.raises(ValidationError) as err, no_audit_event():
        item_add(version=version, code="03", name_et="Uus", actor=domain_support)
    assert "version" in err.value.message_dict
    with pytest.raises(ValidationError), no_audit_event():
        item_retire(item=item, actor=domain_support)


def test_a_published_version_allows_names_and_dates_and_recomputes_its_etag(domain_support: Any) -> None:
    classifier = ClassifierFactory(owner=domain_support)
    version = published(classifier, [("01", "Vanaduspension")])
    version.etag = content_hash(version)
    version.save()
    old = version.etag
    item = version.items.get(code="01")
    with exactly_one_audit_event("classifiers.item_changed") as events:
        item_change(
            item=item,
            name_en="Old-age pension",
            description="Riikliku pensionikindlustuse seaduse § 7",
            valid_to=dt.date(2030, 12, 31),
            actor=domain_support,
        )
    version.refresh_from_db()
    assert version.etag != old and version.etag == content_hash(version)
    assert events[0].before["name_en"] == "" and events[0].after["name_en"] == "Old-age pension"


def test_version_dates_change_without_overlap(domain_support: Any) -> None:
    classifier = ClassifierFactory(owner=domain_support)
    v1 = published(classifier, [("01", "A")], valid_from=dt.date(2024, 1, 1))
    draft = version_draft_create(classifier=classifier, actor=domain_support)
    v2 = version_publish(
        version=draft, valid_from=dt.date(2025, 1, 1), actor=domain_support, notify_consumers=False
    )
    with pytest.raises(ValidationError) as err, no_audit_event():
        version_update_dates(
            version=v1, valid_from=dt.date(2024, 1, 1), valid_to=dt.date(2025, 1, 1), actor=domain_support
        )
    assert "valid_to" in err.value.message_dict
    with exactly_one_audit_event("classifiers.version_updated"):
        version_update_dates(
            version=v2, valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2025, 12, 31), actor=domain_support
        )
    v2.refresh_from_db()
    assert v2.valid_to == dt.date(2025, 12, 31) and v2.etag == content_hash(v2)


def test_a_retired_parent_cannot_keep_active_children(domain_support: Any) -> None:
    draft = _draft(domain_support)
    a = item_add(version=draft, code="A", name_et="A", actor=domain_support)
    item_add(version=draft, code="B", name_et="B", parent_code="A", actor=domain_support)
    with pytest.raises(ValidationError) as err, no_audit_event():
        item_retire(item=a, actor=domain_support)
    assert "B" in err.value.message_dict["code"][0]


def test_auditor_and_viewer_change_nothing(auditor: Any, test_manager: Any, domain_support: Any) -> None:
    draft = _draft(domain_support, [("01", "A")])
    item = draft.items.get(code="01")
    for user in (auditor, test_manager):
        with pytest.raises(PermissionDenied), no_audit_event():
            item_add(version=draft, code="02", name_et="B", actor=user)
        with pytest.raises(PermissionDenied), no_audit_event():
            item_change(item=item, name_et="X", actor=user)
        with pytest.raises(PermissionDenied), no_audit_event():
            item_retire(item=item, actor=user)
        with pytest.raises(PermissionDenied), no_audit_event():
            item_remove(item=item, actor=user)
    assert draft.status == VersionStatus.DRAFT and draft.items.get(code="01").name_et == "A"
