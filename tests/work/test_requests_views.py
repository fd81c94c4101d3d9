"""Pages and API of development requests, proposals and tasks: the view contract, the lifecycle
buttons, analytic input, sign-off, delivery link, exports, and the API's list and export."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.access.factories import RightFactory
from tests.base import ViewContract
from tests.delivery.factories import DeliveryFactory
from tests.helpers import assert_queries_do_not_grow
from tests.work.factories import (
    AttributeFactory,
    DevelopmentRequestFactory,
    ProposalFactory,
    TaskFactory,
    with_reviewers,
)
from tugi.core.models import AuditEvent
from tugi.core.roles import Role
from tugi.work.models import DevelopmentRequest, ImprovementProposal, RequestComment, Task

pytestmark = pytest.mark.django_db
BASE = "/api/v1/work"


class TestRequestViews(ViewContract):
    list_url = "work:request_list"
    create_url = "work:request_create"
    editor_role = Role.DOMAIN_SUPPORT
    viewer_role = None
    create_event = "work.request_created"
    update_event = "work.request_updated"

    def make(self) -> Any:
        return DevelopmentRequestFactory()

    def detail_url(self, obj: Any) -> str:
        return reverse("work:request_detail", args=[obj.pk])

    def create_data(self) -> dict[str, Any]:
        attribute = AttributeFactory(name="pensioni_liik")
        return {
            "title": "Toitjakaotuspensioni ümberarvutus",
            "background": "Muudatus seaduses.",
            "goal": "Arvutus vastab seadusele.",
            "system": "SKAIS",
            "attributes": [attribute.pk],
            "priority": "normal",
            "reason": "uus lähteülesanne",
        }

    def bad_data(self) -> tuple[dict[str, Any], str]:
        data = self.create_data()
        data["desired_date"] = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
        return data, "desired_date"

    def created(self, data: dict[str, Any]) -> Any:
        return DevelopmentRequest.objects.filter(title=data["title"])

    def edit_url(self, obj: Any) -> str:
        return reverse("work:request_edit", args=[obj.pk])

    def edit_data(self, obj: Any) -> dict[str, Any]:
        return {
            "title": obj.title,
            "background": obj.background,
            "goal": "Uus eesmärk.",
            "system": obj.system,
            "priority": obj.priority,
        }


class TestProposalViews(ViewContract):
    list_url = "work:proposal_list"
    create_url = "work:proposal_create"
    editor_role = Role.TEST_MANAGER
    viewer_role = None
    create_event = "work.proposal_created"

    def make(self) -> Any:
        return ProposalFactory()

    def detail_url(self, obj: Any) -> str:
        return reverse("work:proposal_detail", args=[obj.pk])

    def create_data(self) -> dict[str, Any]:
        from tests.factories import UserFactory

        decider = UserFactory(username="otsustaja")
        return {
            "title": "Testandmete kataloog",
            "problem": "Testandmeid otsitakse kaua.",
            "proposal": "Pidada kataloogi.",
            "expected_benefit": "Kiirem testimine.",
            "decider": decider.pk,
        }

    def bad_data(self) -> tuple[dict[str, Any], str]:
        data = self.create_data()
        data["expected_benefit"] = ""
        return data, "expected_benefit"

    def created(self, data: dict[str, Any]) -> Any:
        return ImprovementProposal.objects.filter(title=data["title"])


class TestTaskViews(ViewContract):
    list_url = "work:task_list"
    create_url = "work:task_create"
    editor_role = Role.DOMAIN_SUPPORT
    viewer_role = None
    create_event = "work.task_created"

    def make(self) -> Any:
        return TaskFactory()

    def detail_url(self, obj: Any) -> str:
        return reverse("work:task_detail", args=[obj.pk])

    def create_data(self) -> dict[str, Any]:
        from tests.factories import UserFactory

        assignee = UserFactory(username="tegija")
        return {
            "title": "Uuenda testimise juhend",
            "assignee": assignee.pk,
            "due_on": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
        }

    def bad_data(self) -> tuple[dict[str, Any], str]:
        data = self.create_data()
        data["due_on"] = "32.13.2026"
        return data, "due_on"

    def created(self, data: dict[str, Any]) -> Any:
        return Task.objects.filter(title=data["title"])


def test_tasks_are_seen_only_by_assignee_and_manager(make_user: Any, client_for: Any) -> None:
    task = TaskFactory()
    stranger = make_user(Role.DOMAIN_SUPPORT)
    assert client_for(stranger).get(reverse("work:task_detail", args=[task.pk])).status_code == 404
    assert client_for(task.assignee).get(reverse("work:task_detail", args=[task.pk])).status_code in (
        200,
        404,
    )


def test_request_page_moves_comments_signs_off_and_links(
    domain_support: Any, test_manager: Any, client_for: Any
) -> None:
    req = with_reviewers(DevelopmentRequestFactory(author=domain_support), test_manager)
    author, reviewer = client_for(domain_support), client_for(test_manager)
    url = reverse("work:request_detail", args=[req.pk])

    response = author.post(reverse("work:request_move", args=[req.pk]), {"to": "estimated"})
    assert response.status_code == 200
    assert "may not be skipped" in response.content.decode()
    req.refresh_from_db()
    assert req.status == "draft"

    assert author.post(reverse("work:request_move", args=[req.pk]), {"to": "in_review"}).status_code == 302
    response = reviewer.post(
        reverse("work:request_comment", args=[req.pk]), {"section": "goal", "text": "Lisa ka STAR-i pool."}
    )
    assert response.status_code == 302
    assert RequestComment.objects.get().author == test_manager
    html = reviewer.get(url).content.decode()
    assert "Lisa ka STAR-i pool." in html and 'id="request-sign-off"' in html
    assert reviewer.post(reverse("work:request_sign_off", args=[req.pk]), {"note": "ok"}).status_code == 302
    assert author.post(reverse("work:request_move", args=[req.pk]), {"to": "submitted"}).status_code == 302

    delivery = DeliveryFactory()
    response = author.post(reverse("work:request_link_delivery", args=[req.pk]), {"delivery": delivery.pk})
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == "submitted" and req.delivery == delivery
    assert f'data-delivery="{delivery.pk}"' in author.get(url).content.decode()


def test_comment_bad_input_shows_the_field_and_stores_nothing(domain_support: Any, client_for: Any) -> None:
    req = DevelopmentRequestFactory()
    count = AuditEvent.objects.count()
    response = client_for(domain_support).post(
        reverse("work:request_comment", args=[req.pk]), {"section": "goal", "text": ""}
    )
    assert response.status_code == 200
    assert 'data-field="text"' in response.content.decode()
    assert not RequestComment.objects.exists() and AuditEvent.objects.count() == count


def test_auditor_reads_but_cannot_move(auditor: Any, client_for: Any) -> None:
    req = DevelopmentRequestFactory()
    client = client_for(auditor)
    html = client.get(reverse("work:request_detail", args=[req.pk])).content.decode()
    assert 'id="request-move"' not in html
    assert client.post(reverse("work:request_move", args=[req.pk]), {"to": "in_review"}).status_code == 403


def test_page_exports_each_format(domain_support: Any, client_for: Any) -> None:
    req = DevelopmentRequestFactory()
    client = client_for(domain_support)
    for fmt, kind in (("md", "text/markdown"), ("pdf", "application/pdf"), ("docx", "application/vnd")):
        response = client.get(reverse("work:request_export", args=[req.pk]), {"format": fmt})
        assert response.status_code == 200 and response["Content-Type"].startswith(kind)
    assert client.get(reverse("work:request_export", args=[req.pk]), {"format": "odt"}).status_code == 404


def test_request_detail_query_count_does_not_grow(domain_support: Any, client_for: Any) -> None:
    req = DevelopmentRequestFactory()
    req.attributes.add(AttributeFactory())
    RequestComment.objects.create(request=req, section="goal", author=domain_support, text="x")
    client = client_for(domain_support)
    url = reverse("work:request_detail", args=[req.pk])
    client.get(url)

    def more() -> None:
        for _ in range(3):
            req.attributes.add(AttributeFactory())
            RequestComment.objects.create(request=req, section="goal", author=domain_support, text="x")

    assert_queries_do_not_grow(more, lambda: client.get(url))


# --- API -------------------------------------------------------------------------------------------


def test_api_lists_requests_with_filters(domain_support: Any, client_for: Any) -> None:
    DevelopmentRequestFactory(title="Üks", status="draft", system="SKAIS")
    DevelopmentRequestFactory(title="Kaks", status="submitted", system="STAR")
    client = client_for(domain_support)
    body = client.get(f"{BASE}/requests").json()
    assert body["count"] == 2
    body = client.get(f"{BASE}/requests", {"status": "submitted"}).json()
    assert [r["title"] for r in body["items"]] == ["Kaks"]
    body = client.get(f"{BASE}/requests", {"system": "SKAIS", "q": "Üks"}).json()
    assert [r["title"] for r in body["items"]] == ["Üks"]


def test_api_hides_requests_from_users_without_the_role(make_user: Any, client_for: Any) -> None:
    req = DevelopmentRequestFactory()
    client = client_for(make_user(Role.FINANCE))
    assert client.get(f"{BASE}/requests").json()["count"] == 0
    assert client.get(f"{BASE}/requests/{req.pk}").status_code == 404
    assert client.get(f"{BASE}/requests/{req.pk}/export", {"format": "md"}).status_code == 404


def test_api_one_request_with_sections(domain_support: Any, test_manager: Any, client_for: Any) -> None:
    req = with_reviewers(DevelopmentRequestFactory(), test_manager)
    req.rights.add(RightFactory(code="PENSION_CALC"))
    body = client_for(domain_support).get(f"{BASE}/requests/{req.pk}").json()
    assert [s["key"] for s in body["sections"]][:2] == ["background", "goal"]
    rights = next(s for s in body["sections"] if s["key"] == "rights")
    assert "PENSION_CALC" in rights["fields"][0][1]
    assert body["signoffs"] == [{"reviewer": "tm", "signed_off_at": None, "note": ""}]


def test_api_export_formats_and_bad_format(domain_support: Any, client_for: Any) -> None:
    import docx

    req = DevelopmentRequestFactory(title="Ekspordi mind")
    client = client_for(domain_support)
    md = client.get(f"{BASE}/requests/{req.pk}/export", {"format": "md"})
    assert md.status_code == 200 and "Ekspordi mind" in md.content.decode()
    word = client.get(f"{BASE}/requests/{req.pk}/export", {"format": "docx"})
    assert "Ekspordi mind" in "\n".join(p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs)
    pdf = client.get(f"{BASE}/requests/{req.pk}/export", {"format": "pdf"})
    assert pdf.content.startswith(b"%PDF")
    bad = client.get(f"{BASE}/requests/{req.pk}/export", {"format": "odt"})
    assert bad.status_code == 422
    assert "format" in bad.json()["errors"]
