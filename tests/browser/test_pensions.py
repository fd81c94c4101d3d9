"""The pensions journey in the browser (issue 3 acceptance): a domain support specialist imports a
social tax file, creates and computes a year-shares run and reviews it; a second specialist approves
and applies it; then the person's explanation shows the figures the register now holds."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import resolve

from tests.factories import PersonFactory
from tugi.core.identity import make_code
from tugi.core.models import PersonalDataView
from tugi.core.roles import Role
from tugi.pensions.models import CalculationRun, InsuredYear, RunStatus, TaxFile

pytestmark = pytest.mark.django_db(transaction=True)

HEADER = "person_code;payer_code;year;month;social_tax;funded_pension;submitted_at"
WORKER = make_code(dt.date(1984, 3, 9), "F", 41)
OTHER = make_code(dt.date(1970, 7, 1), "M", 7)


def _logout(page: Any) -> None:
    page.click("#user-menu")
    page.click("#logout")


@pytest.fixture
def tax_file(tmp_path: Path, settings: Any) -> Path:
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    lines = [f"{WORKER};10000018;2024;{m};700.00;1;2024-{m + 1:02d}-10T08:00:00+02:00" for m in range(1, 12)]
    lines += [f"{WORKER};10000026;2024;12;200.00;0;2025-01-10T08:00:00+02:00"]
    lines += [f"{OTHER};10000026;2024;{m};900.00;0;2024-{m + 1:02d}-10T08:00:00+02:00" for m in range(1, 12)]
    lines += [f"{OTHER};10000026;2024;12;900.00;0;2025-01-10T08:00:00+02:00"]
    path = tmp_path / "tax-2024.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def test_import_compute_approve_as_second_user_and_explain(
    page: Any, login: Any, nav: Any, make_user: Any, tax_file: Path
) -> None:
    # The live server shares this process: load the URL configuration (every area's pages) here first,
    # and give a busy machine more time than the default 10 s per step.
    resolve("/")
    page.set_default_timeout(30_000)
    first = make_user(Role.DOMAIN_SUPPORT, username="kadri", first_name="Kadri", last_name="Arvutaja")
    second = make_user(Role.DOMAIN_SUPPORT, username="anne", first_name="Anne", last_name="Kinnitaja")
    person = PersonFactory(personal_code=WORKER, first_name="Maie", last_name="Kask")

    # 1. the first specialist imports the year's file
    login(first.username)
    nav("/pensions/tax-files/")
    page.click("#taxfile-import")
    page.wait_for_url("**/tax-files/import/")
    page.set_input_files("#id_file", str(tax_file))
    page.fill("#id_year", "2024")
    page.click("#import-submit")
    page.wait_for_url(re.compile(r"/tax-files/\d+/$"))
    assert TaxFile.objects.get().rows == 24

    # 2. creates and computes the year-shares run, and reviews it
    nav("/pensions/runs/")
    page.click("#run-create")
    page.wait_for_url("**/runs/new/")
    page.select_option("#id_kind", "year-shares")
    page.fill("#id_year", "2024")
    page.click("#run-create-submit")
    page.wait_for_url(re.compile(r"/runs/\d+/$"))
    run = CalculationRun.objects.get()
    if page.locator("#run-compute").count():
        page.click("#run-compute")
    page.goto(f"/pensions/runs/{run.pk}/")
    assert page.locator("#run-status").get_attribute("data-status") == RunStatus.COMPUTED
    assert page.locator("#run-review").is_visible()
    assert page.locator("#run-approve").count() == 0  # four eyes: not for the one who computed
    _logout(page)

    # 3. the second specialist approves and applies it
    login(second.username)
    page.goto(f"/pensions/runs/{run.pk}/")
    page.click("#run-approve")
    page.wait_for_selector("#run-status[data-status='approved']")
    page.click("#run-apply")
    page.wait_for_selector("#run-status[data-status='applied']")
    stored = InsuredYear.objects.get(person_code=WORKER, year=2024)

    # 4. the person's page leads to the explanation of the year, which shows the stored figures
    page.goto(f"/persons/{person.uid}/")
    page.click("#explain-2024")
    page.wait_for_url(f"**/pensions/explain/{person.uid}/2024/")
    assert WORKER not in page.url
    assert page.locator("#explain-tax-sum").get_attribute("data-value") == "7900.00"  # 11 × 700 + 200
    for key in ("pension_part", "service_fraction", "funded_factor", "insurance_share", "joint_share"):
        row = page.locator(f"#explain-steps tr[data-step='{key}']")
        assert row.get_attribute("data-result") == str(getattr(stored, key)), key
        assert row.get_attribute("data-differs") is None
    assert page.locator("#explain-differs").count() == 0
    assert PersonalDataView.objects.filter(person=person, viewer=second).count() >= 2
