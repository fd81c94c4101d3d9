"""Development requests: the template, the lifecycle that refuses skipped states, sign-offs,
analytic input, the impact panel and the exports (Markdown, DOCX, PDF)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.access.factories import AccountFactory, AssignmentFactory, ProfileFactory, RightFactory
from tests.classifiers.factories import ClassifierFactory, ConsumingSystemFactory
from tests.delivery.factories import DeliveryFactory, TicketFactory, TicketLinkFactory
from tests.helpers import exactly_one_audit_event, no_audit_event
from tests.work.factories import AttributeFactory, DevelopmentRequestFactory, EntityFactory, with_reviewers
from tugi.core.models import AuditEvent
from tugi.core.roles import Role
from tugi.work import documents, selectors_requests
from tugi.work.models import DevelopmentRequest, RequestComment, RequestStatus, Section
from tugi.work.services import requests as services

pytestmark = pytest.mark.django_db


def _values(**extra: Any) -> dict[str, Any]:
    values = {
        "title": "Indekseerimise ümberarvutus",
        "background": "Aprillis indekseeritakse pensionid.",
        "goal": "Ümberarvutus kasutab uut indeksit.",
        "system": "SKAIS",
        "modules": "pensionid, otsused",
        "business_rules": "Indeks rakendub 1. aprillist.",
        "acceptance_criteria": "Otsuses on uus summa.",
        "test_scenarios": "Vanaduspensionär, töövõimetuspensionär.",
        "priority": "high",
        "legal_basis": "RPKS § 26",
    }
    values.update(extra)
    return values


def _in_review(author: Any, reviewer: Any, **extra: Any) -> DevelopmentRequest:
    req = services.request_create(actor=author, reviewers=[reviewer], **_values(**extra))
    return services.request_move(request=req, to="in_review", actor=author)


# --- create and edit -------------------------------------------------------------------------------


def test_create_stores_the_template_with_picked_data_and_rights_in_one_event(
    domain_support: Any, test_manager: Any
) -> None:
    attribute = AttributeFactory(classifier=ClassifierFactory(code="pension-kind"))
    right = RightFactory(code="PENSION_CALC")
    with exactly_one_audit_event("work.request_created") as events:
        req = services.request_create(
            actor=domain_support,
            attributes=[attribute],
            rights=[right],
            entities=[attribute.entity],
            reviewers=[test_manager],
            **_values(),
        )
    assert req.status == RequestStatus.DRAFT
    assert req.author == domain_support
    assert list(req.attributes.all()) == [attribute]
    assert events[0].after["attributes"] == [attribute.pk]
    assert events[0].after["rights"] == [right.pk]
    assert events[0].after["reviewers"] == [test_manager.pk]


def test_create_refuses_bad_input_naming_the_field_and_stores_nothing(
    domain_support: Any, finance_user: Any
) -> None:
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        services.request_create(actor=domain_support, **_values(system="MARS"))
    assert "system" in exc.value.message_dict
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        services.request_create(actor=domain_support, **_values(goal=""))
    assert "goal" in exc.value.message_dict
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        services.request_create(actor=domain_support, reviewers=[domain_support], **_values())
    assert "reviewers" in exc.value.message_dict
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        services.request_create(actor=domain_support, reviewers=[finance_user], **_values())
    assert "fin" in " ".join(exc.value.message_dict["reviewers"])
    assert not DevelopmentRequest.objects.exists()


def test_auditor_and_finance_cannot_draft(auditor: Any, finance_user: Any) -> None:
    for user in (auditor, finance_user):
        with no_audit_event(), pytest.raises(PermissionDenied):
            services.request_create(actor=user, **_values())


def test_only_a_draft_can_be_edited(domain_support: Any, test_manager: Any) -> None:
    req = _in_review(domain_support, test_manager)
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        services.request_update(request=req, actor=domain_support, goal="uus")
    assert "status" in exc.value.message_dict
    services.request_move(request=req, to="draft", actor=domain_support)
    with exactly_one_audit_event("work.request_updated") as events:
        services.request_update(request=req, actor=domain_support, goal="Uus eesmärk.")
    assert events[0].before["goal"] != events[0].after["goal"]


# --- lifecycle -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "skip_to"),
    [
        ("draft", "submitted"),
        ("draft", "estimated"),
        ("in_review", "estimated"),
        ("submitted", "in_development"),
        ("estimated", "delivered"),
        ("in_development", "verified"),
        ("delivered", "closed"),
        ("closed", "rejected"),
        ("rejected", "draft"),
    ],
)
def test_lifecycle_refuses_skipped_states(domain_support: Any, start: str, skip_to: str) -> None:
    req = DevelopmentRequestFactory(status=start, author=domain_support)
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        services.request_move(request=req, to=skip_to, actor=domain_support, reason="proov")
    message = " ".join(exc.value.message_dict["status"])
    assert "may not be skipped" in message
    assert str(RequestStatus(start).label) in message
    req.refresh_from_db()
    assert req.status == start


def test_full_lifecycle_one_event_per_move(domain_support: Any, test_manager: Any) -> None:
    delivery = DeliveryFactory()
    req = _in_review(domain_support, test_manager)
    services.request_sign_off(request=req, actor=test_manager, note="korras")
    steps: list[tuple[str, dict[str, Any]]] = [
        ("submitted", {}),
        ("estimated", {"estimate_days": "12.5", "estimate_note": "arendaja hinnang"}),
        ("in_development", {}),
    ]
    for to, data in steps:
        with exactly_one_audit_event("work.request_status_changed"):
            req = services.request_move(request=req, to=to, actor=domain_support, **data)
        assert req.status == to
    assert req.estimate_days == Decimal("12.5")
    with exactly_one_audit_event("work.request_delivery_linked"):
        services.request_link_delivery(request=req, delivery=delivery, actor=test_manager)
    for to in ("delivered", "verified", "closed"):
        with exactly_one_audit_event("work.request_status_changed") as events:
            req = services.request_move(request=req, to=to, actor=domain_support)
    assert events[0].before["status"] == "verified" and events[0].after["status"] == "closed"
    assert services.next_states(req) == ()


def test_review_needs_a_reviewer_and_acceptance_criteria(domain_support: Any, test_manager: Any) -> None:
    req = services.request_create(actor=domain_support, **_values(acceptance_criteria=""))
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        services.request_move(request=req, to="in_review", actor=domain_support)
    assert "reviewers" in exc.value.message_dict
    services.request_update(request=req, actor=domain_support, reviewers=[test_manager])
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        services.request_move(request=req, to="in_review", actor=domain_support)
    assert "acceptance_criteria" in exc.value.message_dict


def test_submission_needs_every_sign_off(domain_support: Any, test_manager: Any, make_user: Any) -> None:
    other = make_user(Role.DOMAIN_SUPPORT, username="ds2", first_name="Kati", last_name="Kask")
    req = services.request_create(actor=domain_support, reviewers=[test_manager, other], **_values())
    services.request_move(request=req, to="in_review", actor=domain_support)
    services.request_sign_off(request=req, actor=test_manager)
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        services.request_move(request=req, to="submitted", actor=domain_support)
    assert "Kati Kask" in " ".join(exc.value.message_dict["status"])
    with exactly_one_audit_event("work.request_signed_off"):
        services.request_sign_off(request=req, actor=other, note="sobib")
    services.request_move(request=req, to="submitted", actor=domain_support)


def test_only_a_chosen_reviewer_signs_off_and_only_in_review(domain_support: Any, test_manager: Any) -> None:
    req = services.request_create(actor=domain_support, reviewers=[test_manager], **_values())
    with no_audit_event(), pytest.raises(ValidationError):
        services.request_sign_off(request=req, actor=test_manager)
    services.request_move(request=req, to="in_review", actor=domain_support)
    with no_audit_event(), pytest.raises(PermissionDenied):
        services.request_sign_off(request=req, actor=domain_support)


def test_back_to_draft_clears_sign_offs(domain_support: Any, test_manager: Any) -> None:
    req = _in_review(domain_support, test_manager)
    services.request_sign_off(request=req, actor=test_manager)
    with exactly_one_audit_event("work.request_status_changed") as events:
        services.request_move(request=req, to="draft", actor=domain_support, reason="muudan reegleid")
    assert events[0].before["signed_off_by"] == [test_manager.pk]
    assert not req.reviewers.filter(signed_off_at__isnull=False).exists()


def test_estimate_is_required_and_no_float(domain_support: Any) -> None:
    req = DevelopmentRequestFactory(status="submitted", author=domain_support)
    for bad in (None, "", "0", "abc", 1.5):
        with no_audit_event(), pytest.raises(ValidationError) as exc:
            services.request_move(request=req, to="estimated", actor=domain_support, estimate_days=bad)
        assert "estimate_days" in exc.value.message_dict


def test_delivered_needs_a_delivery(domain_support: Any) -> None:
    req = DevelopmentRequestFactory(status="in_development", author=domain_support)
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        services.request_move(request=req, to="delivered", actor=domain_support)
    assert "delivery" in exc.value.message_dict


def test_reject_from_any_open_state_needs_a_reason(domain_support: Any) -> None:
    for status in ("draft", "in_review", "submitted", "estimated", "in_development", "delivered", "verified"):
        req = DevelopmentRequestFactory(status=status, author=domain_support)
        with no_audit_event(), pytest.raises(ValidationError) as exc:
            services.request_move(request=req, to="rejected", actor=domain_support, reason=" ")
        assert "reason" in exc.value.message_dict
        with exactly_one_audit_event("work.request_status_changed") as events:
            req = services.request_move(
                request=req, to="rejected", actor=domain_support, reason="ei ole vaja"
            )
        assert req.rejection_reason == "ei ole vaja"
        assert events[0].reason == "ei ole vaja"


# --- analytic input --------------------------------------------------------------------------------


def test_analytic_input_on_a_section(domain_support: Any, test_manager: Any) -> None:
    req = DevelopmentRequestFactory(author=domain_support)
    with exactly_one_audit_event("work.request_commented"):
        comment = services.request_comment_add(
            request=req,
            section="business_rules",
            text="Arvesta ka toitjakaotuspensioniga.",
            actor=test_manager,
        )
    assert comment.author == test_manager
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        services.request_comment_add(request=req, section="nowhere", text="x", actor=test_manager)
    assert "section" in exc.value.message_dict
    with no_audit_event(), pytest.raises(ValidationError) as exc:
        services.request_comment_add(request=req, section="goal", text="  ", actor=test_manager)
    assert "text" in exc.value.message_dict
    assert RequestComment.objects.count() == 1
    rules = next(s for s in selectors_requests.sections(req) if s.key == Section.BUSINESS_RULES)
    assert [c.text for c in rules.comments] == ["Arvesta ka toitjakaotuspensioniga."]


def test_auditor_cannot_comment(auditor: Any) -> None:
    req = DevelopmentRequestFactory()
    with no_audit_event(), pytest.raises(PermissionDenied):
        services.request_comment_add(request=req, section="goal", text="x", actor=auditor)


# --- impact ----------------------------------------------------------------------------------------


def test_impact_lists_consumers_of_an_affected_classifier_and_holders_of_an_affected_right(
    domain_support: Any,
) -> None:
    classifier = ClassifierFactory(code="pension-kind")
    consumer = ConsumingSystemFactory(code="star-client", name="STAR")
    classifier.consumers.add(consumer)
    attribute = AttributeFactory(classifier=classifier)
    right = RightFactory(code="PENSION_CALC")
    direct = ProfileFactory(code="CALCULATOR", content__rights=[right])
    outer = ProfileFactory(code="LEAD", content__includes=[direct])
    ProfileFactory(code="UNRELATED")
    AssignmentFactory(profile=direct, account=AccountFactory())
    AssignmentFactory(profile=outer, account=AccountFactory())
    AssignmentFactory(profile=outer, account=AccountFactory())
    req = DevelopmentRequestFactory(author=domain_support)
    req.attributes.add(attribute)
    req.rights.add(right)

    impact = selectors_requests.impact(selectors_requests.request_get(user=domain_support, pk=req.pk))

    [row] = impact["classifiers"]
    assert row["classifier"] == classifier
    assert row["consumers"] == [consumer]
    assert row["systems"] == [attribute.entity.system.code]
    [right_row] = impact["rights"]
    holders = {p["label"]: p["assignments"] for p in right_row["profiles"]}
    assert holders == {"SKAIS:CALCULATOR": 1, "SKAIS:LEAD": 2}
    assert impact["delivery"] is None


def test_impact_lists_open_tickets_and_defects_of_the_delivery(domain_support: Any) -> None:
    delivery = DeliveryFactory()
    open_ticket = TicketFactory(delivery=delivery)
    TicketFactory(delivery=delivery, status="done")
    defect = TicketLinkFactory(ticket=open_ticket)
    TicketLinkFactory(ticket=open_ticket, is_open=False)
    req = DevelopmentRequestFactory(author=domain_support, delivery=delivery)
    impact = selectors_requests.impact(req)
    assert impact["delivery"]["open_tickets"] == [open_ticket]
    assert impact["delivery"]["defects"] == [defect]


# --- exports ---------------------------------------------------------------------------------------


@pytest.fixture
def full_request(domain_support: Any, test_manager: Any) -> DevelopmentRequest:
    attribute = AttributeFactory(name="pensioni_liik", classifier=ClassifierFactory(code="pension-kind"))
    right = RightFactory(code="PENSION_CALC", name_et="Pensioni arvutamine")
    req = services.request_create(
        actor=domain_support,
        attributes=[attribute],
        rights=[right],
        reviewers=[test_manager],
        desired_date=timezone.localdate() + dt.timedelta(days=60),
        **_values(),
    )
    services.request_comment_add(
        request=req, section="goal", text="Sisend: ka õigusaktid.", actor=test_manager
    )
    services.request_move(request=req, to="in_review", actor=domain_support)
    services.request_sign_off(request=req, actor=test_manager, note="Allkirjastan.")
    return selectors_requests.request_get(user=domain_support, pk=req.pk)


def _expected_texts(req: DevelopmentRequest) -> list[str]:
    return [
        *[str(label) for _key, label in Section.choices],
        req.background,
        req.goal,
        req.business_rules,
        req.acceptance_criteria,
        req.test_scenarios,
        req.legal_basis,
        "pensioni_liik",
        "PENSION_CALC",
        "Sisend: ka õigusaktid.",
        "Allkirjastan.",
    ]


def test_markdown_export_has_every_section_input_and_sign_off(full_request: DevelopmentRequest) -> None:
    text = documents.render(full_request, "md").decode("utf-8")
    for expected in _expected_texts(full_request):
        assert expected in text, expected


def test_docx_export_opens_and_has_every_section(full_request: DevelopmentRequest) -> None:
    import docx

    word = docx.Document(io.BytesIO(documents.render(full_request, "docx")))
    text = "\n".join(p.text for p in word.paragraphs)
    text += "\n".join(c.text for t in word.tables for row in t.rows for c in row.cells)
    for expected in _expected_texts(full_request):
        assert expected in text, expected


def test_pdf_export_opens_and_has_every_section(full_request: DevelopmentRequest) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(documents.render(full_request, "pdf")))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    for expected in _expected_texts(full_request):
        assert " ".join(expected.split()) in text, expected


def test_waiting_for_sign_off_lists_only_the_reviewers_own(domain_support: Any, test_manager: Any) -> None:
    req = _in_review(domain_support, test_manager)
    assert list(selectors_requests.requests_waiting_for_sign_off(user=test_manager)) == [req]
    assert not selectors_requests.requests_waiting_for_sign_off(user=domain_support).exists()
    services.request_sign_off(request=req, actor=test_manager)
    assert not selectors_requests.requests_waiting_for_sign_off(user=test_manager).exists()
    assert AuditEvent.objects.filter(event_type="work.request_signed_off").count() == 1


def test_with_reviewers_helper_makes_signed_rows(domain_support: Any, test_manager: Any) -> None:
    req = with_reviewers(DevelopmentRequestFactory(author=domain_support), test_manager, signed=True)
    assert req.reviewers.get().signed_off_at is not None


def test_entity_factory_is_usable() -> None:
    assert EntityFactory().system.code == "SKAIS"
