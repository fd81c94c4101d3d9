"""The payments API beyond runs: the agency's debtor accounts, a person's bank accounts and payment
holds. Bad input is refused with 422 naming the field and changes nothing; each change writes one
audit event; reading a person's accounts or holds writes the personal-data view log."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.test import Client

from tests.helpers import exactly_one_audit_event, no_audit_event
from tugi.core.models import AuditEvent, PersonalDataView
from tugi.core.roles import Role
from tugi.core.services import token_create
from tugi.finance.models import BankAccount, DebtorAccount, HoldReason, PaymentHold
from tugi.finance.services import payments as svc
from tugi.finance.services.holds import hold_place

from .factories import IBANS, pensioner

pytestmark = pytest.mark.django_db

BASE = "/api/v1/finance"
SEB_IBAN = "EE801000102200347966"  # bank code 10: EEUHEE2X
UNKNOWN_UID = "00000000-0000-4000-8000-000000000000"


def snapshot() -> dict[str, Any]:
    """Everything these endpoints may write."""
    return {
        "debtors": list(DebtorAccount.objects.order_by("pk").values()),
        "accounts": list(BankAccount.objects.order_by("pk").values()),
        "holds": list(PaymentHold.objects.order_by("pk").values()),
        "audit": AuditEvent.objects.count(),
    }


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data, content_type="application/json")


def put(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.put(url, data, content_type="application/json")


def views_of(person: Any) -> list[PersonalDataView]:
    return list(PersonalDataView.objects.filter(person=person))


# --- debtor accounts -------------------------------------------------------------------------------


def _debtor(**changes: Any) -> dict[str, Any]:
    data = {
        "code": "ska-pension",
        "name": "Sotsiaalkindlustusamet",
        "iban": "ee80 1000 1022 0034 7966",
        "benefit": "pension",
        "reason": "new installation",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_debtors_list_create_and_change(finance_user: Any, client_for: Any) -> None:
    client = client_for(finance_user)
    assert client.get(f"{BASE}/debtors").json() == []

    with exactly_one_audit_event("finance.debtor_saved"):
        created = post(client, f"{BASE}/debtors", _debtor())
    assert created.status_code == 201
    body = created.json()
    debtor = DebtorAccount.objects.get()
    assert body == {
        "id": debtor.pk,
        "code": "ska-pension",
        "name": "Sotsiaalkindlustusamet",
        "iban": SEB_IBAN,
        "bic": "EEUHEE2X",  # found from the IBAN
        "benefit": "pension",
        "is_active": True,
    }
    assert client.get(f"{BASE}/debtors").json() == [body]

    url = f"{BASE}/debtors/{debtor.pk}"
    with exactly_one_audit_event("finance.debtor_saved"):
        changed = put(client, url, {"name": "Sotsiaalkindlustusamet (SKA)", "reason": "renamed"})
    assert changed.status_code == 200
    assert changed.json() == {**body, "name": "Sotsiaalkindlustusamet (SKA)"}  # the rest stays
    with no_audit_event():  # nothing changed: nothing written
        assert put(client, url, {"name": "Sotsiaalkindlustusamet (SKA)"}).status_code == 200

    with exactly_one_audit_event("finance.debtor_saved"):
        changed = put(client, url, {"iban": IBANS[2]})  # the BIC is found from the new IBAN
    assert (changed.json()["iban"], changed.json()["bic"]) == (IBANS[2], "LHVBEE22")
    with exactly_one_audit_event("finance.debtor_saved"):
        assert put(client, url, {"is_active": False}).json()["is_active"] is False
    debtor.refresh_from_db()
    assert (debtor.name, debtor.iban, debtor.is_active) == ("Sotsiaalkindlustusamet (SKA)", IBANS[2], False)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"iban": "EE80100010220034796"}, "iban"),
        ({"iban": ""}, "iban"),
        ({"iban": None}, "iban"),  # left out
        ({"bic": "XX"}, "bic"),
        ({"code": "ska pension", "benefit": "family"}, "code"),  # not a slug
        ({"code": None}, "code"),
        ({"name": "  "}, "name"),
        ({"benefit": "holiday"}, "benefit"),
        ({"code": "ska-pension-2"}, "benefit"),  # a second active account for pensions
        ({"code": "ska-pension", "benefit": "family"}, "code"),  # the code is taken
    ],
)
def test_debtor_create_bad_input_names_the_field_and_changes_nothing(
    finance_user: Any, client_for: Any, changes: dict[str, Any], field: str
) -> None:
    svc.debtor_account_save(
        actor=finance_user, code="ska-pension", name="SKA", iban=SEB_IBAN, benefit="pension"
    )
    before = snapshot()
    response = post(client_for(finance_user), f"{BASE}/debtors", _debtor(**changes))
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"iban": "EE12"}, "iban"),
        ({"bic": "XX"}, "bic"),
        ({"benefit": "holiday"}, "benefit"),
        ({"name": ""}, "name"),
        ({"code": "ska-family"}, "code"),  # taken by the other account
    ],
)
def test_debtor_change_bad_input_names_the_field_and_changes_nothing(
    finance_user: Any, client_for: Any, data: dict[str, Any], field: str
) -> None:
    debtor = svc.debtor_account_save(
        actor=finance_user, code="ska-pension", name="SKA", iban=SEB_IBAN, benefit="pension"
    )
    svc.debtor_account_save(
        actor=finance_user, code="ska-family", name="SKA", iban=IBANS[2], benefit="family"
    )
    before = snapshot()
    response = put(client_for(finance_user), f"{BASE}/debtors/{debtor.pk}", data)
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert snapshot() == before


def test_debtor_writes_are_refused_without_the_grant_and_unknown_ids_are_404(
    finance_user: Any, auditor: Any, domain_support: Any, make_user: Any, client_for: Any
) -> None:
    debtor = svc.debtor_account_save(
        actor=finance_user, code="ska-pension", name="SKA", iban=SEB_IBAN, benefit="pension"
    )
    before = snapshot()
    for user in (auditor, domain_support):  # may view, not add or change
        client = client_for(user)
        assert [d["id"] for d in client.get(f"{BASE}/debtors").json()] == [debtor.pk]
        assert post(client, f"{BASE}/debtors", _debtor(code="x", benefit="family")).status_code == 403
        assert put(client, f"{BASE}/debtors/{debtor.pk}", {"name": "Changed"}).status_code == 403
    assert client_for(make_user()).get(f"{BASE}/debtors").status_code == 403
    missing = put(client_for(finance_user), f"{BASE}/debtors/999999", {"name": "Changed"})
    assert missing.status_code == 404
    assert snapshot() == before


# --- a person's bank accounts ----------------------------------------------------------------------


def test_person_accounts_list_and_give(finance_user: Any, client_for: Any) -> None:
    person = pensioner(iban=IBANS[0], given_on=dt.date(2020, 1, 1)).person
    client = client_for(finance_user)
    url = f"{BASE}/persons/{person.uid}/accounts"

    listed = client.get(url)
    assert listed.status_code == 200
    assert [(a["iban"], a["paid_to"]) for a in listed.json()] == [(IBANS[0], True)]

    with exactly_one_audit_event("finance.account_given"):
        given = post(client, url, {"iban": IBANS[1], "given_on": "2025-01-01", "town": "Tartu"})
    assert given.status_code == 201
    body = given.json()
    new = BankAccount.objects.get(iban=IBANS[1])
    assert body["id"] == new.pk and body["paid_to"] is True and body["bic"] == "EEUHEE2X"
    assert (body["given_on"], body["country"], body["town"]) == ("2025-01-01", "EE", "Tartu")

    with exactly_one_audit_event("finance.account_given"):
        older = post(client, url, {"iban": IBANS[2], "given_on": "2019-06-01"})
    assert older.status_code == 201 and older.json()["paid_to"] is False  # not the last given

    rows = client.get(url).json()  # newest first; the first is paid to
    assert [(a["iban"], a["paid_to"]) for a in rows] == [
        (IBANS[1], True),
        (IBANS[0], False),
        (IBANS[2], False),
    ]
    assert person.bank_accounts.count() == 3


def test_reading_a_persons_accounts_writes_one_view_log_row(finance_user: Any, client_for: Any) -> None:
    person = pensioner().person
    client = client_for(finance_user)
    assert views_of(person) == []
    assert client.get(f"{BASE}/persons/{person.uid}/accounts").status_code == 200
    (view,) = views_of(person)
    assert (view.viewer, view.channel, view.purpose) == (finance_user, "api", "bank accounts (API)")
    client.get(f"{BASE}/persons/{person.uid}/accounts?purpose=benefit+application+1234")
    assert views_of(person)[0].purpose == "benefit application 1234"
    # giving an account is audited, not view-logged
    post(client, f"{BASE}/persons/{person.uid}/accounts", {"iban": IBANS[1], "given_on": "2025-01-01"})
    assert len(views_of(person)) == 2


def test_person_accounts_with_an_api_token(finance_user: Any) -> None:
    person = pensioner().person
    _token, text = token_create(user=finance_user, name="payments script", actor=finance_user)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {text}")
    response = client.get(f"{BASE}/persons/{person.uid}/accounts")
    assert response.status_code == 200 and response.json()[0]["iban"] == IBANS[0]
    assert [(v.viewer, v.channel) for v in views_of(person)] == [(finance_user, "api")]
    assert Client().get(f"{BASE}/persons/{person.uid}/accounts").status_code == 401


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"iban": "EE12", "given_on": "2025-01-01"}, "iban"),
        ({"given_on": "2025-01-01"}, "iban"),
        ({"iban": IBANS[1]}, "given_on"),
        ({"iban": IBANS[1], "given_on": "2999-01-01"}, "given_on"),
        ({"iban": IBANS[1], "given_on": "2025-01-01", "country": "EST"}, "country"),
        ({"iban": IBANS[1], "given_on": "2025-01-01", "bic": "XX"}, "bic"),
        ({"iban": IBANS[1], "given_on": "2025-01-01", "town": "T" * 36}, "town"),
    ],
)
def test_account_give_bad_input_names_the_field_and_changes_nothing(
    finance_user: Any, client_for: Any, data: dict[str, Any], field: str
) -> None:
    person = pensioner().person
    before = snapshot()
    response = post(client_for(finance_user), f"{BASE}/persons/{person.uid}/accounts", data)
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert snapshot() == before


def test_person_accounts_refused_without_the_grant_and_404_for_an_unknown_person(
    finance_user: Any, auditor: Any, make_user: Any, client_for: Any
) -> None:
    person = pensioner().person
    url = f"{BASE}/persons/{person.uid}/accounts"
    before = snapshot()
    payload = {"iban": IBANS[1], "given_on": "2025-01-01"}
    auditor_client = client_for(auditor)
    assert auditor_client.get(url).status_code == 200  # auditors view
    assert post(auditor_client, url, payload).status_code == 403
    nobody = client_for(make_user())
    assert nobody.get(url).status_code == 403
    assert post(nobody, url, payload).status_code == 403
    assert [v.viewer for v in views_of(person)] == [auditor]  # refused reads are not logged
    client = client_for(finance_user)
    assert client.get(f"{BASE}/persons/{UNKNOWN_UID}/accounts").status_code == 404
    assert post(client, f"{BASE}/persons/{UNKNOWN_UID}/accounts", payload).status_code == 404
    assert client.get(f"{BASE}/persons/not-a-uid/accounts").status_code == 404
    assert client.get(f"{BASE}/persons/{person.personal_code}/accounts").status_code == 404
    assert snapshot() == before


# --- payment holds ---------------------------------------------------------------------------------


def test_place_list_and_release_a_hold(finance_user: Any, client_for: Any) -> None:
    person = pensioner().person
    client = client_for(finance_user)
    url = f"{BASE}/persons/{person.uid}/holds"
    assert client.get(url).json() == []

    with exactly_one_audit_event("finance.hold_placed"):
        placed = post(client, url, {"reason": HoldReason.CLOSED_ACCOUNT, "note": "the bank called"})
    assert placed.status_code == 201
    body = placed.json()
    hold = PaymentHold.objects.get()
    assert (hold.person, hold.reason, hold.note, hold.placed_by) == (
        person,
        "AC04",
        "the bank called",
        finance_user,
    )
    assert body["id"] == hold.pk and body["person_uid"] == str(person.uid)
    assert (body["reason"], body["active"], body["placed_by"]) == ("AC04", True, "fin")
    assert body["released_at"] is None and body["released_by"] is None

    listed = client.get(url)
    assert listed.status_code == 200 and [h["id"] for h in listed.json()] == [hold.pk]

    # one active hold at a time
    before = snapshot()
    again = post(client, url, {"reason": "manual", "note": "again"})
    assert again.status_code == 422 and "reason" in again.json()["errors"]
    assert snapshot() == before

    release = f"{BASE}/holds/{hold.pk}/release"
    with exactly_one_audit_event("finance.hold_released"):
        released = post(client, release, {"note": "new account given"})
    assert released.status_code == 200
    assert (released.json()["active"], released.json()["released_by"]) == (False, "fin")
    assert released.json()["release_note"] == "new account given"
    hold.refresh_from_db()
    assert hold.released_at is not None and hold.released_by == finance_user

    before = snapshot()
    twice = post(client, release, {"note": "again"})
    assert twice.status_code == 422 and "hold" in twice.json()["errors"]
    assert snapshot() == before
    # after the release a new hold may be placed
    assert post(client, url, {"reason": "manual", "note": "checking"}).status_code == 201


def test_reading_a_persons_holds_writes_one_view_log_row(finance_user: Any, client_for: Any) -> None:
    person = pensioner().person
    hold_place(person=person, reason=HoldReason.MANUAL, note="checking", actor=finance_user)
    assert client_for(finance_user).get(f"{BASE}/persons/{person.uid}/holds").status_code == 200
    (view,) = views_of(person)
    assert (view.viewer, view.channel, view.purpose) == (finance_user, "api", "payment holds (API)")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"reason": "manual", "note": ""}, "note"),
        ({"reason": "AC01", "note": "   "}, "note"),
        ({"reason": "AC01"}, "note"),  # by hand the note is required whatever the reason
        ({"reason": "XX99", "note": "why"}, "reason"),
        ({"note": "why"}, "reason"),
    ],
)
def test_place_a_hold_bad_input_names_the_field_and_changes_nothing(
    finance_user: Any, client_for: Any, data: dict[str, Any], field: str
) -> None:
    person = pensioner().person
    before = snapshot()
    response = post(client_for(finance_user), f"{BASE}/persons/{person.uid}/holds", data)
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert snapshot() == before


@pytest.mark.parametrize("data", [{}, {"note": ""}, {"note": "   "}])
def test_release_a_hold_without_a_note_names_the_field_and_changes_nothing(
    finance_user: Any, client_for: Any, data: dict[str, Any]
) -> None:
    hold = hold_place(person=pensioner().person, reason=HoldReason.MANUAL, note="x", actor=finance_user)
    before = snapshot()
    response = post(client_for(finance_user), f"{BASE}/holds/{hold.pk}/release", data)
    assert response.status_code == 422
    assert "note" in response.json()["errors"]
    assert snapshot() == before


def test_holds_refused_without_the_grant_and_404_for_unknown_ids(
    finance_user: Any, auditor: Any, make_user: Any, client_for: Any
) -> None:
    person = pensioner().person
    hold = hold_place(person=person, reason=HoldReason.MANUAL, note="checking", actor=finance_user)
    url = f"{BASE}/persons/{person.uid}/holds"
    release = f"{BASE}/holds/{hold.pk}/release"
    before = snapshot()
    auditor_client = client_for(auditor)
    assert [h["id"] for h in auditor_client.get(url).json()] == [hold.pk]  # auditors view
    assert post(auditor_client, url, {"reason": "manual", "note": "x"}).status_code == 403
    assert post(auditor_client, release, {"note": "x"}).status_code == 403
    nobody = client_for(make_user(Role.TEST_MANAGER))
    assert nobody.get(url).status_code == 403
    assert post(nobody, release, {"note": "x"}).status_code == 403
    client = client_for(finance_user)
    assert client.get(f"{BASE}/persons/{UNKNOWN_UID}/holds").status_code == 404
    assert (
        post(client, f"{BASE}/persons/{uuid.uuid4()}/holds", {"reason": "manual", "note": "x"}).status_code
        == 404
    )
    assert post(client, f"{BASE}/holds/999999/release", {"note": "x"}).status_code == 404
    assert snapshot() == before
    assert [v.viewer for v in views_of(person)] == [auditor]


# --- the OpenAPI document -------------------------------------------------------------------------


def test_the_new_endpoints_are_in_the_openapi_document(db: Any) -> None:
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    for path, methods in (
        (f"{BASE}/debtors", {"get", "post"}),
        (f"{BASE}/debtors/{{debtor_id}}", {"put"}),
        (f"{BASE}/persons/{{uid}}/accounts", {"get", "post"}),
        (f"{BASE}/persons/{{uid}}/holds", {"get", "post"}),
        (f"{BASE}/holds/{{hold_id}}/release", {"post"}),
    ):
        assert methods <= set(paths.get(path, {})), f"{sorted(methods)} {path} is not documented"
