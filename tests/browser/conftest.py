"""Playwright driving Debian's Chromium against Django's live server.

The browser is the machine's /usr/bin/chromium (TUGI_CHROMIUM), never a downloaded build.
Without it these tests are skipped, unless TUGI_REQUIRE_BROWSER=1 makes that a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("TUGI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by fixtures
# in that same thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[Any]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("TUGI_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests are required but {CHROMIUM} is missing")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, locale="et-EE")
    # Generous: the first request of a run imports every area (Ibis, DuckDB…) on a possibly busy machine.
    context.set_default_timeout(30_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield page
    context.close()
    assert not [e for e in errors if "Content Security Policy" in e], errors


@pytest.fixture
def login(page: Any) -> Any:
    def do(username: str, password: str = "correct-horse-battery-staple") -> Any:
        page.goto("/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("main button[type=submit]")
        return page

    return do


@pytest.fixture
def nav(page: Any) -> Any:
    """Open a page through the main navigation: the area's menu, then the item linking to ``href``."""

    def go(href: str) -> Any:
        area = page.locator("nav li.dropdown", has=page.locator(f"a.dropdown-item[href='{href}']"))
        area.locator(".dropdown-toggle").click()
        area.locator(f"a.dropdown-item[href='{href}']").click()
        page.wait_for_url(f"**{href}")
        return page

    return go
