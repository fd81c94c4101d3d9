"""Freshness checks: overdue reviews, expired active items, stale drafts, missing English names and
duplicate Estonian names; the report page, its CSV export and the owner's desk card."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.classifiers.factories import ClassifierFactory, published
from tugi.classifiers.models import Classifier, ClassifierVersion, ItemStatus
from tugi.classifiers.selectors_classifiers import freshness_findings

pytestmark = pytest.mark.django_db


def _found(user: Any, **kwargs: Any) -> set[tuple[str, str, str]]:
    return {(f["check"], f["classifier"], f["code"]) for f in freshness_findings(user=user, **kwargs)}


def test_every_check_finds_its_case_and_nothing_else(domain_support: Any) -> None:
    today = timezone.localdate()
    fresh = ClassifierFactory(code="fresh", owner=domain_support, last_reviewed_on=today)
    published(fresh, [("01", "A")], name_en="A")
    late = ClassifierFactory(
        code="late", owner=domain_support, last_reviewed_on=today - dt.timedelta(days=366)
    )
    published(late, [("01", "A")], name_en="A")
    items = ClassifierFactory(code="items", owner=domain_support, last_reviewed_on=today)
    version = published(
        items, [("01", "Sama"), ("02", "sama"), ("03", "Kolmas"), ("04", "Neljas")], name_en="x"
    )
    version.items.filter(code="03").update(valid_to=today - dt.timedelta(days=1))
    version.items.filter(code="04").update(valid_to=today - dt.timedelta(days=1), status=ItemStatus.RETIRED)
    version.items.filter(code="01").update(name_en="")
    drafty = ClassifierFactory(code="drafty", owner=domain_support, last_reviewed_on=today)
    published(drafty, [("01", "A")], name_en="A")
    draft = ClassifierVersion.objects.create(classifier=drafty, number=2)
    ClassifierVersion.objects.filter(pk=draft.pk).update(created_at=timezone.now() - dt.timedelta(days=31))
    found = _found(domain_support, today=today)
    assert found == {
        ("review_overdue", "late", ""),
        ("item_expired", "items", "03"),
        ("no_english", "items", "01"),
        ("duplicate_name", "items", "01, 02"),
        ("stale_draft", "drafty", ""),
    }


def test_review_is_overdue_only_after_the_due_day(domain_support: Any) -> None:
    today = timezone.localdate()
    ClassifierFactory(code="a", owner=domain_support, last_reviewed_on=today - dt.timedelta(days=365))
    assert _found(domain_support, today=today) == set()
    assert _found(domain_support, today=today + dt.timedelta(days=1)) == {("review_overdue", "a", "")}


def test_only_my_classifiers_on_my_desk(domain_support: Any, make_user: Any, client_for: Any) -> None:
    from tugi.core.roles import Role

    other = make_user(Role.DOMAIN_SUPPORT, username="other")
    mine = ClassifierFactory(code="mine", owner=other, maintainer=domain_support)
    theirs = ClassifierFactory(code="theirs", owner=other)
    Classifier.objects.filter(pk__in=[mine.pk, theirs.pk]).update(
        created_at=timezone.now() - dt.timedelta(days=400)
    )
    assert {f[1] for f in _found(domain_support, person=domain_support)} == {"mine"}
    desk = client_for(domain_support).get("/").content.decode()
    assert 'data-widget="classifiers-freshness"' in desk
    assert 'data-classifier="mine"' in desk and 'data-classifier="theirs"' not in desk


def test_report_page_and_csv(auditor: Any, client_for: Any) -> None:
    owner = ClassifierFactory(code="late").owner
    Classifier.objects.filter(code="late").update(created_at=timezone.now() - dt.timedelta(days=400))
    client = client_for(auditor)
    url = reverse("classifiers:classifiers_freshness")
    page = client.get(url).content.decode()
    assert 'data-check="review_overdue"' in page
    assert client.get(url, {"check": "no_english"}).context["total"] == 0
    lines = b"".join(client.get(url, {"export": "csv"}).streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and "late" in lines[1]
    assert owner is not None
