"""Pages and API of the rights catalogue: systems, rights, the import page and the import API."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.access.factories import ProfileFactory, RightFactory, SystemFactory
from tests.base import ViewContract
from tests.helpers import assert_queries_do_not_grow, exactly_one_audit_event, no_audit_event
from tugi.access.models import ManagedSystem, Right, RightStatus
from tugi.core.roles import Role

pytestmark = pytest.mark.django_db

HEADER = "code;name_et;name_en;description;module;sensitivity"
GOOD = (
    f"{HEADER}\n"
    "PENS_VIEW;Pensionide vaatamine;View pensions;;pensions;personal_data\n"
    "PAY_APPROVE;Maksete kinnitamine;Approve payments;;payments;payments\n"
)
API = "/api/v1/access"
_codes = itertools.count(1)


class TestSystemViews(ViewContract):
    list_url = "access:catalogue_system_list"
    create_url = "access:catalogue_system_create"
    editor_role = Role.DOMAIN_SUPPORT
    viewer_role = Role.TEST_MANAGER
    create_event = "access.system_created"

    def make(self) -> Any:
        system = SystemFactory(code=f"SYS{next(_codes)}")
        RightFactory(system=system)
        return system

    def detail_url(self, obj: Any) -> str:
        return reverse("access:catalogue_system_detail", args=[obj.code])

    def create_data(self) -> dict[str, Any]:
        return {"code": "STAR", "name": "Sotsiaalteenuste register", "reason": "new system"}

    def bad_data(self) -> tuple[dict[str, Any], str]:
        return {"code": "not a code!", "name": "Bad"}, "code"

    def created(self, data: dict[str, Any]) -> Any:
        return ManagedSystem.objects.filter(code=data["code"])


def _upload(content: str, name: str = "catalogue.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode("utf-8"), content_type="text/csv")


def test_import_page_shows_the_summary_and_vanished_rights_in_use(
    domain_support: Any, client_for: Any
) -> None:
    system = SystemFactory()
    client = client_for(domain_support)
    url = reverse("access:catalogue_import", args=[system.code])
    assert client.get(url).status_code == 200
    with exactly_one_audit_event("access.catalogue_imported"):
        response = client.post(url, {"file": _upload(GOOD), "fmt": "csv", "reason": "first load"})
    html = response.content.decode()
    assert 'id="import-summary"' in html and 'data-added="2"' in html
    assert Right.objects.filter(system=system).count() == 2

    ProfileFactory(system=system, code="PAYMENTS", content__rights=[Right.objects.get(code="PAY_APPROVE")])
    only_pens = f"{HEADER}\nPENS_VIEW;Pensionide vaatamine;View pensions;;pensions;personal_data\n"
    html = client.post(url, {"file": _upload(only_pens), "fmt": "csv"}).content.decode()
    assert 'data-vanished="1"' in html
    assert 'id="vanished-in-use"' in html and 'data-right="PAY_APPROVE"' in html and "PAYMENTS" in html


def test_import_page_lists_bad_lines_and_stores_nothing(domain_support: Any, client_for: Any) -> None:
    system = SystemFactory()
    bad = f"{HEADER}\nA;Aa;;;m;none\n;Nimeta;;;m;none\nC;Cc;;;m;wrong\n"
    with no_audit_event():
        response = client_for(domain_support).post(
            reverse("access:catalogue_import", args=[system.code]), {"file": _upload(bad), "fmt": "csv"}
        )
    html = response.content.decode()
    assert 'id="import-errors"' in html
    assert 'data-line="3" data-column="code"' in html and 'data-line="4" data-column="sensitivity"' in html
    assert not Right.objects.exists()


def test_import_page_takes_json(domain_support: Any, client_for: Any) -> None:
    system = SystemFactory()
    items = [
        {
            "code": "CASE_VIEW",
            "name_et": "Menetlused",
            "name_en": "",
            "description": "",
            "module": "cases",
            "sensitivity": "",
        }
    ]
    response = client_for(domain_support).post(
        reverse("access:catalogue_import", args=[system.code]),
        {"file": _upload(json.dumps(items), "catalogue.json"), "fmt": "json"},
    )
    assert 'data-added="1"' in response.content.decode()


def test_auditor_and_test_manager_cannot_import(auditor: Any, test_manager: Any, client_for: Any) -> None:
    system = SystemFactory()
    url = reverse("access:catalogue_import", args=[system.code])
    for user in (auditor, test_manager):
        client = client_for(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"file": _upload(GOOD), "fmt": "csv"}).status_code == 403
    assert not Right.objects.exists()


def test_system_detail_filters_and_exports_its_rights(auditor: Any, client_for: Any) -> None:
    system = SystemFactory()
    RightFactory(system=system, code="PENS_VIEW", module="pensions", sensitivity="personal_data")
    RightFactory(system=system, code="PAY_APPROVE", module="payments", sensitivity="payments")
    RightFactory(system=system, code="OLD", module="payments", status=RightStatus.VANISHED)
    RightFactory(system=SystemFactory(code="STAR"), code="CASE_VIEW", module="cases")
    client = client_for(auditor)
    url = reverse("access:catalogue_system_detail", args=[system.code])

    def codes(**params: str) -> set[str]:
        html = client.get(url, params).content.decode()
        return {c for c in ("PENS_VIEW", "PAY_APPROVE", "OLD", "CASE_VIEW") if f'data-right="{c}"' in html}

    assert codes() == {"PENS_VIEW", "PAY_APPROVE", "OLD"}
    assert codes(module="payments") == {"PAY_APPROVE", "OLD"}
    assert codes(sensitivity="personal_data") == {"PENS_VIEW"}
    assert codes(status="vanished") == {"OLD"}
    response = client.get(url, {"export": "csv", "status": "active"})
    lines = b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 3 and any("PENS_VIEW" in line for line in lines)


def test_system_detail_query_count_does_not_grow(auditor: Any, client_for: Any) -> None:
    system = SystemFactory()
    RightFactory(system=system)
    client = client_for(auditor)
    url = reverse("access:catalogue_system_detail", args=[system.code])
    client.get(url)
    assert_queries_do_not_grow(
        lambda: [RightFactory(system=system) for _ in range(5)], lambda: client.get(url)
    )


def test_right_detail_shows_the_profiles_granting_it(test_manager: Any, client_for: Any) -> None:
    right = RightFactory(code="PENS_VIEW")
    base = ProfileFactory(code="BASE", content__rights=[right])
    ProfileFactory(code="TOP", content__includes=[base])
    html = (
        client_for(test_manager)
        .get(reverse("access:catalogue_right_detail", args=[right.pk]))
        .content.decode()
    )
    assert 'data-profile="BASE" data-direct="yes"' in html
    assert 'data-profile="TOP" data-direct="no"' in html
    assert 'id="right-edit"' not in html


def test_right_edit_writes_one_event_and_names_a_bad_field(
    domain_support: Any, auditor: Any, client_for: Any
) -> None:
    right = RightFactory(name_et="Vana")
    url = reverse("access:catalogue_right_edit", args=[right.pk])
    data = {"name_et": "Uus", "name_en": "", "description": "", "module": "pensions", "sensitivity": "admin"}
    assert client_for(auditor).post(url, data).status_code == 403
    client = client_for(domain_support)
    with no_audit_event():
        response = client.post(url, {**data, "name_et": ""})
    assert response.status_code == 200 and 'data-field="name_et"' in response.content.decode()
    with exactly_one_audit_event("access.right_updated") as events:
        assert client.post(url, data).status_code == 302
    assert events[0].before["name_et"] == "Vana" and events[0].after["sensitivity"] == "admin"


def test_nav_and_search_find_systems_and_rights(domain_support: Any, make_user: Any, client_for: Any) -> None:
    right = RightFactory(code="OVERPAY_DECIDE", name_et="Enammaksete otsustamine")
    client = client_for(domain_support)
    html = client.get(reverse("core:desk")).content.decode()
    assert reverse("access:catalogue_system_list") in html
    html = client.post(reverse("core:search"), {"q": "enammakse"}).content.decode()
    assert reverse("access:catalogue_right_detail", args=[right.pk]) in html
    html = client_for(make_user()).post(reverse("core:search"), {"q": "enammakse"}).content.decode()
    assert reverse("access:catalogue_right_detail", args=[right.pk]) not in html


# --- API ------------------------------------------------------------------------------------------


def test_api_lists_systems_and_filtered_rights(auditor: Any, client_for: Any) -> None:
    system = SystemFactory()
    RightFactory(system=system, code="PENS_VIEW", module="pensions")
    RightFactory(system=system, code="OLD", module="pensions", status=RightStatus.VANISHED)
    client = client_for(auditor)
    body = client.get(f"{API}/systems").json()
    assert [(s["code"], s["rights_active"], s["rights_vanished"]) for s in body["items"]] == [("SKAIS", 1, 1)]
    body = client.get(f"{API}/systems/SKAIS/rights", {"status": "active"}).json()
    assert [r["code"] for r in body["items"]] == ["PENS_VIEW"] and body["items"][0]["system"] == "SKAIS"
    assert client.get(f"{API}/systems/NOPE/rights").status_code == 404


def test_api_import_answers_a_summary_or_422_with_lines(domain_support: Any, client_for: Any) -> None:
    SystemFactory()
    client = client_for(domain_support)
    url = f"{API}/systems/SKAIS/catalogue"
    response = client.post(url, {"content": GOOD, "format": "csv"}, content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["counts"]["added"] == 2 and body["added"] == ["PAY_APPROVE", "PENS_VIEW"]
    assert body["vanished_in_use"] == {}
    with no_audit_event():
        again = client.post(url, {"content": GOOD, "format": "csv"}, content_type="application/json")
    assert again.json()["counts"]["unchanged"] == 2

    bad = f"{HEADER}\nA;Aa;;;m;none\nA;Bb;;;m;none\n"
    with no_audit_event():
        response = client.post(url, {"content": bad, "format": "csv"}, content_type="application/json")
    assert response.status_code == 422
    assert [(e["line"], e["field"]) for e in response.json()["lines"]] == [(3, "code")]
    response = client.post(url, {"content": GOOD, "format": "xml"}, content_type="application/json")
    assert response.status_code == 422
    assert Right.objects.count() == 2


def test_api_import_is_forbidden_to_readers(auditor: Any, client_for: Any) -> None:
    SystemFactory()
    response = client_for(auditor).post(
        f"{API}/systems/SKAIS/catalogue", {"content": GOOD, "format": "csv"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not Right.objects.exists()
