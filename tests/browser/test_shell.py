"""The main journey of the shell: log in, My desk, language switch, a person, log out."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import PersonFactory
from tugi.core.models import PersonalDataView

pytestmark = pytest.mark.django_db(transaction=True)


def test_login_desk_language_person_logout(page: Any, login: Any, domain_support: Any) -> None:
    person = PersonFactory(first_name="Ülle", last_name="Õunapuu")
    page.goto("/")
    assert "/accounts/login/" in page.url
    assert page.locator("h1").inner_text() == "Logi Tugisse sisse"

    login("ds")
    assert page.locator("h1").inner_text() == "Minu töölaud"

    page.click("#lang-switch")
    assert page.locator("h1").inner_text() == "My desk"
    page.click("#lang-switch")
    assert page.locator("h1").inner_text() == "Minu töölaud"

    page.fill("#global-search", "Õunapuu")
    page.locator("#search-results a", has_text="Õunapuu").click()
    assert page.locator("#person-name").inner_text() == "Ülle Õunapuu"
    assert page.locator("#person-code").inner_text() == person.personal_code
    assert PersonalDataView.objects.filter(person=person, viewer=domain_support).count() == 1

    page.click("#user-menu")
    page.click("#logout")
    page.goto("/")
    assert "/accounts/login/" in page.url


def test_wrong_password_is_refused_and_repeated_failures_lock_the_account(
    page: Any, login: Any, domain_support: Any
) -> None:
    login("ds", "wrong-password-1")
    assert page.locator(".alert-danger").is_visible()
    for _ in range(5):
        login("ds", "wrong-password-1")
    login("ds")  # even the right password is refused while locked
    assert "/accounts/login/" in page.url or page.locator("h1").inner_text() != "Minu töölaud"
