"""The explain page: granted through nested profiles, not granted with what would grant it (and the
segregation of duties conflicts that would follow), and a past date answered with that day's
profile versions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.access.factories import (
    AccountFactory,
    AssignmentFactory,
    ProfileFactory,
    RightFactory,
    SodPolicyFactory,
    SystemFactory,
    new_version,
)
from tugi.access.models import Account, Profile, Right

pytestmark = pytest.mark.django_db


@dataclass
class World:
    account: Account
    view: Right  # granted: TOP > MIDDLE > BASE > PENS_VIEW
    approve: Right  # not granted; PAY_APPROVER grants it and breaks the payment policy
    old: Right  # granted until ten days ago by BASE's first version
    top: Profile
    middle: Profile
    base: Profile
    approver: Profile
    assignment: Any


def build_world() -> World:
    view, approve, create = (
        RightFactory(code="PENS_VIEW"),
        RightFactory(code="PAY_APPROVE"),
        RightFactory(code="PAY_CREATE"),
    )
    old = RightFactory(code="OLD_REPORT", name_et="Vana aruanne")
    base = ProfileFactory(
        code="BASE",
        name="Põhiõigused",
        content__rights=[view, old],
        content__since=timezone.now() - dt.timedelta(days=100),
    )
    new_version(base, rights=[view], at=timezone.now() - dt.timedelta(days=10))
    middle = ProfileFactory(code="MIDDLE", content__includes=[base])
    top = ProfileFactory(
        code="TOP", name="Pensionispetsialist", content__includes=[middle], content__rights=[create]
    )
    approver = ProfileFactory(code="PAY_APPROVER", name="Maksete kinnitaja", content__rights=[approve])
    SodPolicyFactory(
        code="pay-4-eyes",
        name="Create and approve a payment",
        sides__rights_a=[create],
        sides__rights_b=[approve],
    )
    account = AccountFactory(username="mari.tamm", first_name="Mari", last_name="Tamm")
    assignment = AssignmentFactory(
        account=account, profile=top, valid_from=dt.date.today() - dt.timedelta(days=200)
    )
    return World(account, view, approve, old, top, middle, base, approver, assignment)


URL = "/access/explain/"


def ask(client: Any, right: str, at: str = "", account: str = "mari.tamm", system: str = "SKAIS") -> Any:
    return client.get(URL, {"account": account, "system": system, "right": right, "at": at})


def test_granted_through_nested_profiles_shows_the_path(domain_support: Any, client_for: Any) -> None:
    world = build_world()
    response = ask(client_for(domain_support), "PENS_VIEW")
    assert response.status_code == 200
    result = response.context["result"]
    assert result["granted"] is True
    [path] = result["paths"]
    assert [s["kind"] for s in path] == ["assignment", "profile", "profile", "profile", "right"]
    assert [s.get("code") for s in path[1:]] == ["TOP", "MIDDLE", "BASE", "PENS_VIEW"]
    assert path[0]["valid_from"] == world.assignment.valid_from and path[1]["name"] == "Pensionispetsialist"
    html = response.content.decode()
    assert 'data-granted="true"' in html and 'id="explain-granted"' in html
    assert html.index('data-code="TOP"') < html.index('data-code="MIDDLE"') < html.index('data-code="BASE"')


def test_not_granted_lists_profiles_that_would_grant_it_with_sod_conflicts(
    domain_support: Any, client_for: Any
) -> None:
    world = build_world()
    response = ask(client_for(domain_support), "pay_approve")  # codes are matched without case
    result = response.context["result"]
    assert result["granted"] is False and result["paths"] == []
    [offer] = result["would_grant"]
    assert offer["profile"] == "PAY_APPROVER" and offer["profile_id"] == world.approver.pk
    assert [c["policy"] for c in offer["sod_conflicts"]] == ["pay-4-eyes"]
    assert offer["request_url"] == f"/access/requests/new/?account=mari.tamm&profile={world.approver.pk}"
    html = response.content.decode()
    assert 'data-granted="false"' in html
    assert 'data-profile="PAY_APPROVER" data-sod-conflict="true"' in html
    assert 'data-policy="pay-4-eyes"' in html
    assert f'href="/access/requests/new/?account=mari.tamm&amp;profile={world.approver.pk}"' in html


def test_a_past_date_uses_the_profile_version_of_that_day(domain_support: Any, client_for: Any) -> None:
    build_world()
    client = client_for(domain_support)
    past = (dt.date.today() - dt.timedelta(days=20)).isoformat()
    assert ask(client, "OLD_REPORT", past).context["result"]["granted"] is True
    assert ask(client, "OLD_REPORT").context["result"]["granted"] is False
    long_ago = (dt.date.today() - dt.timedelta(days=300)).isoformat()  # before the assignment began
    assert ask(client, "PENS_VIEW", long_ago).context["result"]["granted"] is False


def test_the_form_starts_with_today_and_lists_the_systems(domain_support: Any, client_for: Any) -> None:
    SystemFactory(code="STAR")
    SystemFactory(code="SKAIS")
    response = client_for(domain_support).get(URL)
    form = response.context["form"]
    assert form.fields["at"].initial == dt.date.today()
    assert [c[0] for c in form.fields["system"].choices] == ["SKAIS", "STAR"]
    assert response.context["result"] is None


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"account": "nobody"}, "account"),
        ({"right": "NO_SUCH"}, "right"),
        ({"system": "OTHER"}, "system"),
        ({"at": "31.12.2024"}, "at"),
        ({"account": ""}, "account"),
    ],
)
def test_bad_input_names_the_field(
    domain_support: Any, client_for: Any, params: dict[str, str], field: str
) -> None:
    build_world()
    query = {"account": "mari.tamm", "system": "SKAIS", "right": "PENS_VIEW", "at": "", **params}
    response = client_for(domain_support).get(URL, query)
    assert response.status_code == 200
    assert response.context["result"] is None
    assert field in response.context["form"].errors


def test_only_people_who_may_see_accounts_may_explain(make_user: Any, client_for: Any, client: Any) -> None:
    build_world()
    assert client_for(make_user()).get(URL).status_code == 403
    assert client.get(URL).status_code == 302  # to the sign-in page


def test_the_effective_rights_page_at_a_past_date(domain_support: Any, client_for: Any) -> None:
    build_world()
    client = client_for(domain_support)
    url = reverse("access:explain_rights")
    today = client.get(url, {"account": "mari.tamm"})
    assert [r.right.code for r in today.context["rights"]] == ["PAY_CREATE", "PENS_VIEW"]
    view = next(r for r in today.context["rights"] if r.right.code == "PENS_VIEW")
    assert [p.code for p in view.profiles] == ["TOP", "MIDDLE", "BASE"]
    past = (dt.date.today() - dt.timedelta(days=20)).isoformat()
    then = client.get(url, {"account": "mari.tamm", "at": past})
    assert [r.right.code for r in then.context["rights"]] == ["OLD_REPORT", "PAY_CREATE", "PENS_VIEW"]
    html = then.content.decode()
    assert 'id="rights-SKAIS"' in html and 'data-right="OLD_REPORT"' in html
    assert "account" in client.get(url, {"account": "nobody"}).context["form"].errors
