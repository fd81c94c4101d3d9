"""Import and export of a version's items: CSV, XLSX and JSON, all or nothing, round trips exact."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from tests.classifiers.factories import ClassifierFactory, published
from tests.helpers import exactly_one_audit_event, no_audit_event
from tugi.classifiers.models import ClassifierVersion, ItemStatus
from tugi.classifiers.selectors_classifiers import export_json, export_rows, export_xlsx
from tugi.classifiers.services.classifiers import item_add, items_import
from tugi.classifiers.services.versions import ITEM_FIELDS, version_draft_create, version_publish
from tugi.core.imports import ImportError_

pytestmark = pytest.mark.django_db

SCHEMA = [
    {"name": "budget_account", "label": "Budget account", "type": "string"},
    {"name": "rate", "label": "Rate", "type": "decimal"},
    {"name": "monthly", "label": "Monthly", "type": "boolean"},
    {"name": "since", "label": "Since", "type": "date"},
    {"name": "weight", "label": "Weight", "type": "integer"},
]
HEADER = "code;name_et;name_en;description;parent_code;order;valid_from;valid_to;status"


def _csv(rows: list[list[Any]]) -> bytes:
    return "\n".join(";".join("" if v is None else str(v) for v in row) for row in rows).encode("utf-8")


def _rich_version(owner: Any) -> ClassifierVersion:
    """A published version with a hierarchy, validity, a retired item, attributes and odd characters."""
    classifier = ClassifierFactory(owner=owner, attribute_schema=SCHEMA)
    draft = ClassifierVersion.objects.create(classifier=classifier, number=1)
    item_add(version=draft, code="01", name_et="Pensionid; kõik", name_en="Pensions", actor=owner)
    item_add(
        version=draft,
        code="0101",
        name_et='Vanaduspension "ennetähtaegne"',
        description="Rida üks\nRida kaks",
        parent_code="01",
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2030, 12, 31),
        attributes={
            "budget_account": "4500",
            "rate": "1.50",
            "monthly": True,
            "since": "2020-01-01",
            "weight": 3,
        },
        actor=owner,
    )
    item_add(
        version=draft, code="02", name_et="Toetused", order=7, attributes={"monthly": False}, actor=owner
    )
    item_add(version=draft, code="03", name_et="Vana toetus", actor=owner)
    from tugi.classifiers.services.classifiers import item_retire

    item_retire(item=draft.items.get(code="03"), valid_to=dt.date(2024, 12, 31), actor=owner)
    return version_publish(version=draft, valid_from=dt.date(2024, 1, 1), actor=owner, notify_consumers=False)


def _items(version: ClassifierVersion) -> list[tuple[Any, ...]]:
    return list(version.items.order_by("code").values_list(*ITEM_FIELDS))


def _export(version: ClassifierVersion, fmt: str) -> bytes:
    if fmt == "json":
        return export_json(version)
    if fmt == "xlsx":
        return export_xlsx(version)
    out = io.StringIO()
    import csv

    csv.writer(out, delimiter=";").writerows(export_rows(version))
    return out.getvalue().encode("utf-8")


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_round_trip_loses_nothing(domain_support: Any, fmt: str) -> None:
    v1 = _rich_version(domain_support)
    content = _export(v1, fmt)
    draft = version_draft_create(classifier=v1.classifier, actor=domain_support)
    draft.items.all().delete()  # start from nothing: the file alone must rebuild the version
    with exactly_one_audit_event("classifiers.items_imported"):
        summary = items_import(version=draft, content=content, fmt=fmt, actor=domain_support)
    assert summary["rows"] == 4
    assert _items(draft) == _items(v1)


def test_csv_header_has_one_column_per_attribute(domain_support: Any) -> None:
    v1 = _rich_version(domain_support)
    header = next(export_rows(v1))
    assert ";".join(header) == HEADER + ";attr:budget_account;attr:rate;attr:monthly;attr:since;attr:weight"
    data = json.loads(export_json(v1))
    assert data[1]["attributes"]["rate"] == "1.50" and data[1]["parent_code"] == "01"


def test_importing_the_same_file_again_changes_nothing(domain_support: Any) -> None:
    v1 = _rich_version(domain_support)
    draft = version_draft_create(classifier=v1.classifier, actor=domain_support)
    with no_audit_event():
        summary = items_import(version=draft, content=_export(v1, "csv"), fmt="csv", actor=domain_support)
    assert summary["counts"] == {"added": 0, "removed": 0, "changed": 0, "unchanged": 4}


def test_a_bad_csv_names_every_line_and_stores_nothing(domain_support: Any) -> None:
    classifier = ClassifierFactory(owner=domain_support, attribute_schema=SCHEMA)
    draft = ClassifierVersion.objects.create(classifier=classifier, number=1)
    item_add(version=draft, code="X", name_et="Olemas", actor=domain_support)
    content = _csv(
        [
            [*HEADER.split(";"), "attr:rate"],
            ["A", "Esimene", "", "", "", "1", "2025-01-01", "2024-01-01", "", ""],
            ["B", "", "", "", "Z", "x", "01.01.2025", "", "gone", "abc"],
            ["A", "Kordus", "", "", "", "", "", "", "", ""],
        ]
    )
    with pytest.raises(ImportError_) as err, no_audit_event():
        items_import(version=draft, content=content, fmt="csv", actor=domain_support)
    found = {(e.line, e.field) for e in err.value.errors}
    assert {
        (2, "valid_to"),
        (3, "name_et"),
        (3, "order"),
        (3, "valid_from"),
        (3, "status"),
        (3, "attr:rate"),
        (4, "code"),
    } <= found
    assert "line 3, name_et" in str(err.value)
    assert list(draft.items.values_list("code", flat=True)) == ["X"]


def test_a_bad_parent_in_a_file_is_named(domain_support: Any) -> None:
    draft = ClassifierVersion.objects.create(classifier=ClassifierFactory(owner=domain_support), number=1)
    content = _csv(
        [HEADER.split(";"), ["A", "A", "", "", "B", "", "", "", ""], ["B", "B", "", "", "A", "", "", "", ""]]
    )
    with pytest.raises(ImportError_) as err, no_audit_event():
        items_import(version=draft, content=content, fmt="csv", actor=domain_support)
    assert {(e.line, e.field) for e in err.value.errors} == {(2, "parent_code"), (3, "parent_code")}
    content = _csv([HEADER.split(";"), ["A", "A", "", "", "Q", "", "", "", ""]])
    with pytest.raises(ImportError_) as err:
        items_import(version=draft, content=content, fmt="csv", actor=domain_support)
    assert "Q" in str(err.value)


def test_a_code_of_an_earlier_version_must_stay_in_the_file(domain_support: Any) -> None:
    classifier = ClassifierFactory(owner=domain_support)
    published(classifier, [("01", "Vana"), ("02", "Teine")])
    draft = version_draft_create(classifier=classifier, actor=domain_support)
    content = _csv([HEADER.split(";"), ["02", "Teine", "", "", "", "", "", "", ""]])
    with pytest.raises(ImportError_) as err, no_audit_event():
        items_import(version=draft, content=content, fmt="csv", actor=domain_support)
    assert "01" in str(err.value) and "never deleted" in str(err.value)
    assert draft.items.count() == 2
    content = _csv(
        [
            HEADER.split(";"),
            ["01", "Vana", "", "", "", "", "", "2025-01-31", "retired"],
            ["02", "Teine", "", "", "", "", "", "", ""],
        ]
    )
    with exactly_one_audit_event("classifiers.items_imported"):
        items_import(version=draft, content=content, fmt="csv", actor=domain_support)
    assert draft.items.get(code="01").status == ItemStatus.RETIRED


def test_a_retired_code_cannot_come_back_by_import(domain_support: Any) -> None:
    classifier = ClassifierFactory(owner=domain_support)
    published(classifier, [("01", "Vana")], status=ItemStatus.RETIRED)
    draft = version_draft_create(classifier=classifier, actor=domain_support)
    content = _csv([HEADER.split(";"), ["01", "Vana", "", "", "", "", "", "", "active"]])
    with pytest.raises(ImportError_) as err, no_audit_event():
        items_import(version=draft, content=content, fmt="csv", actor=domain_support)
    assert [(e.line, e.field) for e in err.value.errors] == [(2, "status")]
    assert "never reused" in str(err.value)


def test_a_bad_json_names_the_item(domain_support: Any) -> None:
    draft = ClassifierVersion.objects.create(
        classifier=ClassifierFactory(owner=domain_support, attribute_schema=SCHEMA), number=1
    )
    content = json.dumps(
        [
            {"code": "A", "name_et": "A"},
            {"code": "B", "name_et": "B", "colour": "red"},
            {"code": "C", "name_et": "C", "attributes": {"weight": "many"}},
            "text",
        ]
    ).encode()
    with pytest.raises(ImportError_) as err, no_audit_event():
        items_import(version=draft, content=content, fmt="json", actor=domain_support)
    assert {(e.line, e.field) for e in err.value.errors} == {(2, "colour"), (3, "attributes.weight"), (4, "")}
    assert "item 3, attributes.weight" in str(err.value)
    with pytest.raises(ImportError_) as err:
        items_import(version=draft, content=b"{not json", fmt="json", actor=domain_support)
    assert "not valid JSON" in str(err.value)
    assert not draft.items.exists()


def test_a_bad_xlsx_names_the_row(domain_support: Any) -> None:
    from openpyxl import Workbook

    draft = ClassifierVersion.objects.create(classifier=ClassifierFactory(owner=domain_support), number=1)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(";"))
    sheet.append(["A", "A", "", "", "", 1, dt.datetime(2025, 1, 1), None, "active"])
    sheet.append(["B", None, "", "", "", "x", None, None, None])
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(ImportError_) as err, no_audit_event():
        items_import(version=draft, content=out.getvalue(), fmt="xlsx", actor=domain_support)
    assert {(e.line, e.field) for e in err.value.errors} == {(3, "name_en"), (3, "name_et"), (3, "order")} - {
        (3, "name_en")
    }
    assert "row 3, name_et" in str(err.value)
    with pytest.raises(ImportError_) as err:
        items_import(version=draft, content=b"not a workbook", fmt="xlsx", actor=domain_support)
    assert "XLSX" in str(err.value)
    assert not draft.items.exists()


def test_an_excel_date_cell_is_read_as_a_date(domain_support: Any) -> None:
    from openpyxl import Workbook

    draft = ClassifierVersion.objects.create(classifier=ClassifierFactory(owner=domain_support), number=1)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(";"))
    sheet.append(["A", "A", None, None, None, 1, dt.datetime(2025, 1, 1), None, None])
    out = io.BytesIO()
    workbook.save(out)
    items_import(version=draft, content=out.getvalue(), fmt="xlsx", actor=domain_support)
    assert draft.items.get().valid_from == dt.date(2025, 1, 1)


def test_a_published_version_is_not_imported_into(domain_support: Any) -> None:
    version = published(ClassifierFactory(owner=domain_support), [("01", "A")])
    content = _csv([HEADER.split(";"), ["01", "Uus nimi", "", "", "", "", "", "", ""]])
    with pytest.raises(ValidationError), no_audit_event():
        items_import(version=version, content=content, fmt="csv", actor=domain_support)
    assert version.items.get().name_et == "A"


def test_an_unknown_column_is_refused(domain_support: Any) -> None:
    draft = ClassifierVersion.objects.create(classifier=ClassifierFactory(owner=domain_support), number=1)
    content = _csv([[*HEADER.split(";"), "attr:colour"], ["A", "A", "", "", "", "", "", "", "", "red"]])
    with pytest.raises(ImportError_) as err, no_audit_event():
        items_import(version=draft, content=content, fmt="csv", actor=domain_support)
    assert [(e.line, e.field) for e in err.value.errors] == [(1, "attr:colour")]
