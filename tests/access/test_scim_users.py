"""SCIM Users at /scim/v2/Users: accounts created, read, filtered, changed, ended through the services."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.test import Client

from tests.access.factories import AccountFactory, AssignmentFactory, OrgUnitFactory
from tests.helpers import no_audit_event
from tugi.access.models import Account, AssignmentStatus, EmploymentStatus
from tugi.core.models import AuditEvent
from tugi.core.services import token_create

pytestmark = pytest.mark.django_db

BASE = "/scim/v2"
SCIM = "application/scim+json"
CORE = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def token_client(user: Any) -> Client:
    _token, text = token_create(user=user, name="HR system", actor=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}")


@pytest.fixture
def units(db: Any) -> dict[str, Any]:
    return {
        "pension": OrgUnitFactory(code="pensionid", name="Pensionide osakond"),
        "family": OrgUnitFactory(code="perehuvitised", name="Perehüvitiste osakond"),
    }


@pytest.fixture
def hr(domain_support: Any) -> Client:
    return token_client(domain_support)


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, body, content_type=SCIM)


def patch(client: Client, url: str, *operations: dict[str, Any]) -> Any:
    return client.patch(url, {"schemas": [PATCH], "Operations": list(operations)}, content_type=SCIM)


def new_user(**extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "schemas": [CORE, ENTERPRISE],
        "userName": "mari.tamm",
        "externalId": "E1001",
        "name": {"givenName": "Mari", "familyName": "Tamm"},
        "title": "pensionispetsialist",
        "emails": [{"value": "mari.tamm@agency.example.com", "type": "work", "primary": True}],
        "active": True,
        ENTERPRISE: {"department": "pensionid"},
    }
    body.update(extra)
    return body


def events(kind: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=kind).order_by("pk"))


def test_no_token_401_and_a_bad_token_401_as_scim_errors(units: Any) -> None:
    response = Client().get(f"{BASE}/Users")
    assert response.status_code == 401
    assert response["Content-Type"].startswith(SCIM)
    assert response.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert response.json()["status"] == "401"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert Client(HTTP_AUTHORIZATION="Bearer tugi_not-a-token").get(f"{BASE}/Users").status_code == 401
    assert Client().post(f"{BASE}/Users", new_user(), content_type=SCIM).status_code == 401
    assert not Account.objects.exists()


def test_create_a_user_then_read_it(hr: Client, units: Any, domain_support: Any) -> None:
    response = post(hr, f"{BASE}/Users", new_user())
    assert response.status_code == 201, response.content
    body = response.json()
    account = Account.objects.get(username="mari.tamm")
    assert body["id"] == str(account.scim_id)
    assert response["Location"] == f"http://testserver{BASE}/Users/{account.scim_id}"
    assert response["ETag"] == body["meta"]["version"]
    assert body["name"] == {"givenName": "Mari", "familyName": "Tamm"}
    assert body["emails"] == [{"value": "mari.tamm@agency.example.com", "type": "work"}]
    assert body["active"] is True and body["externalId"] == "E1001" and body["title"] == "pensionispetsialist"
    assert body[ENTERPRISE] == {"department": "pensionid"}
    assert (account.first_name, account.last_name, account.employee_id) == ("Mari", "Tamm", "E1001")
    assert account.org_unit == units["pension"] and account.position == "pensionispetsialist"
    created = events("access.account_created")
    assert (
        len(created) == 1 and created[0].actor == domain_support and created[0].reason == "SCIM provisioning"
    )
    assert [e.after for e in events("access.scim_id_assigned")] == [{"scim_id": str(account.scim_id)}]

    again = hr.get(f"{BASE}/Users/{account.scim_id}")
    assert again.status_code == 200 and again.json() == body
    assert (
        hr.get(f"{BASE}/Users/{account.scim_id}", HTTP_IF_NONE_MATCH=body["meta"]["version"]).status_code
        == 304
    )
    assert hr.get(f"{BASE}/Users/{uuid.uuid4()}").status_code == 404
    assert hr.get(f"{BASE}/Users/not-a-uuid").json()["status"] == "404"


def test_a_manager_is_referenced_by_id(hr: Client, units: Any) -> None:
    boss = post(hr, f"{BASE}/Users", new_user(userName="juhan.juht", externalId="E1")).json()
    body = new_user(**{ENTERPRISE: {"department": "pensionid", "manager": {"value": boss["id"]}}})
    created = post(hr, f"{BASE}/Users", body).json()
    assert created[ENTERPRISE]["manager"] == {"value": boss["id"], "$ref": boss["meta"]["location"]}
    assert Account.objects.get(username="mari.tamm").manager == Account.objects.get(username="juhan.juht")


def test_existing_accounts_get_a_scim_id_when_first_listed_once(hr: Client, units: Any) -> None:
    account = AccountFactory(username="vana.kasutaja", org_unit=units["family"])
    assert account.scim_id is None
    listing = hr.get(f"{BASE}/Users").json()
    account.refresh_from_db()
    assert [r["id"] for r in listing["Resources"]] == [str(account.scim_id)]
    hr.get(f"{BASE}/Users")
    assert len(events("access.scim_id_assigned")) == 1


def test_filtering_and_pagination(hr: Client, units: Any) -> None:
    AccountFactory(
        username="mari.tamm", first_name="Mari", last_name="Tamm", employee_id="E1", org_unit=units["pension"]
    )
    AccountFactory(
        username="jaan.saar", first_name="Jaan", last_name="Saar", employee_id="E2", org_unit=units["family"]
    )
    AccountFactory(
        username="liis.magi", first_name="Liis", last_name="Mägi", employee_id="E3", org_unit=units["family"]
    )
    AccountFactory(
        username="endine",
        status=EmploymentStatus.LEAVER,
        left_on=dt.date(2024, 1, 31),
        org_unit=units["family"],
    )

    def names(query: dict[str, Any]) -> list[str]:
        response = hr.get(f"{BASE}/Users", query)
        assert response.status_code == 200, response.content
        return [r["userName"] for r in response.json()["Resources"]]

    assert names({}) == ["mari.tamm", "jaan.saar", "liis.magi"]  # a leaver SCIM never showed is not a User
    assert names({"filter": 'userName eq "MARI.TAMM"'}) == ["mari.tamm"]
    assert names({"filter": 'externalId eq "E2"'}) == ["jaan.saar"]
    assert names({"filter": 'externalId eq "e2"'}) == []  # externalId is case-exact
    assert names({"filter": 'emails.value co "saar@"'}) == ["jaan.saar"]
    assert names({"filter": 'emails[value sw "liis"]'}) == ["liis.magi"]
    assert names({"filter": 'displayName sw "Ja"'}) == ["jaan.saar"]
    assert names({"filter": 'userName sw "j" or userName sw "l"'}) == ["jaan.saar", "liis.magi"]
    assert names({"filter": f'{ENTERPRISE}:department eq "perehuvitised" and not (userName co "liis")'}) == [
        "jaan.saar"
    ]
    assert names({"filter": "externalId pr and active eq true"}) == ["mari.tamm", "jaan.saar", "liis.magi"]
    assert names({"filter": "active eq false"}) == []
    page = hr.get(f"{BASE}/Users", {"startIndex": 2, "count": 1}).json()
    assert (page["totalResults"], page["startIndex"], page["itemsPerPage"]) == (3, 2, 1)
    assert [r["userName"] for r in page["Resources"]] == ["jaan.saar"]
    only = hr.get(f"{BASE}/Users", {"attributes": "userName"}).json()["Resources"][0]
    assert set(only) == {"schemas", "id", "userName"}
    without = hr.get(f"{BASE}/Users", {"excludedAttributes": "emails,name"}).json()["Resources"][0]
    assert "emails" not in without and "name" not in without and "userName" in without
    searched = post(
        hr, f"{BASE}/Users/.search", {"filter": 'userName eq "liis.magi"', "attributes": ["userName"]}
    )
    assert [r["userName"] for r in searched.json()["Resources"]] == ["liis.magi"]


def test_bad_filters_are_scim_400_invalid_filter(hr: Client, units: Any) -> None:
    for text, named in [
        ("userName eq", "cannot be read"),
        ('nickName eq "x"', "nickName"),
        ('active eq "yes"', "active"),
    ]:
        response = hr.get(f"{BASE}/Users", {"filter": text})
        assert response.status_code == 400
        assert response.json()["scimType"] == "invalidFilter"
        assert named.lower() in response.json()["detail"].lower()


def test_patch_changes_details_and_active_false_makes_a_leaver(
    hr: Client, units: Any, domain_support: Any
) -> None:
    account = AccountFactory(
        username="jaan.saar", first_name="Mari", org_unit=units["pension"], position="spetsialist"
    )
    assignment = AssignmentFactory(account=account)
    scim_id = hr.get(f"{BASE}/Users").json()["Resources"][0]["id"]
    url = f"{BASE}/Users/{scim_id}"
    response = patch(
        hr,
        url,
        {"op": "replace", "path": "name.givenName", "value": "Jaanus"},
        {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "jaanus@agency.example.com"},
        {"op": "add", "value": {"title": "peaspetsialist", f"{ENTERPRISE}:department": "perehuvitised"}},
    )
    assert response.status_code == 200, response.content
    account.refresh_from_db()
    assert (account.first_name, account.email, account.position) == (
        "Jaanus",
        "jaanus@agency.example.com",
        "peaspetsialist",
    )
    assert account.org_unit == units["family"]
    assert response.json()["name"]["givenName"] == "Jaanus"
    assignment.refresh_from_db()
    assert assignment.needs_review is True  # a mover's assignments are flagged
    moved = events("access.account_moved")
    assert len(moved) == 1 and moved[0].actor == domain_support and moved[0].before["first_name"] == "Mari"

    response = patch(hr, url, {"op": "Replace", "path": "active", "value": "False"})  # as Azure AD sends it
    assert response.status_code == 200 and response.json()["active"] is False
    account.refresh_from_db()
    assignment.refresh_from_db()
    assert account.status == EmploymentStatus.LEAVER and account.left_on == dt.date.today()
    assert assignment.status == AssignmentStatus.ENDED and assignment.valid_to == dt.date.today()
    assert len(events("access.account_left")) == 1 and len(events("access.assignment_ended")) == 1
    assert hr.get(url).json()["active"] is False  # a deactivated User stays visible

    response = patch(hr, url, {"op": "replace", "value": {"active": True}})
    assert response.status_code == 200 and response.json()["active"] is True
    account.refresh_from_db()
    assert account.status == EmploymentStatus.ACTIVE and account.left_on is None
    assert len(events("access.account_rejoined")) == 1


def test_put_replaces_and_delete_ends_the_account(hr: Client, units: Any) -> None:
    created = post(hr, f"{BASE}/Users", new_user()).json()
    url = f"{BASE}/Users/{created['id']}"
    body = new_user(name={"givenName": "Mari", "familyName": "Kask"})
    del body["emails"], body["title"]
    response = hr.put(url, body, content_type=SCIM)
    assert response.status_code == 200, response.content
    assert "emails" not in response.json() and "title" not in response.json()
    account = Account.objects.get(username="mari.tamm")
    assert (account.last_name, account.email, account.position) == ("Kask", "", "")
    assert account.status == EmploymentStatus.ACTIVE  # active sent: unchanged
    [updated] = events("access.account_moved")  # no title any more: another position
    assert updated.before["last_name"] == "Tamm" and updated.after["last_name"] == "Kask"

    assert hr.put(url, body, content_type=SCIM, HTTP_IF_MATCH='W/"stale"').status_code == 412
    response = hr.delete(url)
    assert response.status_code == 204
    account.refresh_from_db()
    assert account.status == EmploymentStatus.LEAVER and account.left_on == dt.date.today()
    assert account.scim_id is None
    assert hr.get(url).status_code == 404
    assert hr.delete(url).status_code == 404
    [deleted] = events("access.scim_user_deleted")
    assert deleted.before == {"scim_id": created["id"]}


def test_an_auditor_reads_but_cannot_write(auditor: Any, units: Any) -> None:
    client = token_client(auditor)
    account = AccountFactory(org_unit=units["pension"])
    listing = client.get(f"{BASE}/Users")
    assert listing.status_code == 200 and listing.json()["totalResults"] == 1
    url = f"{BASE}/Users/{listing.json()['Resources'][0]['id']}"
    with no_audit_event():
        response = post(client, f"{BASE}/Users", new_user())
        assert response.status_code == 403
        assert response.json()["status"] == "403"
        assert patch(client, url, {"op": "replace", "path": "active", "value": False}).status_code == 403
        assert client.put(url, new_user(), content_type=SCIM).status_code == 403
        assert client.delete(url).status_code == 403
    account.refresh_from_db()
    assert account.status == EmploymentStatus.ACTIVE and Account.objects.count() == 1


def test_a_user_without_access_rights_gets_403(finance_user: Any, units: Any) -> None:
    client = token_client(finance_user)  # finance may request access, not see accounts
    assert client.get(f"{BASE}/Users").status_code == 403
    assert client.get(f"{BASE}/ServiceProviderConfig").status_code == 200


@pytest.mark.parametrize(
    ("change", "attribute"),
    [
        ({"userName": ""}, "userName"),
        ({"name": {"givenName": "Mari"}}, "name.familyName"),
        ({"emails": [{"value": "not-an-address"}]}, "emails.value"),
        ({"active": "maybe"}, "active"),
        ({ENTERPRISE: {"department": "no-such-unit"}}, f"{ENTERPRISE}:department"),
        ({ENTERPRISE: {}}, f"{ENTERPRISE}:department"),
        (
            {ENTERPRISE: {"department": "pensionid", "manager": {"value": str(uuid.uuid4())}}},
            f"{ENTERPRISE}:manager",
        ),
        ({"externalId": "E" * 41}, "externalId"),
    ],
)
def test_bad_input_is_a_scim_400_naming_the_attribute(
    hr: Client, units: Any, change: dict[str, Any], attribute: str
) -> None:
    with no_audit_event():
        response = post(hr, f"{BASE}/Users", new_user(**change))
    assert response.status_code == 400
    assert response.json()["scimType"] == "invalidValue"
    assert attribute in response.json()["detail"]
    assert not Account.objects.exists()


def test_bad_patches_change_nothing(hr: Client, units: Any) -> None:
    created = post(hr, f"{BASE}/Users", new_user()).json()
    url = f"{BASE}/Users/{created['id']}"
    cases = [
        ({"op": "remove", "path": "userName"}, "mutability", "userName"),
        ({"op": "remove", "path": "active"}, "mutability", "active"),
        ({"op": "replace", "path": "nickName", "value": "x"}, "invalidPath", "nickName"),
        ({"op": "replace", "path": "emails[type eq", "value": "x"}, "invalidPath", "emails"),
        ({"op": "move", "path": "title", "value": "x"}, "invalidSyntax", "op"),
        ({"op": "remove"}, "noTarget", "path"),
        ({"op": "replace", "path": "emails", "value": [{"value": "bad"}]}, "invalidValue", "emails.value"),
    ]
    with no_audit_event():
        for operation, scim_type, named in cases:
            response = patch(hr, url, operation)
            assert response.status_code == 400, operation
            assert response.json()["scimType"] == scim_type, operation
            assert named in response.json()["detail"], operation
        response = hr.patch(url, "{not json", content_type=SCIM)
        assert response.status_code == 400 and response.json()["scimType"] == "invalidSyntax"
    assert hr.get(url).json() == created


def test_a_taken_user_name_is_409_uniqueness(hr: Client, units: Any) -> None:
    AccountFactory(username="Mari.Tamm", org_unit=units["pension"])
    response = post(hr, f"{BASE}/Users", new_user())
    assert response.status_code == 409
    assert response.json()["scimType"] == "uniqueness" and "userName" in response.json()["detail"]


def test_discovery_documents(hr: Client, units: Any) -> None:
    config = hr.get(f"{BASE}/ServiceProviderConfig").json()
    assert config["patch"]["supported"] is True and config["filter"]["supported"] is True
    assert config["authenticationSchemes"][0]["type"] == "oauthbearertoken"
    types = hr.get(f"{BASE}/ResourceTypes").json()["Resources"]
    assert [(t["name"], t["endpoint"]) for t in types] == [("User", "/Users"), ("Group", "/Groups")]
    enterprise = hr.get(f"{BASE}/Schemas/{ENTERPRISE}").json()
    department = next(a for a in enterprise["attributes"] if a["name"] == "department")
    assert department["canonicalValues"] == ["pensionid", "perehuvitised"]
    assert hr.post(f"{BASE}/Schemas", {}, content_type=SCIM).status_code == 405
    assert hr.get(f"{BASE}/Nothing/here").status_code == 404


@pytest.mark.django_db
def test_odd_numbers_in_ids_and_paging_answer_cleanly(client: Any, domain_support: Any) -> None:
    from tugi.core.services import token_create

    _token, text = token_create(user=domain_support, name="scim", actor=domain_support)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {text}"}
    assert client.get("/scim/v2/Groups/%C2%B2", **auth).status_code == 404
    response = client.get("/scim/v2/Users", {"startIndex": "99999999999999999999"}, **auth)
    assert response.status_code == 200
    assert response.json()["Resources"] == []
