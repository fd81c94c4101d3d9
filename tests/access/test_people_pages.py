"""Every page of the people, assignments, requests and segregation of duties topics renders, in
Estonian and in English, for an administrator and (read-only) for an auditor; the navigation
lists them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from tests.access.factories import (
    AccountFactory,
    AssignmentFactory,
    ProfileFactory,
    RightFactory,
    SodPolicyFactory,
)
from tugi.access.models import SodException
from tugi.access.services import requests as request_services
from tugi.access.services import sod as sod_services

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture
def pages(admin_user: Any, system: Any) -> list[str]:
    a, b = RightFactory(), RightFactory()
    account = AccountFactory(manager=AccountFactory())
    assignment = AssignmentFactory(
        account=account, profile=ProfileFactory(content__rights=[a]), needs_review=True
    )
    AssignmentFactory(account=account, profile=ProfileFactory(content__rights=[b]))
    policy = SodPolicyFactory(sides__rights_a=[a], sides__rights_b=[b])
    sod_services.sod_scan(actor=system)
    SodException.objects.create(
        policy=policy,
        account=account,
        justification="x",
        valid_from=TODAY,
        valid_to=TODAY + dt.timedelta(days=5),
        approved_by=admin_user,
    )
    request = request_services.request_create(
        account=account,
        profile=ProfileFactory(),
        valid_from=TODAY,
        valid_to=None,
        justification="x",
        actor=admin_user,
    )
    return [
        reverse("access:people_unit_list"),
        reverse("access:people_unit_create"),
        reverse("access:people_unit_edit", args=[account.org_unit_id]),
        reverse("access:people_account_list"),
        reverse("access:people_account_create"),
        reverse("access:people_account_detail", args=[account.pk]),
        reverse("access:people_account_edit", args=[account.pk]),
        reverse("access:people_account_leave", args=[account.pk]),
        reverse("access:people_hr_import"),
        reverse("access:assignments_list"),
        reverse("access:assignments_create"),
        reverse("access:assignments_end", args=[assignment.pk]),
        reverse("access:requests_list"),
        reverse("access:requests_create"),
        reverse("access:requests_mine"),
        reverse("access:requests_detail", args=[request.pk]),
        reverse("access:sod_policy_list"),
        reverse("access:sod_policy_create"),
        reverse("access:sod_policy_detail", args=[policy.pk]),
        reverse("access:sod_policy_edit", args=[policy.pk]),
        reverse("access:sod_violation_list"),
        reverse("access:sod_exception_list"),
        reverse("access:sod_exception_create"),
    ]


@pytest.mark.parametrize("language", ["et", "en"])
def test_every_page_renders_for_an_administrator(
    pages: list[str], admin_user: Any, client_for: Any, language: str
) -> None:
    client = client_for(admin_user)
    for url in pages:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, url


def test_auditor_reads_the_lists_and_details_but_no_forms(
    pages: list[str], auditor: Any, client_for: Any
) -> None:
    client = client_for(auditor)
    forms = ("/new/", "/edit/", "/leave/", "/import/", "/end/")
    for url in pages:
        expected = 403 if any(url.endswith(f) for f in forms) else 200
        assert client.get(url).status_code == expected, url


def test_navigation_lists_the_pages(domain_support: Any, client_for: Any) -> None:
    page = client_for(domain_support).get(reverse("core:desk")).content.decode()
    for name in (
        "people_account_list",
        "people_unit_list",
        "assignments_list",
        "requests_list",
        "requests_mine",
        "sod_policy_list",
        "sod_violation_list",
        "sod_exception_list",
    ):
        assert f'href="{reverse("access:" + name)}"' in page, name
