"""Guidance and trainings: testing guides with review dates, trainings with materials and
participants, and who has been trained on what (page and CSV)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.factories import GuideFactory, UserFactory
from tests.helpers import exactly_one_audit_event, no_audit_event
from tests.testing.factories import TrainingFactory, TrainingParticipantFactory
from tugi.testing.models import Training, TrainingMaterial, TrainingParticipant
from tugi.testing.selectors_reports import training_matrix
from tugi.testing.services.trainings import (
    training_create,
    training_material_add,
    training_participants_set,
)

pytestmark = pytest.mark.django_db


def test_create_with_participants_is_one_audit_event(test_manager: Any) -> None:
    anna, ben = UserFactory(username="anna"), UserFactory(username="ben")
    with exactly_one_audit_event("testing.training_created") as events:
        training = training_create(
            topic="Risk-based testing",
            held_on=timezone.localdate(),
            participants=[ben, anna, anna],
            actor=test_manager,
        )
    assert events[0].after["participants"] == ["anna", "ben"]
    assert sorted(training.participants.values_list("user__username", "attended")) == [
        ("anna", False),
        ("ben", False),
    ]


def test_bad_input_names_the_field_and_changes_nothing(test_manager: Any, domain_support: Any) -> None:
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        training_create(topic="", held_on=timezone.localdate(), actor=test_manager)
    assert "topic" in exc.value.message_dict
    with no_audit_event(), pytest.raises(PermissionDenied):
        training_create(topic="Test design", held_on=timezone.localdate(), actor=domain_support)
    assert not Training.objects.exists()


def test_attendance_is_set_for_participants_only(test_manager: Any) -> None:
    anna, ben, cai = (UserFactory(username=n) for n in ("anna", "ben", "cai"))
    training = TrainingFactory()
    TrainingParticipantFactory(training=training, user=anna, attended=False)
    TrainingParticipantFactory(training=training, user=ben, attended=False)
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        training_participants_set(training=training, participants=[anna], attended=[ben], actor=test_manager)
    assert "attended" in exc.value.message_dict
    assert TrainingParticipant.objects.filter(training=training).count() == 2

    with exactly_one_audit_event("testing.training_participants_set") as events:
        training_participants_set(
            training=training, participants=[anna, cai], attended=[anna], actor=test_manager
        )
    assert events[0].before == {"anna": False, "ben": False}
    assert events[0].after == {"anna": True, "cai": False}
    assert dict(training.participants.values_list("user__username", "attended")) == {
        "anna": True,
        "cai": False,
    }
    with no_audit_event():  # the same again changes nothing
        training_participants_set(
            training=training, participants=[anna, cai], attended=[anna], actor=test_manager
        )


def test_materials_are_a_link_or_a_file(
    test_manager: Any, client_for: Any, settings: Any, tmp_path: Any
) -> None:
    settings.DATA_DIR = tmp_path
    training = TrainingFactory()
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        training_material_add(training=training, title="Nothing", actor=test_manager)
    assert "url" in exc.value.message_dict
    with exactly_one_audit_event("testing.training_material_added"):
        training_material_add(
            training=training, title="Slides", url="https://example.org/s", actor=test_manager
        )
    client = client_for(test_manager)
    response = client.post(
        f"/testing/trainings/{training.pk}/materials/new/",
        {"title": "", "file": SimpleUploadedFile("checklist.pdf", b"%PDF-1.4 demo", "application/pdf")},
    )
    assert response.status_code == 302
    material = TrainingMaterial.objects.get(file_name="checklist.pdf")
    assert material.title == "checklist.pdf"
    page = client.get(f"/testing/trainings/{training.pk}/").content.decode()
    assert "https://example.org/s" in page
    download = client.get(f"/testing/trainings/{training.pk}/materials/{material.pk}/")
    assert download.status_code == 200 and download.content == b"%PDF-1.4 demo"


def test_who_has_been_trained_on_what(test_manager: Any, client_for: Any) -> None:
    today = timezone.localdate()
    anna = UserFactory(username="anna", first_name="Anna", last_name="Tamm")
    ben = UserFactory(username="ben", first_name="Ben", last_name="Saar")
    old = TrainingFactory(topic="Test design", held_on=today - dt.timedelta(days=400))
    new = TrainingFactory(topic="Test design", held_on=today - dt.timedelta(days=10))
    junit = TrainingFactory(topic="JUnit imports", held_on=today - dt.timedelta(days=5))
    TrainingParticipantFactory(training=old, user=anna)
    TrainingParticipantFactory(training=new, user=anna)
    TrainingParticipantFactory(training=junit, user=ben)
    TrainingParticipantFactory(training=junit, user=anna, attended=False)  # invited, did not come

    matrix = training_matrix(user=test_manager)
    assert matrix["topics"] == ["JUnit imports", "Test design"]
    assert [(r["user"].username, r["dates"]) for r in matrix["rows"]] == [
        ("anna", [None, new.held_on]),
        ("ben", [junit.held_on, None]),
    ]
    client = client_for(test_manager)
    assert 'data-user="anna"' in client.get("/testing/trainings/who-trained/").content.decode()
    csv = b"".join(client.get("/testing/trainings/who-trained/?export=csv").streaming_content).decode(
        "utf-8-sig"
    )
    lines = csv.strip().splitlines()
    assert lines[0] == "User;Name;JUnit imports;Test design"
    assert lines[1] == f"anna;Anna Tamm;;{new.held_on:%d.%m.%Y}"


def test_guidance_lists_testing_guides_with_review_dates(test_manager: Any, client_for: Any) -> None:
    today = timezone.localdate()
    GuideFactory(
        slug="uat-guide", title="UAT guide", area="testing", last_reviewed_on=today - dt.timedelta(days=10)
    )
    GuideFactory(
        slug="old-guide",
        title="Regression guide",
        area="testing",
        review_interval_days=30,
        last_reviewed_on=today - dt.timedelta(days=60),
    )
    GuideFactory(slug="pay-guide", title="Payments guide", area="finance", last_reviewed_on=today)
    page = client_for(test_manager).get("/testing/guidance/").content.decode()
    assert 'data-guide="old-guide" data-overdue="true"' in page
    assert 'data-guide="uat-guide" data-overdue="false"' in page
    assert "pay-guide" not in page
    assert page.index("old-guide") < page.index("uat-guide")  # the earliest review date first


def test_training_pages(test_manager: Any, domain_support: Any, client_for: Any) -> None:
    client = client_for(test_manager)
    response = client.post(
        "/testing/trainings/new/",
        {
            "topic": "Exploratory testing",
            "held_on": timezone.localdate().isoformat(),
            "participants": [domain_support.pk],
        },
    )
    training = Training.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/testing/trainings/{training.pk}/"
    client.post(
        f"/testing/trainings/{training.pk}/participants/",
        {"participants": [domain_support.pk], "attended": [domain_support.pk]},
    )
    assert TrainingParticipant.objects.get().attended
    assert "Exploratory testing" in client.get("/testing/trainings/").content.decode()
    ds = client_for(domain_support)
    assert ds.get(f"/testing/trainings/{training.pk}/").status_code == 200
    assert ds.get("/testing/trainings/new/").status_code == 403
    assert ds.get(f"/testing/trainings/{training.pk}/participants/").status_code == 403
    api = client.get("/api/v1/testing/trainings").json()
    assert api[0]["participants"] == [{"username": "ds", "attended": True}]
