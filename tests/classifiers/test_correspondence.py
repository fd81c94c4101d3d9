"""Correspondence tables between two versions: import validated whole, export."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.classifiers.factories import ClassifierFactory, published
from tests.helpers import exactly_one_audit_event, no_audit_event
from tugi.classifiers.models import Correspondence
from tugi.classifiers.services.changes import correspondence_import
from tugi.core.imports import ImportError_

pytestmark = pytest.mark.django_db


@pytest.fixture
def versions(domain_support: Any) -> Any:
    classifier = ClassifierFactory(code="ehak", owner=domain_support)
    v1 = published(classifier, [("0001", "Harju maakond"), ("0002", "Tallinn"), ("0003", "Keila vald")])
    v2 = published(
        classifier,
        [("0001", "Harju maakond"), ("0002", "Tallinn"), ("0004", "Lääne-Harju vald")],
        number=2,
        valid_from=dt.date(2017, 10, 22),
    )
    return classifier, v1, v2


GOOD = b"old_code;new_code;note\n0003;0004;merged in 2017\n0002;0002;\n"


def test_import_stores_the_table_once_and_again_changes_nothing(versions: Any, domain_support: Any) -> None:
    classifier, v1, v2 = versions
    with exactly_one_audit_event("classifiers.correspondence_imported"):
        summary = correspondence_import(
            classifier=classifier, from_version=v1, to_version=v2, content=GOOD, actor=domain_support
        )
    assert summary["added"] == 2
    assert list(Correspondence.objects.values_list("old_code", "new_code", "note")) == [
        ("0002", "0002", ""),
        ("0003", "0004", "merged in 2017"),
    ]
    with no_audit_event():
        correspondence_import(
            classifier=classifier, from_version=v1, to_version=v2, content=GOOD, actor=domain_support
        )
    with exactly_one_audit_event("classifiers.correspondence_imported"):
        correspondence_import(
            classifier=classifier,
            from_version=v1,
            to_version=v2,
            content=b"old_code;new_code\n0003;0004\n",
            actor=domain_support,
        )
    assert Correspondence.objects.count() == 1


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ("0004;0004;", "old_code", "Version 1 has no code 0004"),
        ("0003;0003;", "new_code", "Version 2 has no code 0003"),
        (";0004;", "old_code", "old code is empty"),
        ("0003;0004;", "new_code", "already on line 2"),
        ("0003", "", "Expected 3 fields"),
    ],
)
def test_a_bad_file_names_the_line_and_stores_nothing(
    versions: Any, domain_support: Any, line: str, column: str, message: str
) -> None:
    classifier, v1, v2 = versions
    content = f"old_code;new_code;note\n0003;0004;\n{line}\n".encode()
    with pytest.raises(ImportError_) as err, no_audit_event():
        correspondence_import(
            classifier=classifier, from_version=v1, to_version=v2, content=content, actor=domain_support
        )
    assert [(e.line, e.field) for e in err.value.errors] == [(3, column)]
    assert message in err.value.errors[0].message
    assert not Correspondence.objects.exists()


def test_versions_must_be_two_of_the_classifier(versions: Any, domain_support: Any) -> None:
    classifier, v1, v2 = versions
    other = published(ClassifierFactory(), [("0003", "X")])
    with pytest.raises(ValidationError):
        correspondence_import(
            classifier=classifier, from_version=other, to_version=v2, content=GOOD, actor=domain_support
        )
    with pytest.raises(ValidationError):
        correspondence_import(
            classifier=classifier, from_version=v1, to_version=v1, content=GOOD, actor=domain_support
        )


def test_readers_cannot_import(versions: Any, test_manager: Any) -> None:
    classifier, v1, v2 = versions
    with pytest.raises(PermissionDenied), no_audit_event():
        correspondence_import(
            classifier=classifier, from_version=v1, to_version=v2, content=GOOD, actor=test_manager
        )
