"""Campaign pages: list, create, detail with progress, my reviews (plain and HTMX), close, report."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.access.factories import AccountFactory, AssignmentFactory, OrgUnitFactory, ProfileFactory
from tests.helpers import assert_queries_do_not_grow, exactly_one_audit_event, no_audit_event
from tugi.access.models import AssignmentStatus, Campaign, CampaignItem, CampaignStatus, ReviewDecision
from tugi.access.services import campaigns as services
from tugi.core.models import AuditEvent
from tugi.core.roles import Role

pytestmark = pytest.mark.django_db


def _csv(response: Any) -> list[str]:
    assert response["Content-Type"].startswith("text/csv")
    return b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()


@pytest.fixture
def setup(domain_support: Any, make_user: Any) -> dict[str, Any]:
    """A campaign opened by ds: reviewer 'boss' manages mari and liis; jaan has no manager."""
    unit = OrgUnitFactory(name="Pensionide osakond")
    boss_user = make_user(Role.FINANCE, username="boss")
    boss = AccountFactory(username="boss", org_unit=unit, user=boss_user)
    profile = ProfileFactory(code="PENS_VIEWER")
    mari = AssignmentFactory(
        account=AccountFactory(username="mari", org_unit=unit, manager=boss), profile=profile
    )
    liis = AssignmentFactory(
        account=AccountFactory(username="liis", org_unit=unit, manager=boss), profile=profile
    )
    jaan = AssignmentFactory(account=AccountFactory(username="jaan", org_unit=unit), profile=profile)
    campaign = services.campaign_create(
        name="Pensionide osakond 2025",
        reviewer_kind="manager",
        deadline=timezone.localdate() + dt.timedelta(days=5),
        actor=domain_support,
    )
    services.campaign_open(campaign=campaign, actor=domain_support)
    items = {i.assignment_id: i for i in CampaignItem.objects.filter(campaign=campaign)}
    return {
        "campaign": campaign,
        "boss": boss_user,
        "mari": items[mari.pk],
        "liis": items[liis.pk],
        "jaan": items[jaan.pk],
    }


def test_anonymous_is_sent_to_login(client: Any) -> None:
    response = client.get(reverse("access:campaign_list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_user_without_role_gets_403_on_the_list_and_404_on_a_campaign(
    setup: dict, make_user: Any, client_for: Any
) -> None:
    client = client_for(make_user())
    assert client.get(reverse("access:campaign_list")).status_code == 403
    assert client.get(reverse("access:campaign_detail", args=[setup["campaign"].pk])).status_code == 404


def test_the_auditor_reads_but_changes_nothing(setup: dict, auditor: Any, client_for: Any) -> None:
    campaign = setup["campaign"]
    client = client_for(auditor)
    assert client.get(reverse("access:campaign_list")).status_code == 200
    page = client.get(reverse("access:campaign_detail", args=[campaign.pk]))
    assert page.status_code == 200 and b'id="campaign-close"' not in page.content
    with no_audit_event():
        assert client.post(reverse("access:campaign_close", args=[campaign.pk])).status_code == 403
        assert client.post(reverse("access:campaign_open", args=[campaign.pk])).status_code == 403
        response = client.post(
            reverse("access:campaign_create"),
            {"name": "x", "reviewer_kind": "manager", "deadline": "2099-01-01"},
        )
        assert response.status_code == 403
        response = client.post(
            reverse("access:campaign_item_decide", args=[setup["mari"].pk]), {"decision": "confirmed"}
        )
        assert response.status_code == 403
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN
    assert Campaign.objects.count() == 1


def test_create_through_the_form(domain_support: Any, client_for: Any) -> None:
    client = client_for(domain_support)
    url = reverse("access:campaign_create")
    with no_audit_event():
        bad = client.post(url, {"name": "Q3", "reviewer_kind": "manager", "deadline": "2020-01-01"})
    assert bad.status_code == 200
    assert "deadline" in bad.context["form"].errors
    assert 'data-field="deadline"' in bad.content.decode()
    deadline = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    with exactly_one_audit_event("access.campaign_created"):
        response = client.post(
            url, {"name": "Q3", "reviewer_kind": "owner", "deadline": deadline, "sensitive_only": "on"}
        )
    campaign = Campaign.objects.get(name="Q3")
    assert response.status_code == 302 and response["Location"].endswith(f"/campaigns/{campaign.pk}/")
    assert campaign.sensitive_only and campaign.reviewer_kind == "owner"


def test_detail_shows_progress_per_reviewer(setup: dict, domain_support: Any, client_for: Any) -> None:
    services.campaign_item_decide(item=setup["mari"], decision="confirmed", actor=setup["boss"])
    page = client_for(domain_support).get(reverse("access:campaign_detail", args=[setup["campaign"].pk]))
    html = page.content.decode()
    assert page.context["progress"]["percent"] == 33
    assert 'data-reviewer="boss" data-percent="50"' in html
    assert 'data-reviewer="ds" data-percent="0"' in html
    assert 'id="campaign-close"' in html


def test_my_reviews_lists_only_my_items_and_decides_them(setup: dict, client_for: Any) -> None:
    client = client_for(setup["boss"])
    page = client.get(reverse("access:campaign_my_reviews"))
    html = page.content.decode()
    assert f'id="review-{setup["mari"].pk}"' in html and f'id="review-{setup["liis"].pk}"' in html
    assert f'id="review-{setup["jaan"].pk}"' not in html  # ds reviews jaan

    url = reverse("access:campaign_item_decide", args=[setup["mari"].pk])
    with exactly_one_audit_event("access.campaign_item_decided"):
        response = client.post(url, {"decision": "confirmed"})
    assert response.status_code == 302
    setup["mari"].refresh_from_db()
    assert setup["mari"].decision == ReviewDecision.CONFIRMED


def test_htmx_revoke_without_a_comment_shows_the_error_in_the_row(setup: dict, client_for: Any) -> None:
    client = client_for(setup["boss"])
    item = setup["liis"]
    url = reverse("access:campaign_item_decide", args=[item.pk])
    with no_audit_event():
        response = client.post(url, {"decision": "revoked", "comment": ""}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert f'id="review-{item.pk}"' in html and 'data-field="comment"' in html
    item.refresh_from_db()
    assert item.decision == ReviewDecision.PENDING

    response = client.post(
        url, {"decision": "revoked", "comment": "lahkus osakonnast"}, HTTP_HX_REQUEST="true"
    )
    assert 'data-decision="revoked"' in response.content.decode()
    item.refresh_from_db()
    assert (item.decision, item.comment) == (ReviewDecision.REVOKED, "lahkus osakonnast")


def test_another_users_item_answers_404(setup: dict, client_for: Any, domain_support: Any) -> None:
    with no_audit_event():
        response = client_for(domain_support).post(
            reverse("access:campaign_item_decide", args=[setup["mari"].pk]), {"decision": "confirmed"}
        )
    assert response.status_code == 404


def test_close_then_the_report_with_csv(setup: dict, domain_support: Any, client_for: Any) -> None:
    services.campaign_item_decide(
        item=setup["mari"], decision="revoked", comment="ei vaja", actor=setup["boss"]
    )
    services.campaign_item_decide(item=setup["liis"], decision="confirmed", actor=setup["boss"])
    client = client_for(domain_support)
    campaign = setup["campaign"]
    assert client.get(reverse("access:campaign_report", args=[campaign.pk])).status_code == 302  # not yet
    response = client.post(reverse("access:campaign_close", args=[campaign.pk]), {"reason": "tähtaeg"})
    assert response.status_code == 302 and response["Location"].endswith(f"/campaigns/{campaign.pk}/report/")
    assert AuditEvent.objects.get(event_type="access.campaign_closed").reason == "tähtaeg"
    setup["mari"].assignment.refresh_from_db()
    assert setup["mari"].assignment.status == AssignmentStatus.ENDED

    page = client.get(reverse("access:campaign_report", args=[campaign.pk]))
    html = page.content.decode()
    assert 'data-count="revoked">1<' in html and 'data-count="not_reviewed">1<' in html
    assert 'data-reviewer="boss" data-confirmed="1" data-revoked="1" data-not-reviewed="0"' in html
    lines = _csv(client.get(reverse("access:campaign_report", args=[campaign.pk]), {"export": "csv"}))
    assert len(lines) == 4
    assert lines[1].startswith("boss;") and lines[1].endswith(";2;1;1;0")
    assert lines[2].startswith("ds;") and lines[2].endswith(";1;0;0;1")
    assert lines[3].endswith(";;3;1;1;1")
    items = _csv(
        client.get(reverse("access:campaign_report", args=[campaign.pk]), {"export": "csv", "part": "items"})
    )
    assert len(items) == 3 and "ei vaja" in items[1] and "mari" in items[1] and "jaan" in items[2]


def test_list_and_item_exports(setup: dict, auditor: Any, client_for: Any) -> None:
    client = client_for(auditor)
    assert len(_csv(client.get(reverse("access:campaign_list"), {"export": "csv"}))) == 2
    lines = _csv(
        client.get(reverse("access:campaign_detail", args=[setup["campaign"].pk]), {"export": "csv"})
    )
    assert len(lines) == 4


def test_list_query_count_does_not_grow(domain_support: Any, auditor: Any, client_for: Any) -> None:
    client = client_for(auditor)

    def more() -> None:
        for n in range(3):
            services.campaign_create(
                name=f"C{n}",
                reviewer_kind="owner",
                deadline=timezone.localdate() + dt.timedelta(days=9),
                actor=domain_support,
            )

    more()
    client.get(reverse("access:campaign_list"))
    assert_queries_do_not_grow(more, lambda: client.get(reverse("access:campaign_list")))


def test_desk_shows_reviews_waiting_with_the_deadline(setup: dict, client_for: Any) -> None:
    html = client_for(setup["boss"]).get(reverse("core:desk")).content.decode()
    assert 'data-widget="access-reviews"' in html
    assert f'data-campaign="{setup["campaign"].pk}"' in html
    assert setup["campaign"].deadline.strftime("%d.%m.%Y") in html
    for item in (setup["mari"], setup["liis"]):
        services.campaign_item_decide(item=item, decision="confirmed", actor=setup["boss"])
    html = client_for(setup["boss"]).get(reverse("core:desk")).content.decode()
    assert 'data-widget="access-reviews"' not in html
