"""The classifiers demo data: classifiers of both systems, EHAK in two versions with a correspondence
table, consuming systems, a pending change request and a data dictionary; a second run creates nothing."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest

from tests.factories import UserFactory
from tugi.access.models import ManagedSystem
from tugi.classifiers.demo import load_demo
from tugi.classifiers.models import (
    Attribute,
    ChangeRequest,
    ChangeRequestStatus,
    Classifier,
    ConsumingSystem,
    Correspondence,
    VersionStatus,
)
from tugi.classifiers.selectors import version_at
from tugi.classifiers.selectors_interop import validate_code
from tugi.core.management.commands.demo import DEMO_USERS
from tugi.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(system: Any) -> Any:
    for username, roles, first, last in DEMO_USERS:
        UserFactory(username=username, roles=roles, first_name=first, last_name=last)
    ManagedSystem.objects.create(code="SKAIS", name="Sotsiaalkaitse infosüsteem")
    ManagedSystem.objects.create(code="STAR", name="Sotsiaalteenuste ja -toetuste andmeregister")
    out = io.StringIO()
    load_demo(system, out)
    return out.getvalue()


def test_about_thirty_classifiers_of_both_systems_are_published(loaded: str) -> None:
    assert 28 <= Classifier.objects.count() <= 40
    systems = set(Classifier.objects.values_list("owner_system__code", flat=True))
    assert {"SKAIS", "STAR", None} <= systems
    assert not Classifier.objects.exclude(versions__status=VersionStatus.PUBLISHED).exists()
    assert set(Classifier.objects.values_list("owner__username", flat=True)) == {"domain_support"}
    returns = Classifier.objects.get(code="skais-return-reasons")
    codes = set(returns.versions.get(number=1).items.values_list("code", flat=True))
    assert {"AC01", "AC04", "AC06", "AG01", "MD07", "MS02", "MS03"} <= codes
    benefits = Classifier.objects.get(code="skais-benefit-types")
    item = benefits.versions.get(number=1).items.get(code="LT")
    assert item.attributes["budget_account"] and item.parent_code == "PERE" and item.level == 2


def test_ehak_has_two_versions_around_the_reform_with_a_correspondence(loaded: str) -> None:
    ehak = Classifier.objects.get(code="ehak")
    v1, v2 = version_at(ehak, dt.date(2017, 10, 21)), version_at(ehak, dt.date(2017, 10, 22))
    assert v1 is not None and v2 is not None and (v1.number, v2.number) == (1, 2)
    assert v1.items.filter(parent_code="").count() == 15
    assert v2.items.get(code="0714").parent_code == "0074"
    assert validate_code(ehak, v2, "0349", dt.date(2018, 1, 1)).valid is False
    assert validate_code(ehak, v1, "0349", dt.date(2017, 1, 1)).valid is True
    pairs = set(Correspondence.objects.filter(classifier=ehak).values_list("old_code", "new_code"))
    assert ("0349", "0714") in pairs and ("0115", "0624") in pairs


def test_consumers_change_request_and_dictionary(loaded: str) -> None:
    assert {"skais", "star", "tallinn"} <= set(ConsumingSystem.objects.values_list("code", flat=True))
    request = ChangeRequest.objects.get(classifier__code="skais-benefit-types")
    assert request.status == ChangeRequestStatus.SUBMITTED and request.operations.count() == 2
    assert 250 <= Attribute.objects.count() <= 500
    assert Attribute.objects.filter(classifier__code="ehak").count() >= 2
    assert set(Attribute.objects.values_list("entity__system__code", flat=True)) == {"SKAIS", "STAR"}


def test_a_second_run_creates_nothing(loaded: str, system: Any) -> None:
    events = AuditEvent.objects.count()
    classifiers = Classifier.objects.count()
    load_demo(system, io.StringIO())
    assert AuditEvent.objects.count() == events
    assert Classifier.objects.count() == classifiers
