"""The personal-data view log: every look at a person's data leaves a row the person can see."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PersonFactory
from tests.helpers import assert_queries_do_not_grow
from tugi.core.identity import make_code
from tugi.core.models import Job, Notification, PersonalDataView
from tugi.core.services import token_create

pytestmark = pytest.mark.django_db


def test_person_page_writes_exactly_one_view_row(domain_support: Any, client_for: Any) -> None:
    person = PersonFactory()
    response = client_for(domain_support).get(
        reverse("core:person_detail", args=[person.uid]), {"purpose": "pension application 123"}
    )
    assert response.status_code == 200
    (row,) = PersonalDataView.objects.all()
    assert (row.viewer, row.person, row.channel) == (domain_support, person, "web")
    assert row.purpose == "pension application 123"
    assert row.request_id == response["X-Request-ID"]


def test_person_page_without_a_purpose_still_logs_the_view(domain_support: Any, client_for: Any) -> None:
    person = PersonFactory()
    client_for(domain_support).get(reverse("core:person_detail", args=[person.uid]))
    assert PersonalDataView.objects.get().purpose


def test_person_page_lists_who_viewed_it(
    domain_support: Any, test_manager: Any, auditor: Any, client_for: Any
) -> None:
    person = PersonFactory()
    test_manager.first_name, test_manager.last_name = "Tiina", "Testija"
    test_manager.save()
    client_for(test_manager).get(reverse("core:person_detail", args=[person.uid]), {"purpose": "test case 7"})
    page = client_for(auditor).get(reverse("core:person_detail", args=[person.uid])).content.decode()
    assert "Tiina Testija" in page
    assert "test case 7" in page
    other = PersonFactory()
    other_page = client_for(auditor).get(reverse("core:person_detail", args=[other.uid])).content.decode()
    assert "test case 7" not in other_page  # each person shows only the views of their own data


def test_failed_lookup_logs_nothing(domain_support: Any, make_user: Any, client_for: Any) -> None:
    person = PersonFactory()
    client_for(make_user()).get(reverse("core:person_detail", args=[person.uid]))  # no role: 404
    assert not PersonalDataView.objects.exists()


def test_api_get_writes_one_row(domain_support: Any) -> None:
    person = PersonFactory()
    _token, text = token_create(user=domain_support, name="script", actor=domain_support)
    response = Client().get(
        f"/api/v1/persons/{person.uid}", {"purpose": "benefit check"}, HTTP_AUTHORIZATION=f"Bearer {text}"
    )
    assert response.status_code == 200
    assert response.json()["personal_code"] == person.personal_code
    (row,) = PersonalDataView.objects.all()
    assert (row.viewer, row.person, row.channel, row.purpose) == (
        domain_support,
        person,
        "api",
        "benefit check",
    )


def test_api_lookup_by_code_in_the_body_writes_one_row(domain_support: Any, client_for: Any) -> None:
    person = PersonFactory()
    client = client_for(domain_support)
    response = client.post(
        "/api/v1/persons/lookup",
        {"personal_code": person.personal_code, "purpose": "phone call"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["uid"] == str(person.uid)
    (row,) = PersonalDataView.objects.all()
    assert (row.person, row.purpose, row.channel) == (person, "phone call", "api")


def test_api_lookup_of_an_unknown_or_bad_code_logs_nothing(domain_support: Any, client_for: Any) -> None:
    client = client_for(domain_support)
    unknown = make_code(dt.date(1944, 4, 4), "F", 4)
    response = client.post(
        "/api/v1/persons/lookup", {"personal_code": unknown, "purpose": "x"}, content_type="application/json"
    )
    assert response.status_code == 404
    response = client.post(
        "/api/v1/persons/lookup",
        {"personal_code": "38001010008", "purpose": "x"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "personal_code" in response.json()["errors"]
    assert not PersonalDataView.objects.exists()


def test_api_list_logs_each_returned_person(domain_support: Any, client_for: Any) -> None:
    PersonFactory.create_batch(5)
    response = client_for(domain_support).get("/api/v1/persons", {"limit": 2, "offset": 0})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5
    assert len(body["items"]) == 2
    logged = [str(u) for u in PersonalDataView.objects.values_list("person__uid", flat=True)]
    assert sorted(logged) == sorted(item["uid"] for item in body["items"])


def test_persons_list_page_logs_the_persons_shown(domain_support: Any, client_for: Any) -> None:
    shown = [PersonFactory(last_name="Tamm") for _ in range(3)]
    PersonFactory(last_name="Saar")
    response = client_for(domain_support).get(reverse("core:person_list"), {"name": "Tamm"})
    assert response.status_code == 200
    assert sorted(PersonalDataView.objects.values_list("person_id", flat=True)) == sorted(p.pk for p in shown)
    assert set(PersonalDataView.objects.values_list("viewer_id", flat=True)) == {domain_support.pk}


def test_persons_list_page_logs_only_the_page_shown(domain_support: Any, client_for: Any) -> None:
    PersonFactory.create_batch(55)
    client_for(domain_support).get(reverse("core:person_list"))
    assert PersonalDataView.objects.count() == 50


def test_persons_export_logs_every_exported_person(domain_support: Any, client_for: Any) -> None:
    PersonFactory.create_batch(55)
    response = client_for(domain_support).get(reverse("core:person_list"), {"export": "csv"})
    lines = b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 56
    assert PersonalDataView.objects.count() == 55


# --- personal codes never in URLs ----------------------------------------------------------------


def test_person_urls_use_the_uid_never_the_code(domain_support: Any, client_for: Any) -> None:
    person = PersonFactory()
    url = reverse("core:person_detail", args=[person.uid])
    assert str(person.uid) in url and person.personal_code not in url
    client = client_for(domain_support)
    assert client.get(f"/persons/{person.personal_code}/").status_code == 404
    page = client.get(reverse("core:person_list")).content.decode()
    hrefs = re.findall(r'href="([^"]+)"', page)
    assert url in hrefs
    assert not [h for h in hrefs if person.personal_code in h]
    assert person.personal_code not in page  # the list shows the masked code only
    assert person.masked_code in page


def test_search_hits_link_to_the_uid(domain_support: Any, client_for: Any) -> None:
    person = PersonFactory(first_name="Kristjan", last_name="Jaak")
    page = client_for(domain_support).post(reverse("core:search"), {"q": "Kristjan"}).content.decode()
    assert reverse("core:person_detail", args=[person.uid]) in page
    assert person.personal_code not in page


def test_no_api_operation_takes_a_personal_code_in_the_url(client: Any) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    for path, operations in spec["paths"].items():
        assert "personal_code" not in path
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                assert parameter["name"] != "personal_code", (path, parameter)


# --- query counts --------------------------------------------------------------------------------


def test_person_page_query_count_is_pinned(
    domain_support: Any, make_user: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    person = PersonFactory()
    client = client_for(domain_support)
    url = reverse("core:person_detail", args=[person.uid])
    client.get(url)  # warm caches (content types, sessions)

    def more_views() -> None:
        for _ in range(5):
            viewer = make_user()
            PersonalDataView.objects.create(viewer=viewer, person=person, purpose="check")

    assert_queries_do_not_grow(more_views, lambda: client.get(url))
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200


def test_desk_query_count_is_pinned(
    domain_support: Any, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(domain_support)
    url = reverse("core:desk")
    Job.objects.create(kind="persons-import", key="0", title="Import 0", actor=domain_support)
    Notification.objects.create(user=domain_support, dedup_key="0", subject="Note 0")
    client.get(url)

    def more() -> None:
        for n in range(1, 6):
            Job.objects.create(kind="persons-import", key=str(n), title=f"Import {n}", actor=domain_support)
            Notification.objects.create(user=domain_support, dedup_key=str(n), subject=f"Note {n}")

    assert_queries_do_not_grow(more, lambda: client.get(url))
    # Each area's desk cards cost a query or two (32 with eight areas: finance's runs waiting for
    # approval, bank events, overpayments and monitors add two); the pin catches a card that starts
    # querying per row or an area that adds a heavy card.
    with django_assert_max_num_queries(32):
        response = client.get(url)
    assert "Import 5" in response.content.decode()
    assert "Note 5" in response.content.decode()


def test_search_by_personal_code_is_posted_never_put_in_the_url(domain_support: Any, client_for: Any) -> None:
    person = PersonFactory(first_name="Kristjan", last_name="Jaak")
    client = client_for(domain_support)
    posted = client.post(reverse("core:search"), {"q": person.personal_code}).content.decode()
    assert reverse("core:person_detail", args=[person.uid]) in posted
    # a query string is ignored: a code typed into a URL finds nothing and so is never invited
    from_url = client.get(reverse("core:search"), {"q": person.personal_code}).content.decode()
    assert reverse("core:person_detail", args=[person.uid]) not in from_url
    assert 'method="post"' in client.get(reverse("core:desk")).content.decode()
