"""The rights catalogue: managed systems, catalogue import (CSV and JSON) and editing a right."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from tests.access.factories import ProfileFactory, RightFactory, SystemFactory
from tests.helpers import exactly_one_audit_event, no_audit_event
from tugi.access import selectors_catalogue
from tugi.access.models import ManagedSystem, Right, RightStatus
from tugi.access.services import catalogue
from tugi.core.imports import ImportError_

pytestmark = pytest.mark.django_db

HEADER = "code;name_et;name_en;description;module;sensitivity"


def csv_file(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode("utf-8")


GOOD = csv_file(
    "PENS_VIEW;Pensionide vaatamine;View pensions;Sees pension decisions;pensions;personal_data",
    "PAY_APPROVE;Maksete kinnitamine;Approve payments;;payments;payments",
    "CLS_EDIT;Klassifikaatorite muutmine;Edit classifiers;;classifiers;",
)


def _import(system: Any, content: bytes, actor: Any, fmt: str = "csv") -> dict[str, Any]:
    return catalogue.catalogue_import(system=system, content=content, fmt=fmt, actor=actor, reason="test")


def _errors(system: Any, content: bytes, actor: Any, fmt: str = "csv") -> list[tuple[int, str]]:
    with no_audit_event(), pytest.raises(ImportError_) as err:
        _import(system, content, actor, fmt)
    return [(e.line, e.field) for e in err.value.errors]


def test_system_create_writes_one_event_and_refuses_a_duplicate_code(domain_support: Any) -> None:
    with exactly_one_audit_event("access.system_created") as events:
        system = catalogue.system_create(code="STAR", name="STAR register", actor=domain_support)
    assert events[0].after["code"] == "STAR"
    with no_audit_event(), pytest.raises(ValidationError) as err:
        catalogue.system_create(code="STAR", name="Another", actor=domain_support)
    assert "code" in err.value.message_dict
    assert ManagedSystem.objects.filter(code="STAR").count() == 1 and system.pk


def test_a_good_csv_adds_every_right_with_one_event(domain_support: Any) -> None:
    system = SystemFactory()
    with exactly_one_audit_event("access.catalogue_imported") as events:
        summary = _import(system, GOOD, domain_support)
    assert summary["counts"] == {"added": 3, "changed": 0, "vanished": 0, "reactivated": 0, "unchanged": 0}
    assert summary["added"] == ["CLS_EDIT", "PAY_APPROVE", "PENS_VIEW"]
    pens = Right.objects.get(system=system, code="PENS_VIEW")
    assert (pens.name_en, pens.module, pens.sensitivity) == ("View pensions", "pensions", "personal_data")
    assert Right.objects.get(code="CLS_EDIT").sensitivity == "none"
    event = events[0]
    assert event.object_id == str(system.pk)
    assert event.before == {"active": 0, "vanished": 0}
    assert event.after["active"] == 3 and event.after["added"] == summary["added"]
    assert event.reason == "test"


def test_reimporting_the_same_file_changes_nothing_and_writes_no_event(domain_support: Any) -> None:
    system = SystemFactory()
    _import(system, GOOD, domain_support)
    stamps = dict(Right.objects.values_list("code", "updated_at"))
    with no_audit_event():
        summary = _import(system, GOOD, domain_support)
    assert summary["counts"]["unchanged"] == 3
    assert all(summary["counts"][k] == 0 for k in ("added", "changed", "vanished", "reactivated"))
    assert dict(Right.objects.values_list("code", "updated_at")) == stamps


def test_changed_rights_are_updated_and_the_event_keeps_before_and_after(domain_support: Any) -> None:
    system = SystemFactory()
    _import(system, GOOD, domain_support)
    changed = csv_file(
        "PENS_VIEW;Pensionide vaatamine;View pension decisions;Sees pension decisions;pensions;personal_data",
        "PAY_APPROVE;Maksete kinnitamine;Approve payments;;payments;payments",
        "CLS_EDIT;Klassifikaatorite muutmine;Edit classifiers;;classifiers;admin",
    )
    with exactly_one_audit_event("access.catalogue_imported") as events:
        summary = _import(system, changed, domain_support)
    assert summary["changed"] == ["CLS_EDIT", "PENS_VIEW"]
    assert events[0].after["changes"] == {
        "CLS_EDIT": {"sensitivity": ["none", "admin"]},
        "PENS_VIEW": {"name_en": ["View pensions", "View pension decisions"]},
    }
    assert Right.objects.get(code="CLS_EDIT").sensitivity == "admin"


def test_missing_rights_vanish_but_are_kept_and_reappear_active(domain_support: Any) -> None:
    system = SystemFactory()
    _import(system, GOOD, domain_support)
    unused = Right.objects.get(code="CLS_EDIT")
    with exactly_one_audit_event("access.catalogue_imported") as events:
        summary = _import(system, csv_file(GOOD.decode().splitlines()[1]), domain_support)
    assert summary["vanished"] == ["CLS_EDIT", "PAY_APPROVE"]
    assert events[0].after["counts"]["vanished"] == 2
    unused.refresh_from_db()  # still there although no profile ever used it
    assert unused.status == RightStatus.VANISHED and unused.vanished_on == timezone.localdate()
    assert Right.objects.filter(system=system).count() == 3

    with exactly_one_audit_event("access.catalogue_imported"):
        summary = _import(system, GOOD, domain_support)
    assert summary["reactivated"] == ["CLS_EDIT", "PAY_APPROVE"]
    assert summary["counts"]["added"] == 0
    unused.refresh_from_db()
    assert unused.status == RightStatus.ACTIVE and unused.vanished_on is None


def test_vanished_rights_still_in_profiles_in_force_are_shown(domain_support: Any) -> None:
    system = SystemFactory()
    _import(system, GOOD, domain_support)
    pay = Right.objects.get(code="PAY_APPROVE")
    ProfileFactory(system=system, code="PAYMENTS", content__rights=[pay])
    ProfileFactory(system=system, code="OLD_DRAFT", status="draft", content__rights=[pay])
    summary = _import(system, csv_file(GOOD.decode().splitlines()[1]), domain_support)
    assert set(summary["vanished"]) == {"PAY_APPROVE", "CLS_EDIT"}
    assert selectors_catalogue.vanished_in_use(system=system) == {"PAY_APPROVE": ["PAYMENTS"]}


def test_a_json_catalogue_is_imported_like_csv(domain_support: Any) -> None:
    system = SystemFactory(code="STAR")
    items = [
        {
            "code": "CASE_VIEW",
            "name_et": "Menetluste vaatamine",
            "name_en": "View cases",
            "description": "",
            "module": "cases",
            "sensitivity": "personal_data",
        },
        {
            "code": "REPORTS",
            "name_et": "Aruanded",
            "name_en": "",
            "description": "",
            "module": "reports",
            "sensitivity": "none",
        },
    ]
    content = json.dumps(items).encode()
    with exactly_one_audit_event("access.catalogue_imported"):
        summary = _import(system, content, domain_support, "json")
    assert summary["added"] == ["CASE_VIEW", "REPORTS"]
    with no_audit_event():
        assert _import(system, content, domain_support, "json")["counts"]["unchanged"] == 2


def test_bad_csv_lists_every_bad_line_and_field_and_stores_nothing(domain_support: Any) -> None:
    system = SystemFactory()
    bad = csv_file(
        "PENS_VIEW;Pensionide vaatamine;;;pensions;none",
        ";Nimeta;;;pensions;none",
        "PENS_VIEW;Topelt;;;pensions;none",
        "PAY;Maksed;;;payments;secret",
        "EMPTY_NAME;;;;payments;none",
    )
    assert _errors(system, bad, domain_support) == [
        (3, "code"),
        (4, "code"),
        (5, "sensitivity"),
        (6, "name_et"),
    ]
    assert not Right.objects.exists()


def test_a_missing_column_rejects_the_file(domain_support: Any) -> None:
    system = SystemFactory()
    content = csv_file("PENS_VIEW;Pensionid;;pensions;none", header="code;name_et;name_en;module;sensitivity")
    assert _errors(system, content, domain_support) == [(1, "description")]
    assert not Right.objects.exists()


def test_a_line_with_too_few_fields_is_reported_with_the_others(domain_support: Any) -> None:
    system = SystemFactory()
    content = csv_file("A;Aa;;;m;none", "B;Bb", "C;Cc;;;m;weird")
    assert _errors(system, content, domain_support) == [(3, ""), (4, "sensitivity")]


def test_bad_json_names_the_item_and_field(domain_support: Any) -> None:
    system = SystemFactory()
    full = {"name_et": "Nimi", "name_en": "", "description": "", "module": "m", "sensitivity": "none"}
    items = [
        {**full, "code": "A"},
        {**full, "code": ""},
        {**full, "code": "A"},
        {k: v for k, v in full.items() if k != "module"} | {"code": "B"},
        "not an object",
        {**full, "code": "C", "sensitivity": "top"},
    ]
    assert _errors(system, json.dumps(items).encode(), domain_support, "json") == [
        (2, "code"),
        (3, "code"),
        (4, "module"),
        (5, ""),
        (6, "sensitivity"),
    ]
    with translation.override("en"):
        with pytest.raises(ImportError_) as err:
            _import(system, json.dumps(items).encode(), domain_support, "json")
        assert str(err.value.errors[0]) == "item 2, code: The code is empty."
    assert _errors(system, b'{"code": "A"}', domain_support, "json") == [(1, "")]
    assert _errors(system, b"[{", domain_support, "json") == [(1, "")]
    assert not Right.objects.exists()


def test_an_empty_catalogue_is_refused_rather_than_vanishing_everything(domain_support: Any) -> None:
    system = SystemFactory()
    _import(system, GOOD, domain_support)
    assert _errors(system, csv_file(), domain_support) == [(1, "")]
    assert not Right.objects.filter(status=RightStatus.VANISHED).exists()


def test_an_unknown_format_is_refused(domain_support: Any) -> None:
    with no_audit_event(), pytest.raises(ValidationError) as err:
        _import(SystemFactory(), GOOD, domain_support, "xml")
    assert "fmt" in err.value.message_dict


def test_auditor_and_test_manager_cannot_import_or_edit(auditor: Any, test_manager: Any) -> None:
    system = SystemFactory()
    right = RightFactory(system=system)
    for user in (auditor, test_manager):
        with no_audit_event(), pytest.raises(PermissionDenied):
            _import(system, GOOD, user)
        with no_audit_event(), pytest.raises(PermissionDenied):
            catalogue.right_update(right=right, name_et="Uus", actor=user)
        with no_audit_event(), pytest.raises(PermissionDenied):
            catalogue.system_create(code="NEW", name="New", actor=user)
    assert not Right.objects.exclude(pk=right.pk).exists()


def test_right_update_writes_before_and_after_and_refuses_bad_values(domain_support: Any) -> None:
    right = RightFactory(name_et="Vana nimi")
    with exactly_one_audit_event("access.right_updated") as events:
        catalogue.right_update(right=right, name_et="Uus nimi", sensitivity="payments", actor=domain_support)
    assert events[0].before["name_et"] == "Vana nimi" and events[0].after["name_et"] == "Uus nimi"
    assert events[0].after["sensitivity"] == "payments"
    with no_audit_event():
        catalogue.right_update(right=right, name_et="Uus nimi", actor=domain_support)
    for values, field in (({"name_et": " "}, "name_et"), ({"sensitivity": "secret"}, "sensitivity")):
        with no_audit_event(), pytest.raises(ValidationError) as err:
            catalogue.right_update(right=right, actor=domain_support, **values)
        assert field in err.value.message_dict
    right.refresh_from_db()
    assert (right.name_et, right.sensitivity) == ("Uus nimi", "payments")


def test_right_holders_say_whether_directly_or_through_inclusion(domain_support: Any) -> None:
    right = RightFactory()
    base = ProfileFactory(code="BASE", content__rights=[right])
    top = ProfileFactory(code="TOP", content__includes=[base])
    ProfileFactory(code="OTHER")
    holders = selectors_catalogue.right_holders(right=right)
    assert [(h["profile"].code, h["direct"]) for h in holders] == [("BASE", True), ("TOP", False)]
    assert top
