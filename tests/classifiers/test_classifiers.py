"""Classifiers and consuming systems: create, edit, review, retire; and their pages."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.access.factories import SystemFactory
from tests.base import ViewContract
from tests.classifiers.factories import ClassifierFactory, ConsumingSystemFactory, published
from tests.factories import PartnerFactory
from tests.helpers import exactly_one_audit_event, no_audit_event
from tugi.classifiers.models import Classifier, ClassifierStatus, ClassifierVersion, ConsumingSystem
from tugi.classifiers.services.classifiers import (
    classifier_create,
    classifier_retire,
    classifier_review_confirm,
    classifier_update,
    consumer_create,
    consumer_update,
)
from tugi.classifiers.services.versions import version_draft_create
from tugi.core.models import AuditEvent
from tugi.core.roles import Role

pytestmark = pytest.mark.django_db
_n = itertools.count(1)


def test_create_a_classifier_with_its_consumers_and_attribute_definition(domain_support: Any) -> None:
    skais = SystemFactory(code="SKAIS")
    consumer = ConsumingSystemFactory()
    with exactly_one_audit_event("classifiers.classifier_created") as events:
        classifier = classifier_create(
            code="pension-types",
            name_et="Pensioni liigid",
            owner_system=skais,
            owner=domain_support,
            legal_basis="Riikliku pensionikindlustuse seadus",
            consumers=[consumer],
            review_interval_days=180,
            attribute_schema=[{"name": "budget_account", "type": "string"}],
            actor=domain_support,
        )
    assert classifier.status == ClassifierStatus.DRAFT
    assert list(classifier.consumers.all()) == [consumer]
    assert classifier.attribute_schema[0]["label"] == "budget_account"
    assert events[0].after["consumers"] == [consumer.pk]


def test_a_bad_attribute_definition_is_refused(domain_support: Any) -> None:
    for schema in ([{"name": "Bad Name"}], [{"name": "a", "type": "colour"}], "[not json"):
        with pytest.raises(ValidationError) as err, no_audit_event():
            classifier_create(
                code="x", name_et="X", owner=domain_support, attribute_schema=schema, actor=domain_support
            )
        assert "attribute_schema" in err.value.message_dict
    assert not Classifier.objects.exists()


def test_update_keeps_the_code_and_writes_one_event(domain_support: Any) -> None:
    classifier = ClassifierFactory(owner=domain_support)
    with pytest.raises(ValidationError) as err, no_audit_event():
        classifier_update(classifier=classifier, code="other", actor=domain_support)
    assert "code" in err.value.message_dict
    with exactly_one_audit_event("classifiers.classifier_updated") as events:
        classifier_update(classifier=classifier, name_en="Pension types", actor=domain_support)
    assert events[0].before["name_en"] != events[0].after["name_en"] == "Pension types"
    with no_audit_event():
        classifier_update(classifier=classifier, name_en="Pension types", actor=domain_support)


def test_review_confirm_and_retire(domain_support: Any) -> None:
    classifier = ClassifierFactory(owner=domain_support)
    with exactly_one_audit_event("classifiers.classifier_reviewed"):
        classifier_review_confirm(classifier=classifier, actor=domain_support)
    classifier.refresh_from_db()
    assert classifier.last_reviewed_on == timezone.localdate()
    with pytest.raises(ValidationError), no_audit_event():
        classifier_review_confirm(
            classifier=classifier, on=timezone.localdate() + dt.timedelta(days=1), actor=domain_support
        )
    with exactly_one_audit_event("classifiers.classifier_retired"):
        classifier_retire(classifier=classifier, actor=domain_support)
    classifier.refresh_from_db()
    assert classifier.status == ClassifierStatus.RETIRED
    with pytest.raises(ValidationError), no_audit_event():
        classifier_retire(classifier=classifier, actor=domain_support)


def test_a_classifier_with_an_open_draft_is_not_retired(domain_support: Any) -> None:
    classifier = ClassifierFactory(owner=domain_support)
    published(classifier, [("01", "A")])
    version_draft_create(classifier=classifier, actor=domain_support)
    with pytest.raises(ValidationError) as err, no_audit_event():
        classifier_retire(classifier=classifier, actor=domain_support)
    assert "status" in err.value.message_dict


def test_consumers(domain_support: Any) -> None:
    partner = PartnerFactory()
    with exactly_one_audit_event("classifiers.consumer_created"):
        consumer = consumer_create(
            code="star", name="STAR", partner=partner, contact_email="star@example.com", actor=domain_support
        )
    with pytest.raises(ValidationError) as err, no_audit_event():
        consumer_update(consumer=consumer, contact_email="not an address", actor=domain_support)
    assert "contact_email" in err.value.message_dict
    with pytest.raises(ValidationError) as err, no_audit_event():
        consumer_create(code="star", name="Teine", actor=domain_support)
    assert "code" in err.value.message_dict


def test_auditor_and_viewer_change_nothing(auditor: Any, test_manager: Any, domain_support: Any) -> None:
    classifier = ClassifierFactory(owner=domain_support)
    for user in (auditor, test_manager):
        with pytest.raises(PermissionDenied), no_audit_event():
            classifier_create(code="x", name_et="X", owner=domain_support, actor=user)
        with pytest.raises(PermissionDenied), no_audit_event():
            classifier_update(classifier=classifier, name_et="Y", actor=user)
        with pytest.raises(PermissionDenied), no_audit_event():
            classifier_review_confirm(classifier=classifier, actor=user)
        with pytest.raises(PermissionDenied), no_audit_event():
            classifier_retire(classifier=classifier, actor=user)
        with pytest.raises(PermissionDenied), no_audit_event():
            consumer_create(code="c", name="C", actor=user)


class TestClassifierViews(ViewContract):
    list_url = "classifiers:classifiers_list"
    create_url = "classifiers:classifiers_create"
    editor_role = Role.DOMAIN_SUPPORT
    viewer_role = Role.TEST_MANAGER
    create_event = "classifiers.classifier_created"
    update_event = "classifiers.classifier_updated"

    def make(self) -> Any:
        classifier = ClassifierFactory(code=f"cls-{next(_n)}")
        published(classifier, [("01", "A")])
        return classifier

    def detail_url(self, obj: Any) -> str:
        return reverse("classifiers:classifiers_detail", args=[obj.code])

    def create_data(self) -> dict[str, Any]:
        from tests.factories import UserFactory

        owner = UserFactory()
        return {
            "code": "payment-methods",
            "name_et": "Makseviisid",
            "owner": owner.pk,
            "review_interval_days": 365,
            "attribute_schema": '[{"name": "bank", "type": "boolean"}]',
        }

    def bad_data(self) -> tuple[dict[str, Any], str]:
        data = self.create_data()
        data["attribute_schema"] = '[{"name": "Bad Name"}]'
        return data, "attribute_schema"

    def created(self, data: dict[str, Any]) -> Any:
        return Classifier.objects.filter(code=data["code"])

    def edit_url(self, obj: Any) -> str:
        return reverse("classifiers:classifiers_edit", args=[obj.code])

    def edit_data(self, obj: Any) -> dict[str, Any]:
        return {"name_et": "Uus nimi", "owner": obj.owner_id, "review_interval_days": 90}


class TestConsumerViews(ViewContract):
    list_url = "classifiers:classifiers_consumer_list"
    create_url = "classifiers:classifiers_consumer_create"
    editor_role = Role.DOMAIN_SUPPORT
    viewer_role = Role.TEST_MANAGER
    create_event = "classifiers.consumer_created"
    update_event = "classifiers.consumer_updated"

    def make(self) -> Any:
        return ConsumingSystemFactory()

    def detail_url(self, obj: Any) -> str:
        return reverse("classifiers:classifiers_consumer_edit", args=[obj.pk])

    def create_data(self) -> dict[str, Any]:
        return {
            "code": "kov-register",
            "name": "Omavalitsuse register",
            "contact_email": "it@kov.example.com",
        }

    def bad_data(self) -> tuple[dict[str, Any], str]:
        return {"code": "kov", "name": "KOV", "contact_email": "nope"}, "contact_email"

    def created(self, data: dict[str, Any]) -> Any:
        return ConsumingSystem.objects.filter(code=data["code"])

    def edit_url(self, obj: Any) -> str:
        return reverse("classifiers:classifiers_consumer_edit", args=[obj.pk])

    def edit_data(self, obj: Any) -> dict[str, Any]:
        return {"code": obj.code, "name": "Uus nimi", "contact_email": ""}

    def test_auditor_reads_list_and_detail(self, auditor: Any, client_for: Any) -> None:
        obj = self.make()
        client = client_for(auditor)
        assert client.get(reverse(self.list_url)).status_code == 200
        assert client.get(self.detail_url(obj)).status_code == 403  # the "detail" is the edit form


def test_list_filters(domain_support: Any, client_for: Any) -> None:
    skais = SystemFactory(code="SKAIS")
    old = ClassifierFactory(code="old", owner_system=skais, owner=domain_support)
    Classifier.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=400))
    ClassifierFactory(code="fresh", owner=domain_support)
    client = client_for(domain_support)
    url = reverse("classifiers:classifiers_list")

    def codes(**params: Any) -> list[str]:
        response = client.get(url, params)
        return [r.record.code for r in response.context["table"].rows]

    assert codes(overdue="true") == ["old"]
    assert codes(overdue="false") == ["fresh"]
    assert codes(owner_system=skais.pk) == ["old"]
    assert codes(owner_system="shared") == ["fresh"]
    assert codes(status="draft") == ["fresh", "old"]


def test_detail_shows_versions_and_the_version_in_force(domain_support: Any, client_for: Any) -> None:
    classifier = ClassifierFactory(owner=domain_support)
    published(classifier, [("01", "A")], valid_from=dt.date(2020, 1, 1))
    version_draft_create(classifier=classifier, actor=domain_support)
    page = client_for(domain_support).get(reverse("classifiers:classifiers_detail", args=[classifier.code]))
    html = page.content.decode()
    assert 'data-version="2" data-status="draft"' in html
    assert 'data-version="1" data-status="published" data-in-force="1"' in html
    assert 'id="version-open-draft"' in html


def test_other_topics_paths_are_not_taken_by_classifier_codes(domain_support: Any, client_for: Any) -> None:
    client = client_for(domain_support)
    assert client.get("/classifiers/no-such-classifier/").status_code == 404


def test_version_page_exports_and_filters_by_date(domain_support: Any, client_for: Any) -> None:
    classifier = ClassifierFactory(owner=domain_support)
    version = published(classifier, [("01", "A"), ("02", "B")])
    version.items.filter(code="02").update(valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2025, 1, 31))
    client = client_for(domain_support)
    url = reverse("classifiers:classifiers_version", args=[classifier.code, 1])
    codes = [i.code for i in client.get(url, {"at": "2025-01-31"}).context["items"]]
    assert codes == ["01", "02"]
    codes = [i.code for i in client.get(url, {"at": "2025-02-01"}).context["items"]]
    assert codes == ["01"]
    assert client.get(url, {"at": "31.01.2025"}).context["bad_at"]
    csv = b"".join(client.get(url, {"export": "csv"}).streaming_content).decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("code;name_et;name_en")
    assert client.get(url, {"export": "xlsx"})["Content-Type"].startswith("application/vnd.openxml")
    assert client.get(url, {"export": "json"}).json()[0]["code"] == "01"


def test_item_pages_add_edit_retire_and_remove(domain_support: Any, client_for: Any) -> None:
    classifier = ClassifierFactory(
        owner=domain_support, attribute_schema=[{"name": "weight", "type": "integer", "required": True}]
    )
    draft = ClassifierVersion.objects.create(classifier=classifier, number=1)
    client = client_for(domain_support)
    add = reverse("classifiers:classifiers_item_add", args=[classifier.code, 1])
    count = AuditEvent.objects.count()
    response = client.post(add, {"code": "A", "name_et": "A", "attributes.weight": "many"})
    assert response.status_code == 200 and "attributes.weight" in response.context["form"].errors
    assert AuditEvent.objects.count() == count and not draft.items.exists()
    assert client.post(add, {"code": "A", "name_et": "A", "attributes.weight": "3"}).status_code == 302
    item = draft.items.get()
    assert item.attributes == {"weight": 3}
    edit = reverse("classifiers:classifiers_item_edit", args=[classifier.code, 1, item.pk])
    assert client.post(edit, {"name_et": "Uus", "attributes.weight": "4"}).status_code == 302
    retire = reverse("classifiers:classifiers_item_retire", args=[classifier.code, 1, item.pk])
    assert client.post(retire, {"valid_to": "2025-12-31"}).status_code == 302
    item.refresh_from_db()
    assert (item.name_et, item.attributes, item.status) == ("Uus", {"weight": 4}, "retired")
    remove = reverse("classifiers:classifiers_item_remove", args=[classifier.code, 1, item.pk])
    assert client.post(remove).status_code == 302
    assert not draft.items.exists()


def test_publish_page_and_new_draft_button(domain_support: Any, client_for: Any) -> None:
    classifier = ClassifierFactory(owner=domain_support)
    client = client_for(domain_support)
    new = reverse("classifiers:classifiers_version_create", args=[classifier.code])
    response = client.post(new)
    assert response["Location"] == reverse("classifiers:classifiers_version", args=[classifier.code, 1])
    publish = reverse("classifiers:classifiers_version_publish", args=[classifier.code, 1])
    response = client.post(publish, {"valid_from": "2025-01-01"})
    assert response.status_code == 200
    assert "An empty version cannot be published." in response.context["form"].non_field_errors()
    assert ClassifierVersion.objects.get(classifier=classifier).status == "draft"  # empty: refused
    ClassifierVersion.objects.get(classifier=classifier).items.create(code="01", name_et="A")
    assert client.post(publish, {"valid_from": "2025-01-01"}).status_code == 302
    assert ClassifierVersion.objects.get(classifier=classifier).status == "published"


def test_import_page_lists_bad_lines(domain_support: Any, client_for: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    classifier = ClassifierFactory(owner=domain_support)
    ClassifierVersion.objects.create(classifier=classifier, number=1)
    url = reverse("classifiers:classifiers_items_import", args=[classifier.code, 1])
    content = b"code;name_et;name_en;description;parent_code;order;valid_from;valid_to;status\nA;;;;;;;;\n"
    response = client_for(domain_support).post(
        url, {"fmt": "csv", "file": SimpleUploadedFile("items.csv", content, content_type="text/csv")}
    )
    html = response.content.decode()
    assert 'data-line="2" data-column="name_et"' in html
