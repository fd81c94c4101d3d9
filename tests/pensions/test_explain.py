"""The explanation of a person's year and of a pension (issue 3 § 7)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from tests.factories import PersonFactory
from tests.pensions.factories import CalculationRunFactory, pension_with_amount
from tugi.core.identity import make_code
from tugi.core.models import PersonalDataView
from tugi.pensions.models import InsuredYear
from tugi.pensions.selectors_explain import explain_pension, explain_year
from tugi.pensions.services.taxfiles import taxfile_import

pytestmark = pytest.mark.django_db

HEADER = "person_code;payer_code;year;month;social_tax;funded_pension;submitted_at"
WORKER = make_code(dt.date(1984, 3, 9), "F", 41)
OTHER = make_code(dt.date(1970, 7, 1), "M", 7)


_COMPUTED: dict[str, Any] = {}


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return Path(settings.DATA_DIR)


def _import(tmp_path: Path, name: str, lines: list[str], actor: Any) -> None:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    taxfile_import(path=path, original_name=name, actor=actor, year=2024)


@pytest.fixture
def computed(tmp_path: Path, system: Any) -> InsuredYear:
    """Two files of 2024 (the second corrects one row), computed by the engine and stored."""
    from tugi.engine.yearly import compute_year, connect
    from tugi.pensions.selectors_taxfiles import tax_parquet_paths

    lines = [
        f"{WORKER};10000018;2024;{m};{'700.00' if m < 7 else '350.00'};1;2024-{m + 1:02d}-10T08:00:00+02:00"
        for m in range(1, 12)
    ]
    lines += [f"{WORKER};10000026;2024;12;200.00;0;2025-01-10T08:00:00+02:00"]
    lines += [f"{OTHER};10000026;2024;{m};900.00;0;2024-{m + 1:02d}-10T08:00:00+02:00" for m in range(1, 12)]
    _import(tmp_path, "tax-2024.csv", lines, system)
    _import(
        tmp_path,
        "tax-2024-corr.csv",
        [f"{WORKER};10000018;2024;3;710.00;1;2024-05-02T08:00:00+03:00"],
        system,
    )
    if "result" not in _COMPUTED:  # the same files every time: compute once per test session
        _COMPUTED["result"] = compute_year(
            connect(), tax_parquet_paths(2024), year=2024, minimum_wage=Decimal("820")
        )
    result = _COMPUTED["result"]
    run = CalculationRunFactory(year=2024, totals={"average_used": str(result.average_used)})
    rows = [r for r in result.table.to_pylist() if r["person_code"] == WORKER]
    (row,) = rows
    return InsuredYear.objects.create(run=run, **{k: v for k, v in row.items()})


def test_the_explanation_recomputes_the_stored_figures_step_by_step(computed: InsuredYear) -> None:
    x = explain_year(WORKER, 2024)
    assert len(x.rows) == 13 and x.superseded == 1
    replaced = next(r for r in x.rows if not r.used)
    assert (replaced.month, replaced.social_tax, replaced.file) == (3, Decimal("700.00"), "tax-2024.csv")
    assert x.social_tax_sum == Decimal("6160.00")  # 6 × 700 + 10 (correction) + 5 × 350 + 200
    assert x.funded_tax_sum == Decimal("5960.00")
    assert x.payers == ["10000018", "10000026"]
    assert [m.month for m in x.months] == list(range(1, 13))
    assert x.minimum_wage.value == Decimal("820")
    assert x.average == Decimal(computed.run.totals["average_used"])
    steps = {s.key: s for s in x.steps}
    assert set(steps) == {
        "pension_part",
        "insured_base",
        "service_fraction",
        "funded_factor",
        "insurance_share",
        "joint_share",
    }
    for key, step in steps.items():
        assert step.result == getattr(computed, key), key
    assert not x.differs
    assert steps["pension_part"].result == Decimal("3733.33")  # round2(6160 × 20 / 33)


def test_a_stored_figure_that_differs_is_flagged(computed: InsuredYear) -> None:
    computed.insurance_share += Decimal("0.001")
    computed.save()
    x = explain_year(WORKER, 2024)
    assert x.differs and [s.key for s in x.steps if s.differs] == ["insurance_share"]


def test_the_page_shows_the_figures_and_logs_the_view(
    computed: InsuredYear, domain_support: Any, client_for: Any
) -> None:
    person = PersonFactory(personal_code=WORKER)
    url = reverse("pensions:explain_year", args=[person.uid, 2024])
    assert WORKER not in url
    response = client_for(domain_support).get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-step="joint_share"' in page and str(computed.joint_share) in page
    assert 'data-used="0"' in page and "replaced by a correction" in page
    assert "explain-differs" not in page
    assert WORKER not in page
    view = PersonalDataView.objects.get(person=person, viewer=domain_support)
    assert "2024" in view.purpose


def test_finance_may_read_the_explanation_test_manager_may_not(
    computed: InsuredYear, finance_user: Any, test_manager: Any, client_for: Any
) -> None:
    person = PersonFactory(personal_code=WORKER)
    url = reverse("pensions:explain_year", args=[person.uid, 2024])
    assert client_for(finance_user).get(url).status_code == 200
    assert client_for(test_manager).get(url).status_code == 403
    assert not PersonalDataView.objects.filter(viewer=test_manager).exists()


def test_a_year_without_files_or_figures_says_so(domain_support: Any, client_for: Any) -> None:
    person = PersonFactory()
    response = client_for(domain_support).get(reverse("pensions:explain_year", args=[person.uid, 2023]))
    assert response.status_code == 200
    assert "explain-not-stored" in response.content.decode()


def test_a_pension_is_explained_component_by_component(system: Any) -> None:
    pension = pension_with_amount(
        amount="595.35", service_years=Decimal("44"), insurance_shares=Decimal("0"), joint_shares=Decimal("0")
    )
    row = pension.amounts.get()
    row.valid_from, row.base_amount, row.year_value = (
        dt.date(2022, 4, 1),
        Decimal("255.7562"),
        Decimal("7.718"),
    )
    row.save()
    x = explain_pension(pension, dt.date(2022, 5, 1))
    assert x.breakdown.service_part == Decimal("339.592") and x.breakdown.amount == Decimal("595.35")
    assert x.base_entry.value == Decimal("255.7562") and x.base_entry.legal_title
    assert x.year_value_entry.value == Decimal("7.718")
    assert not x.parameters_differ
