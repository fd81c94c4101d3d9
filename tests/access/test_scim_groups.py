"""SCIM Groups at /scim/v2/Groups: active profiles; membership changes give and end assignments."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from tests.access.factories import (
    AccountFactory,
    AssignmentFactory,
    OrgUnitFactory,
    ProfileFactory,
    RightFactory,
    SodPolicyFactory,
)
from tests.helpers import no_audit_event
from tugi.access.models import Assignment, AssignmentStatus
from tugi.core.models import AuditEvent
from tugi.core.services import token_create

pytestmark = pytest.mark.django_db

BASE = "/scim/v2"
SCIM = "application/scim+json"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def token_client(user: Any) -> Client:
    _token, text = token_create(user=user, name="identity provider", actor=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")


def patch(client: Client, url: str, *operations: dict[str, Any]) -> Any:
    return client.patch(url, {"schemas": [PATCH], "Operations": list(operations)}, content_type=SCIM)


@pytest.fixture
def idp(domain_support: Any) -> Client:
    return token_client(domain_support)


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    unit = OrgUnitFactory(code="pensionid")
    view = RightFactory(code="PENS_VIEW")
    return {
        "viewer": ProfileFactory(code="PENS_VIEWER", content__rights=[view]),
        "draft": ProfileFactory(code="DRAFT_ONE", status="draft"),
        "mari": AccountFactory(username="mari", first_name="Mari", last_name="Tamm", org_unit=unit),
        "jaan": AccountFactory(username="jaan", first_name="Jaan", last_name="Saar", org_unit=unit),
    }


def user_id(client: Client, username: str) -> str:
    found = client.get(f"{BASE}/Users", {"filter": f'userName eq "{username}"'}).json()["Resources"]
    return str(found[0]["id"])


def test_groups_are_active_profiles_with_todays_holders(idp: Client, world: dict[str, Any]) -> None:
    viewer = world["viewer"]
    empty = ProfileFactory(code="EMPTY")
    AssignmentFactory(account=world["mari"], profile=viewer)
    AssignmentFactory(  # ended yesterday: no longer a member
        account=world["jaan"],
        profile=viewer,
        valid_from=dt.date.today() - dt.timedelta(days=10),
        valid_to=dt.date.today() - dt.timedelta(days=1),
    )
    listing = idp.get(f"{BASE}/Groups").json()
    assert [g["displayName"] for g in listing["Resources"]] == ["SKAIS:PENS_VIEWER", "SKAIS:EMPTY"]
    group = listing["Resources"][0]
    assert "members" not in listing["Resources"][1]
    assert idp.get(f"{BASE}/Groups", {"filter": "members pr"}).json()["totalResults"] == 1
    assert idp.get(f"{BASE}/Groups/{empty.pk}", {"attributes": "displayName"}).json() == {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "id": str(empty.pk),
        "displayName": "SKAIS:EMPTY",
    }
    assert [m["display"] for m in group["members"]] == ["Mari Tamm"]
    assert group["members"][0]["value"] == user_id(idp, "mari")
    assert group["members"][0]["type"] == "User"
    one = idp.get(f"{BASE}/Groups/{viewer.pk}")
    assert one.status_code == 200 and one.json() == group
    assert idp.get(f"{BASE}/Groups/{world['draft'].pk}").status_code == 404
    found = idp.get(f"{BASE}/Groups", {"filter": 'displayName eq "skais:pens_viewer"'}).json()
    assert found["totalResults"] == 1
    member_of = idp.get(
        f"{BASE}/Groups",
        {"filter": f'members[value eq "{user_id(idp, "jaan")}"]', "excludedAttributes": "members"},
    ).json()
    assert member_of["totalResults"] == 0
    user = idp.get(f"{BASE}/Users/{user_id(idp, 'mari')}").json()
    assert user["groups"] == [
        {
            "value": str(viewer.pk),
            "$ref": f"http://testserver{BASE}/Groups/{viewer.pk}",
            "display": "SKAIS:PENS_VIEWER",
        }
    ]


def test_adding_a_member_assigns_the_profile_and_removing_ends_it(
    idp: Client, world: dict[str, Any], domain_support: Any
) -> None:
    viewer, mari = world["viewer"], world["mari"]
    url = f"{BASE}/Groups/{viewer.pk}"
    mari_id = user_id(idp, "mari")
    response = patch(idp, url, {"op": "add", "path": "members", "value": [{"value": mari_id}]})
    assert response.status_code == 200, response.content
    assert [m["value"] for m in response.json()["members"]] == [mari_id]
    assignment = Assignment.objects.get(account=mari, profile=viewer)
    assert assignment.valid_from == dt.date.today() and assignment.valid_to is None
    assert assignment.justification == "SCIM provisioning"
    assert assignment.requested_by == domain_support and assignment.approved_by == domain_support
    created = AuditEvent.objects.get(event_type="access.assignment_created")
    assert created.actor == domain_support and created.object_id == str(assignment.pk)

    # adding again changes nothing
    with no_audit_event():
        assert (
            patch(idp, url, {"op": "add", "path": "members", "value": [{"value": mari_id}]}).status_code
            == 200
        )

    response = patch(idp, url, {"op": "remove", "path": f'members[value eq "{mari_id}"]'})
    assert response.status_code == 200 and "members" not in response.json()
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ENDED and assignment.valid_to == dt.date.today()
    assert (
        AuditEvent.objects.filter(event_type="access.assignment_ended", object_id=str(assignment.pk)).count()
        == 1
    )


def test_azure_ad_style_member_removal_and_put(idp: Client, world: dict[str, Any]) -> None:
    viewer = world["viewer"]
    url = f"{BASE}/Groups/{viewer.pk}"
    mari_id, jaan_id = user_id(idp, "mari"), user_id(idp, "jaan")
    body = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "displayName": "SKAIS:PENS_VIEWER",
        "members": [{"value": mari_id}, {"value": jaan_id}],
    }
    assert idp.put(url, body, content_type=SCIM).status_code == 200
    assert Assignment.objects.filter(profile=viewer, status=AssignmentStatus.ACTIVE).count() == 2
    response = patch(idp, url, {"op": "Remove", "path": "members", "value": [{"value": jaan_id}]})
    assert [m["value"] for m in response.json()["members"]] == [mari_id]
    assert Assignment.objects.get(account=world["jaan"]).status == AssignmentStatus.ENDED


def test_a_member_who_would_break_a_sod_policy_is_refused(idp: Client, world: dict[str, Any]) -> None:
    create, approve = RightFactory(code="PAY_CREATE"), RightFactory(code="PAY_APPROVE")
    creator = ProfileFactory(code="PAY_CREATOR", content__rights=[create])
    approver = ProfileFactory(code="PAY_APPROVER", content__rights=[approve])
    SodPolicyFactory(name="Create and approve a payment", sides__rights_a=[create], sides__rights_b=[approve])
    AssignmentFactory(account=world["mari"], profile=creator)
    mari_id = user_id(idp, "mari")
    with no_audit_event():
        response = patch(
            idp,
            f"{BASE}/Groups/{approver.pk}",
            {"op": "add", "path": "members", "value": [{"value": mari_id}]},
        )
    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidValue"
    assert (
        "members" in response.json()["detail"] and "Create and approve a payment" in response.json()["detail"]
    )
    assert not Assignment.objects.filter(profile=approver).exists()


def test_unknown_members_and_group_writes_are_refused(idp: Client, world: dict[str, Any]) -> None:
    url = f"{BASE}/Groups/{world['viewer'].pk}"
    with no_audit_event():
        response = patch(idp, url, {"op": "add", "path": "members", "value": [{"value": "no-such-user"}]})
        assert response.status_code == 400 and "members" in response.json()["detail"]
        response = patch(
            idp, url, {"op": "add", "path": "members", "value": [{"value": "x", "type": "Group"}]}
        )
        assert response.status_code == 400 and "type" in response.json()["detail"]
        assert idp.post(f"{BASE}/Groups", {"displayName": "SKAIS:NEW"}, content_type=SCIM).status_code == 501
        assert idp.delete(url).status_code == 501
    assert not Assignment.objects.exists()


def test_an_auditor_cannot_change_members(auditor: Any, world: dict[str, Any]) -> None:
    client = token_client(auditor)
    url = f"{BASE}/Groups/{world['viewer'].pk}"
    assert client.get(url).status_code == 200
    mari_id = user_id(client, "mari")
    with no_audit_event():
        response = patch(client, url, {"op": "add", "path": "members", "value": [{"value": mari_id}]})
    assert response.status_code == 403
    assert not Assignment.objects.exists()
