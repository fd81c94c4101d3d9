"""Pages and API of profiles: list, detail, forms, content editor, proposals, compare, desk, search."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.access.factories import AssignmentFactory, ProfileFactory, RightFactory, SystemFactory
from tests.base import ViewContract
from tests.factories import UserFactory
from tests.helpers import exactly_one_audit_event, no_audit_event
from tugi.access.models import Profile, ProfileStatus, VersionStatus
from tugi.access.services import profiles as services
from tugi.core.roles import Role

pytestmark = pytest.mark.django_db
API = "/api/v1/access"


class TestProfileViews(ViewContract):
    list_url = "access:profiles_list"
    create_url = "access:profiles_create"
    editor_role = Role.DOMAIN_SUPPORT
    viewer_role = Role.TEST_MANAGER
    create_event = "access.profile_created"
    update_event = "access.profile_updated"

    def make(self) -> Any:
        profile = ProfileFactory(content__rights=[RightFactory()])
        AssignmentFactory(profile=profile)
        return profile

    def detail_url(self, obj: Any) -> str:
        return reverse("access:profiles_detail", args=[obj.pk])

    def create_data(self) -> dict[str, Any]:
        owner = UserFactory(username="profile-owner")
        return {
            "system": SystemFactory().pk,
            "code": "PENS_CLERK",
            "name": "Pensionide spetsialist",
            "owner": owner.pk,
            "purpose": "Daily pension work",
            "positions": "pensionispetsialist",
            "reason": "new profile",
        }

    def bad_data(self) -> tuple[dict[str, Any], str]:
        data = self.create_data()
        data["code"] = "has spaces in it"
        return data, "code"

    def created(self, data: dict[str, Any]) -> Any:
        return Profile.objects.filter(code=data["code"])

    def edit_url(self, obj: Any) -> str:
        return reverse("access:profiles_edit", args=[obj.pk])

    def edit_data(self, obj: Any) -> dict[str, Any]:
        return {"name": "Uus nimi", "owner": obj.owner_id, "purpose": "changed", "positions": obj.positions}


def test_profile_list_filters_by_system_status_and_owner(auditor: Any, client_for: Any) -> None:
    owner = UserFactory(username="omanik")
    a = ProfileFactory(code="SKAIS_A", owner=owner)
    ProfileFactory(code="SKAIS_B", status=ProfileStatus.DEPRECATED)
    ProfileFactory(code="STAR_A", system=SystemFactory(code="STAR"))
    client = client_for(auditor)

    def codes(**params: Any) -> set[str]:
        html = client.get(reverse("access:profiles_list"), params).content.decode()
        return {c for c in ("SKAIS_A", "SKAIS_B", "STAR_A") if f'data-profile="{c}"' in html}

    assert codes() == {"SKAIS_A", "SKAIS_B", "STAR_A"}
    assert codes(system=a.system_id) == {"SKAIS_A", "SKAIS_B"}
    assert codes(status="deprecated") == {"SKAIS_B"}
    assert codes(owner=owner.pk) == {"SKAIS_A"}


def test_detail_shows_nested_content_versions_and_holders(test_manager: Any, client_for: Any) -> None:
    view, pay = RightFactory(code="PENS_VIEW"), RightFactory(code="PAY_VIEW")
    base = ProfileFactory(code="BASE", content__rights=[view])
    top = ProfileFactory(code="TOP", content__includes=[base], content__rights=[pay], positions="a, b")
    AssignmentFactory(profile=top)
    AssignmentFactory(profile=top)
    html = client_for(test_manager).get(reverse("access:profiles_detail", args=[top.pk])).content.decode()
    assert 'data-right="PENS_VIEW" data-path="TOP → BASE"' in html
    assert 'data-right="PAY_VIEW" data-path="TOP"' in html
    assert 'data-include="BASE"' in html
    assert 'id="profile-holders" data-count="2"' in html
    assert 'data-number="1" data-status="approved"' in html
    for control in ("profile-edit", "profile-propose", "profile-deprecate", "profile-status-form"):
        assert f'id="{control}"' not in html  # a test manager only reads


def test_draft_content_editor_activate_and_refusals(domain_support: Any, client_for: Any) -> None:
    right = RightFactory(code="PENS_VIEW")
    foreign = RightFactory(system=SystemFactory(code="STAR"), code="CASE_VIEW")
    profile = services.profile_create(
        system=right.system, code="NEW", name="Uus", owner=domain_support, actor=domain_support
    )
    client = client_for(domain_support)
    url = reverse("access:profiles_content", args=[profile.pk])
    html = client.get(url).content.decode()
    assert "PENS_VIEW" in html and "CASE_VIEW" not in html
    with no_audit_event():
        response = client.post(url, {"rights": [foreign.pk]})
    assert response.status_code == 200 and 'data-field="rights"' in response.content.decode()
    with exactly_one_audit_event("access.profile_content_edited"):
        assert client.post(url, {"rights": [right.pk], "reason": "first content"}).status_code == 302
    with exactly_one_audit_event("access.profile_status_changed"):
        response = client.post(reverse("access:profiles_activate", args=[profile.pk]), {"reason": "go"})
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.ACTIVE
    # an active profile's content is no longer edited in place
    assert client.get(url).status_code == 302


def test_a_cycle_is_refused_on_the_propose_form(domain_support: Any, client_for: Any) -> None:
    right = RightFactory()
    inner = ProfileFactory(code="INNER", content__rights=[right])
    outer = ProfileFactory(code="OUTER", content__includes=[inner])
    with no_audit_event():
        response = client_for(domain_support).post(
            reverse("access:profiles_propose", args=[inner.pk]),
            {"rights": [right.pk], "includes": [outer.pk], "note": "loop"},
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-field="includes"' in html and "INNER → OUTER → INNER" in html


def test_propose_then_the_owner_approves_on_the_detail_page(
    domain_support: Any, make_user: Any, client_for: Any
) -> None:
    owner = make_user(Role.TEST_MANAGER, username="owner")
    old, new = RightFactory(code="OLD"), RightFactory(code="NEW")
    profile = ProfileFactory(code="MAIN", owner=owner, content__rights=[old])
    proposer = client_for(domain_support)
    with exactly_one_audit_event("access.profile_change_proposed"):
        response = proposer.post(
            reverse("access:profiles_propose", args=[profile.pk]),
            {"rights": [old.pk, new.pk], "note": "adds NEW"},
        )
    assert response.status_code == 302
    version = profile.versions.get(number=2)
    detail = reverse("access:profiles_detail", args=[profile.pk])
    html = proposer.get(detail).content.decode()
    assert f'data-version="{version.pk}"' in html and 'id="proposal-refusal"' in html
    assert 'id="proposal-approve"' not in html
    assert 'id="proposal-only-b"' in html and 'data-right="NEW"' in html

    with no_audit_event():  # the proposer cannot approve their own change
        proposer.post(reverse("access:profiles_version_approve", args=[version.pk]))
    version.refresh_from_db()
    assert version.status == VersionStatus.PROPOSED

    owner_client = client_for(owner)
    html = owner_client.get(reverse("core:desk")).content.decode()
    assert f'data-version="{version.pk}"' in html
    html = owner_client.get(detail).content.decode()
    assert 'id="proposal-approve"' in html
    with exactly_one_audit_event("access.profile_change_approved"):
        response = owner_client.post(reverse("access:profiles_version_approve", args=[version.pk]))
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == VersionStatus.APPROVED
    assert f'data-version="{version.pk}"' not in owner_client.get(reverse("core:desk")).content.decode()


def test_the_owner_rejects_on_the_detail_page(domain_support: Any, make_user: Any, client_for: Any) -> None:
    owner = make_user(Role.DOMAIN_SUPPORT, username="owner")
    right, other = RightFactory(), RightFactory()
    profile = ProfileFactory(owner=owner, content__rights=[right])
    version = services.profile_change_propose(profile=profile, rights=[other], note="x", actor=domain_support)
    with exactly_one_audit_event("access.profile_change_rejected"):
        client_for(owner).post(reverse("access:profiles_version_reject", args=[version.pk]), {"reason": "no"})
    version.refresh_from_db()
    assert version.status == VersionStatus.REJECTED


def test_retire_refusal_is_shown_and_changes_nothing(domain_support: Any, client_for: Any) -> None:
    profile = ProfileFactory(status=ProfileStatus.DEPRECATED)
    AssignmentFactory(profile=profile)
    client = client_for(domain_support)
    client.cookies["tugi_language"] = "en"
    with no_audit_event():
        response = client.post(reverse("access:profiles_retire", args=[profile.pk]), follow=True)
    assert "1 assignment of this profile is valid today or later" in response.content.decode()
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.DEPRECATED


def test_readers_cannot_use_the_write_pages(auditor: Any, test_manager: Any, client_for: Any) -> None:
    profile = ProfileFactory(content__rights=[RightFactory()])
    for user in (auditor, test_manager):
        client = client_for(user)
        for name in ("profiles_content", "profiles_propose", "profiles_edit"):
            assert client.get(reverse(f"access:{name}", args=[profile.pk])).status_code == 403
        for name in ("profiles_activate", "profiles_deprecate", "profiles_retire"):
            with no_audit_event():
                assert client.post(reverse(f"access:{name}", args=[profile.pk])).status_code == 403
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.ACTIVE


def test_compare_page_shows_three_columns_with_paths(
    domain_support: Any, make_user: Any, client_for: Any
) -> None:
    owner = make_user(Role.DOMAIN_SUPPORT, username="owner")
    view, pay = RightFactory(code="VIEW"), RightFactory(code="PAY")
    base = ProfileFactory(code="BASE", content__rights=[view])
    profile = ProfileFactory(code="MAIN", owner=owner, content__rights=[pay])
    version = services.profile_change_propose(
        profile=profile, rights=[pay], includes=[base], note="x", actor=domain_support
    )
    client = client_for(make_user(Role.TEST_MANAGER))
    url = reverse("access:profiles_compare")
    html = client.get(url).content.decode()
    assert f'value="{profile.pk}:v2"' in html  # versions of every profile are offered
    html = client.get(url, {"a": f"{profile.pk}:v1", "b": f"{profile.pk}:v{version.number}"}).content.decode()
    only_b = html.split('id="compare-only-b"', 1)[1].split("</ul>", 1)[0]
    both = html.split('id="compare-both"', 1)[1].split("</ul>", 1)[0]
    assert 'data-right="VIEW" data-path="MAIN → BASE"' in only_b
    assert 'data-right="PAY"' in both
    html = client.get(url, {"a": str(profile.pk), "b": str(base.pk)}).content.decode()
    only_a = html.split('id="compare-only-a"', 1)[1].split("</ul>", 1)[0]
    assert 'data-right="PAY" data-path="MAIN"' in only_a
    html = client.get(url, {"a": str(profile.pk)}).content.decode()  # from a profile's page
    assert 'data-field="' not in html and f'<option value="{profile.pk}" selected>' in html
    response = client.get(url, {"a": f"{profile.pk}:v9", "b": str(base.pk)})
    assert response.status_code == 200 and 'data-field="a"' in response.content.decode()


def test_compare_page_hides_profiles_from_users_without_the_right(make_user: Any, client_for: Any) -> None:
    profile = ProfileFactory()
    assert (
        client_for(make_user()).get(reverse("access:profiles_compare"), {"a": profile.pk}).status_code == 403
    )


def test_search_finds_profiles_by_code_or_name(domain_support: Any, client_for: Any) -> None:
    profile = ProfileFactory(code="OVERPAY_CLERK", name="Enammaksete menetleja")
    html = client_for(domain_support).post(reverse("core:search"), {"q": "enammaks"}).content.decode()
    assert reverse("access:profiles_detail", args=[profile.pk]) in html
    html = client_for(domain_support).post(reverse("core:search"), {"q": "overpay_cl"}).content.decode()
    assert reverse("access:profiles_detail", args=[profile.pk]) in html


def test_navigation_offers_profiles_and_compare(test_manager: Any, make_user: Any, client_for: Any) -> None:
    html = client_for(test_manager).get(reverse("core:desk")).content.decode()
    assert reverse("access:profiles_list") in html and reverse("access:profiles_compare") in html
    html = client_for(make_user(Role.FINANCE)).get(reverse("core:desk")).content.decode()
    assert reverse("access:profiles_compare") not in html


# --- API ------------------------------------------------------------------------------------------


def test_api_profile_list_and_detail_with_rights(auditor: Any, client_for: Any) -> None:
    view, pay = RightFactory(code="PENS_VIEW"), RightFactory(code="PAY_VIEW")
    base = ProfileFactory(code="BASE", content__rights=[view])
    top = ProfileFactory(code="TOP", content__includes=[base], content__rights=[pay], positions="a, b")
    ProfileFactory(code="STAR_ONE", system=SystemFactory(code="STAR"))
    client = client_for(auditor)
    body = client.get(f"{API}/profiles", {"system": "SKAIS"}).json()
    assert [p["code"] for p in body["items"]] == ["BASE", "TOP"]
    assert body["items"][1]["positions"] == ["a", "b"] and body["items"][1]["version_in_force"] == 1
    body = client.get(f"{API}/profiles/{top.pk}").json()
    assert body["includes"] == ["BASE"]
    assert [(r["code"], r["path"]) for r in body["rights"]] == [
        ("PAY_VIEW", ["TOP"]),
        ("PENS_VIEW", ["TOP", "BASE"]),
    ]
    assert body["versions"][0]["number"] == 1 and body["assignments_valid_today"] == 0
    assert client.get(f"{API}/profiles/999999").status_code == 404


def test_api_compare_profiles_and_versions(domain_support: Any, auditor: Any, client_for: Any) -> None:
    view, pay = RightFactory(code="VIEW"), RightFactory(code="PAY")
    base = ProfileFactory(code="BASE", content__rights=[view])
    profile = ProfileFactory(code="MAIN", content__rights=[pay])
    services.profile_change_propose(
        profile=profile, rights=[], includes=[base], note="x", actor=domain_support
    )
    client = client_for(auditor)
    body = client.get(f"{API}/profiles/compare", {"a": f"{profile.pk}:v1", "b": f"{profile.pk}:v2"}).json()
    assert [(r["code"], r["path_a"]) for r in body["only_a"]] == [("PAY", ["MAIN"])]
    assert [(r["code"], r["path_b"]) for r in body["only_b"]] == [("VIEW", ["MAIN", "BASE"])]
    assert body["both"] == []
    body = client.get(f"{API}/profiles/compare", {"a": profile.pk, "b": base.pk}).json()
    assert [r["code"] for r in body["only_b"]] == ["VIEW"]
    assert client.get(f"{API}/profiles/compare", {"a": "x", "b": base.pk}).status_code == 422
    assert client.get(f"{API}/profiles/compare", {"a": f"{profile.pk}:v7", "b": base.pk}).status_code == 404
