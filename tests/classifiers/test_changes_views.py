"""Pages of change requests, the diff, correspondence tables and the data dictionary."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse

from tests.access.factories import SystemFactory
from tests.classifiers.factories import ClassifierFactory, published
from tests.helpers import no_audit_event
from tugi.classifiers.models import Attribute, ChangeRequest, ChangeRequestStatus, Correspondence, Entity
from tugi.classifiers.services.changes import (
    change_operation_add,
    change_request_create,
    change_request_submit,
)
from tugi.core.roles import Role

pytestmark = pytest.mark.django_db

SCHEMA = [{"name": "budget_account", "label": "Budget account", "type": "integer", "required": False}]


@pytest.fixture
def owner(make_user: Any) -> Any:
    return make_user(Role.DOMAIN_SUPPORT, username="owner")


@pytest.fixture
def classifier(owner: Any) -> Any:
    classifier = ClassifierFactory(code="payment-methods", owner=owner, attribute_schema=SCHEMA)
    published(classifier, [("BANK", "Pangaülekanne"), ("POST", "Postiga kojukanne")])
    return classifier


def _submitted(classifier: Any, actor: Any) -> Any:
    request = change_request_create(
        classifier=classifier, title="Sularaha", justification="Uus viis", actor=actor
    )
    change_operation_add(request=request, operation="retire", code="POST", replaced_by="BANK", actor=actor)
    return change_request_submit(request=request, actor=actor)


def test_create_a_request_and_add_an_operation_through_the_forms(
    classifier: Any, domain_support: Any, client_for: Any
) -> None:
    client = client_for(domain_support)
    url = reverse("classifiers:changes_request_create")
    with no_audit_event():
        response = client.post(url, {"classifier": classifier.code, "title": "", "justification": "x"})
    assert response.status_code == 200 and "title" in response.context["form"].errors
    response = client.post(
        url, {"classifier": classifier.code, "title": "Sularaha", "justification": "Uus viis"}
    )
    request = ChangeRequest.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/changes/requests/{request.pk}/")
    add = reverse("classifiers:changes_operation_add", args=[request.pk])
    with no_audit_event():
        response = client.post(
            add, {"operation": "add", "code": "CASH", "name_et": "Sularaha", "attr_budget_account": "abc"}
        )
    assert response.status_code == 200
    assert "whole number" in response.context["form"].errors["attr_budget_account"][0]
    with no_audit_event():
        response = client.post(add, {"operation": "add", "code": "BANK", "name_et": "Uuesti"})
    assert "never reused" in response.context["form"].errors["code"][0]
    response = client.post(
        add, {"operation": "add", "code": "CASH", "name_et": "Sularaha", "attr_budget_account": "4500"}
    )
    assert response.status_code == 302
    assert request.operations.get().values["attributes"] == {"budget_account": 4500}
    response = client.post(add, {"operation": "change", "code": "BANK", "name_en": "Bank transfer"})
    assert request.operations.get(code="BANK").values == {"name_en": "Bank transfer"}
    page = client.get(reverse("classifiers:changes_request_detail", args=[request.pk]))
    assert page.context["may_submit"] and not page.context["may_decide"]
    client.post(reverse("classifiers:changes_request_submit", args=[request.pk]))
    request.refresh_from_db()
    assert request.status == ChangeRequestStatus.SUBMITTED


def test_the_detail_shows_impact_and_only_the_owner_gets_the_decision(
    classifier: Any, domain_support: Any, owner: Any, client_for: Any
) -> None:
    entity = Entity.objects.create(system=SystemFactory(code="SKAIS"), name="payment")
    Attribute.objects.create(
        entity=entity, name="method", data_type="varchar", classifier=classifier, code_counts={"POST": 42}
    )
    request = _submitted(classifier, domain_support)
    url = reverse("classifiers:changes_request_detail", args=[request.pk])
    mine = client_for(domain_support).get(url)
    assert not mine.context["may_decide"]
    assert b'data-attribute="SKAIS.payment.method" data-records="42"' in mine.content
    theirs = client_for(owner).get(url)
    assert theirs.context["may_decide"] and b'id="request-approve"' in theirs.content
    response = client_for(domain_support).post(
        reverse("classifiers:changes_request_decide", args=[request.pk]), {"decision": "approve"}
    )
    assert response.status_code == 400
    assert "segregation of duties" in response.context["decide_form"].non_field_errors()[0]
    desk = client_for(owner).get("/")
    assert b'data-widget="classifiers-changes-waiting"' in desk.content
    response = client_for(owner).post(
        reverse("classifiers:changes_request_decide", args=[request.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == ChangeRequestStatus.APPROVED
    response = client_for(owner).post(
        reverse("classifiers:changes_request_publish", args=[request.pk]), {"valid_from": "2025-05-01"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.published_version.number == 2
    assert Correspondence.objects.filter(old_code="POST", new_code="BANK").exists()


def test_list_filters_and_exports(
    classifier: Any, domain_support: Any, test_manager: Any, client_for: Any
) -> None:
    _submitted(classifier, domain_support)
    client = client_for(test_manager)
    url = reverse("classifiers:changes_request_list")
    assert b"Sularaha" in client.get(url, {"status": "submitted"}).content
    assert b"Sularaha" not in client.get(url, {"status": "approved"}).content
    export = client.get(url, {"export": "csv"})
    assert export["Content-Type"].startswith("text/csv")
    assert "Sularaha" in b"".join(export.streaming_content).decode()
    assert client.get(reverse("classifiers:changes_request_create")).status_code == 200
    assert client_for(ClassifierFactory().owner).get(url).status_code == 403


def test_the_diff_page_and_its_export(classifier: Any, client_for: Any, domain_support: Any) -> None:
    published(
        classifier,
        [("BANK", "Pangaülekanne"), ("CASH", "Sularaha")],
        number=2,
        valid_from=dt.date(2025, 1, 1),
    )
    client = client_for(domain_support)
    url = reverse("classifiers:changes_diff", args=[classifier.code])
    page = client.get(url)
    assert page.context["diff"]["added"][0]["code"] == "CASH"
    assert b'data-change="removed" data-code="POST"' in page.content
    export = client.get(url, {"a": 1, "b": 2, "export": "csv"})
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0] == "change;code;name_from;name_to;field;old;new"
    assert "added;CASH;;Sularaha;;;" in text
    assert client.get(url, {"a": 1, "b": 9}).context["diff"] is None
    assert client.get(reverse("classifiers:changes_diff", args=["nope"])).status_code == 404


def test_correspondence_import_and_export_pages(
    classifier: Any, client_for: Any, domain_support: Any
) -> None:
    published(
        classifier,
        [("BANK", "Pangaülekanne"), ("CASH", "Sularaha")],
        number=2,
        valid_from=dt.date(2025, 1, 1),
    )
    client = client_for(domain_support)
    url = reverse("classifiers:changes_correspondence_import", args=[classifier.code])
    bad = SimpleUploadedFile("c.csv", b"old_code;new_code;note\nPOST;POST;\n")
    response = client.post(url, {"from_version": 1, "to_version": 2, "file": bad})
    assert [(e.line, e.field) for e in response.context["errors"]] == [(2, "new_code")]
    assert b'data-line="2"' in response.content and not Correspondence.objects.exists()
    good = SimpleUploadedFile("c.csv", b"old_code;new_code;note\nPOST;BANK;merged\n")
    response = client.post(url, {"from_version": 1, "to_version": 2, "file": good})
    assert response.context["summary"]["added"] == 1
    listing = reverse("classifiers:changes_correspondence_list", args=[classifier.code])
    assert b'data-old="POST"' in client.get(listing, {"from": 1, "to": 2}).content
    export = client.get(listing, {"export": "csv"})
    assert b"".join(export.streaming_content).decode("utf-8-sig").splitlines() == [
        "old_code;new_code;note",
        "POST;BANK;merged",
    ]


def test_dictionary_pages(classifier: Any, client_for: Any, domain_support: Any, test_manager: Any) -> None:
    SystemFactory(code="SKAIS")
    client = client_for(domain_support)
    url = reverse("classifiers:dictionary_import")
    header = b"system;entity;entity_description;attribute;type;description;classifier\n"
    bad = SimpleUploadedFile("d.csv", header + b"SKAIS;payment;;method;varchar;;nope\n")
    response = client.post(url, {"kind": "dictionary", "file": bad})
    assert [(e.line, e.field) for e in response.context["errors"]] == [(2, "classifier")]
    assert not Attribute.objects.exists()
    good = SimpleUploadedFile(
        "d.csv", header + b"SKAIS;payment;Payments;method;varchar;How paid;payment-methods\n"
    )
    response = client.post(url, {"kind": "dictionary", "file": good})
    assert response.context["summary"]["counts"]["added"] == 1
    counts = SimpleUploadedFile(
        "c.csv", b"system;entity;attribute;code;count\nSKAIS;payment;method;BANK;10\n"
    )
    response = client.post(url, {"kind": "counts", "file": counts})
    assert response.context["summary"]["attributes"] == 1
    listing = client_for(test_manager).get(reverse("classifiers:dictionary_list"), {"system": "SKAIS"})
    assert b'data-attribute="SKAIS.payment.method"' in listing.content
    assert client_for(test_manager).get(url).status_code == 403
    html = render_to_string("classifiers/dictionary_usage.html", {"classifier": classifier})
    assert 'data-attribute="SKAIS.payment.method"' in html
    html = render_to_string("classifiers/dictionary_usage.html", {"classifier": ClassifierFactory()})
    assert 'id="usage-none"' in html
