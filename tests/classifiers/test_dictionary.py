"""The data dictionary of STAR and SKAIS: import validated whole, usage of a classifier, records per code."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from tests.access.factories import SystemFactory
from tests.classifiers.factories import ClassifierFactory
from tests.helpers import exactly_one_audit_event, no_audit_event
from tugi.classifiers.models import Attribute, Entity
from tugi.classifiers.selectors_dictionary import usage, usage_rows
from tugi.classifiers.services.dictionary import dictionary_code_counts_import, dictionary_import
from tugi.core.imports import ImportError_

pytestmark = pytest.mark.django_db

HEADER = "system;entity;entity_description;attribute;type;description;classifier\n"


@pytest.fixture
def setup(db: Any) -> Any:
    SystemFactory(code="SKAIS")
    SystemFactory(code="STAR")
    return ClassifierFactory(code="benefit-types")


def _file(*lines: str) -> bytes:
    return (HEADER + "\n".join(lines) + "\n").encode()


GOOD = _file(
    "SKAIS;benefit;Benefits paid;type_code;varchar(10);Benefit type;benefit-types",
    "SKAIS;benefit;;amount;numeric(12,2);Amount;",
    "STAR;case;Cases;benefit;varchar(10);Benefit asked for;benefit-types",
)


def test_import_creates_entities_and_attributes_with_one_event_and_again_changes_nothing(
    setup: Any, domain_support: Any
) -> None:
    with exactly_one_audit_event("classifiers.dictionary_imported") as events:
        summary = dictionary_import(content=GOOD, actor=domain_support)
    assert summary["counts"] == {
        "entities_added": 2,
        "entities_changed": 0,
        "added": 3,
        "changed": 0,
        "unchanged": 0,
    }
    assert events[0].after["counts"]["added"] == 3
    assert Entity.objects.get(name="benefit").description == "Benefits paid"
    assert Attribute.objects.get(name="type_code").classifier == setup
    assert Attribute.objects.get(name="amount").classifier is None
    with no_audit_event():
        again = dictionary_import(content=GOOD, actor=domain_support)
    assert again["counts"]["unchanged"] == 3 and again["counts"]["added"] == 0


def test_import_updates_and_leaves_missing_attributes_alone(setup: Any, domain_support: Any) -> None:
    dictionary_import(content=GOOD, actor=domain_support)
    changed = _file("SKAIS;benefit;;type_code;varchar(20);Benefit type;")
    with exactly_one_audit_event("classifiers.dictionary_imported") as events:
        summary = dictionary_import(content=changed, actor=domain_support)
    assert summary["changed"] == ["SKAIS.benefit.type_code"]
    assert events[0].after["changes"]["SKAIS.benefit.type_code"]["classifier"] == ["benefit-types", None]
    attribute = Attribute.objects.get(name="type_code")
    assert attribute.data_type == "varchar(20)" and attribute.classifier is None
    assert Attribute.objects.count() == 3
    assert Entity.objects.get(name="benefit").description == "Benefits paid"


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ("TEHIK;benefit;;type_code;varchar;;", "system", "Unknown system"),
        ("SKAIS;benefit;;kind;varchar;;nope", "classifier", "Unknown classifier"),
        ("SKAIS;;;type_code;varchar;;", "entity", "entity name is empty"),
        ("SKAIS;benefit;;;varchar;;", "attribute", "attribute name is empty"),
        ("SKAIS;benefit;;amount;numeric;;", "attribute", "already on line 3"),
        ("SKAIS;benefit;;x;varchar", "", "Expected 7 fields"),
    ],
)
def test_a_bad_file_names_the_line_and_stores_nothing(
    setup: Any, domain_support: Any, line: str, column: str, message: str
) -> None:
    content = _file(
        "SKAIS;benefit;;type_code;varchar;;benefit-types", "SKAIS;benefit;;amount;numeric;;", line
    )
    with pytest.raises(ImportError_) as err, no_audit_event():
        dictionary_import(content=content, actor=domain_support)
    assert [(e.line, e.field) for e in err.value.errors] == [(4, column)]
    assert message in err.value.errors[0].message
    assert not Entity.objects.exists() and not Attribute.objects.exists()


def test_a_file_without_the_header_is_refused(setup: Any, domain_support: Any) -> None:
    with pytest.raises(ImportError_) as err:
        dictionary_import(content=b"system;entity\nSKAIS;x\n", actor=domain_support)
    assert {e.field for e in err.value.errors} >= {"attribute", "classifier"}


def test_readers_cannot_import(setup: Any, test_manager: Any) -> None:
    with pytest.raises(PermissionDenied), no_audit_event():
        dictionary_import(content=GOOD, actor=test_manager)


def test_usage_lists_the_attributes_taking_values_from_a_classifier(setup: Any, domain_support: Any) -> None:
    dictionary_import(content=GOOD, actor=domain_support)
    assert [(a.entity.system.code, a.entity.name, a.name) for a in usage(setup)] == [
        ("SKAIS", "benefit", "type_code"),
        ("STAR", "case", "benefit"),
    ]
    assert not usage(ClassifierFactory()).exists()


def test_record_counts_are_stored_per_attribute(setup: Any, domain_support: Any) -> None:
    dictionary_import(content=GOOD, actor=domain_support)
    counts = (
        b"system;entity;attribute;code;count\nSKAIS;benefit;type_code;01;120\nSKAIS;benefit;type_code;02;7\n"
    )
    with exactly_one_audit_event("classifiers.dictionary_code_counts_imported"):
        dictionary_code_counts_import(content=counts, actor=domain_support)
    assert Attribute.objects.get(name="type_code").code_counts == {"01": 120, "02": 7}
    assert usage_rows(setup)[0]["records"] == 127
    with no_audit_event():
        dictionary_code_counts_import(content=counts, actor=domain_support)


@pytest.mark.parametrize(
    ("line", "column"),
    [
        ("SKAIS;benefit;nope;01;1", "attribute"),
        ("TEHIK;benefit;type_code;01;1", "system"),
        ("SKAIS;benefit;type_code;01;-1", "count"),
        ("SKAIS;benefit;type_code;01;many", "count"),
        ("SKAIS;benefit;type_code;;1", "code"),
        ("SKAIS;benefit;type_code;02;1", "code"),
    ],
)
def test_bad_record_counts_name_the_line_and_store_nothing(
    setup: Any, domain_support: Any, line: str, column: str
) -> None:
    dictionary_import(content=GOOD, actor=domain_support)
    content = f"system;entity;attribute;code;count\nSKAIS;benefit;type_code;02;5\n{line}\n".encode()
    with pytest.raises(ImportError_) as err, no_audit_event():
        dictionary_code_counts_import(content=content, actor=domain_support)
    assert [(e.line, e.field) for e in err.value.errors] == [(3, column)]
    assert Attribute.objects.get(name="type_code").code_counts == {}
