"""The diff of two versions: added, removed and changed items with every changed field."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.classifiers.factories import ClassifierFactory, published
from tugi.classifiers.models import Item
from tugi.classifiers.selectors_changes import diff, diff_rows

pytestmark = pytest.mark.django_db


def test_the_diff_is_exact(domain_support: Any) -> None:
    classifier = ClassifierFactory(owner=domain_support)
    v1 = published(classifier, [("01", "Vanaduspension"), ("02", "Rahvapension"), ("03", "Toitja")])
    v2 = published(
        classifier,
        [("01", "Vanaduspension"), ("02", "Rahvapension (uus)"), ("04", "Uus")],
        number=2,
        valid_from=dt.date(2025, 1, 1),
    )
    Item.objects.filter(version=v2, code="02").update(
        name_en="National pension", valid_to=dt.date(2025, 12, 31)
    )
    result = diff(v1, v2)
    assert [a["code"] for a in result["added"]] == ["04"]
    assert result["added"][0]["name_et"] == "Uus"
    assert [r["code"] for r in result["removed"]] == ["03"]
    assert result["removed"][0]["name_et"] == "Toitja"
    assert result["unchanged"] == 1
    (changed,) = result["changed"]
    assert changed["code"] == "02"
    assert (changed["name_a"], changed["name_b"]) == ("Rahvapension", "Rahvapension (uus)")
    assert changed["fields"] == [
        {"field": "name_et", "old": "Rahvapension", "new": "Rahvapension (uus)"},
        {"field": "name_en", "old": "", "new": "National pension"},
        {"field": "valid_to", "old": None, "new": dt.date(2025, 12, 31)},
    ]
    rows = diff_rows(result)
    assert rows[0] == ["change", "code", "name_from", "name_to", "field", "old", "new"]
    assert ["added", "04", "", "Uus", "", "", ""] in rows
    assert [
        "changed",
        "02",
        "Rahvapension",
        "Rahvapension (uus)",
        "valid_to",
        None,
        dt.date(2025, 12, 31),
    ] in rows
    assert len(rows) == 1 + 1 + 1 + 3
    assert diff(v1, v1)["changed"] == [] and diff(v1, v1)["unchanged"] == 3
    reverse = diff(v2, v1)
    assert [a["code"] for a in reverse["added"]] == ["03"] and [r["code"] for r in reverse["removed"]] == [
        "04"
    ]
