"""The pension calculator and indexation modelling pages (what-if; nothing stored), and the
`tugi pensions import-tax` command."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.helpers import no_audit_event
from tugi.core.roles import Role
from tugi.pensions.models import TaxFile
from tugi.pensions.services.parameters import parameter_confirm, parameter_propose

from .test_taxfiles import HEADER, tax_rows

pytestmark = pytest.mark.django_db


def calculate(client: Any, **params: Any) -> Any:
    return client.get(reverse("pensions:calculator"), params)


def test_the_published_2022_check_44_years_gives_595_35(auditor: Any, client_for: Any) -> None:
    with no_audit_event():
        response = calculate(client_for(auditor), on="2022-04-01", service_years="44")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="calculator-amount" data-amount="595.35"' in page
    result = response.context["result"]
    assert result.breakdown.base_amount == Decimal("255.7562")
    assert result.breakdown.service_part == Decimal("339.592")
    # the parameters used, with their legal references
    assert 'data-name="base_amount" data-value="255.7562" data-source="file"' in page
    assert 'data-name="year_value" data-value="7.718" data-source="file"' in page
    assert "RT I 22.03.2022, 16" in page or "riigiteataja" in page


def test_the_2017_check_and_shares_and_adjustment(auditor: Any, client_for: Any) -> None:
    client = client_for(auditor)
    assert calculate(client, on="2017-04-01", service_years="44").context[
        "result"
    ].breakdown.amount == Decimal("415.65")
    result = calculate(
        client, base_amount="255.7562", year_value="7.718", service_years="30", insurance_shares="12.5",
        joint_shares="1.25", adjustment_factor="0.9",
    ).context["result"]  # fmt: skip
    # (255.7562 + (30 + 12.5 + 1.25) × 7.718) × 0.9 = 534.0802… → 534.08
    assert result.breakdown.amount == Decimal("534.08")
    assert result.used == []


def test_a_value_confirmed_in_tugi_is_used_on_its_date(
    domain_support: Any, make_user: Any, client_for: Any
) -> None:
    value = parameter_propose(
        actor=domain_support, name="year_value", valid_from=dt.date(2022, 4, 1), value="8"
    )
    parameter_confirm(value=value, actor=make_user(Role.DOMAIN_SUPPORT))
    response = calculate(client_for(domain_support), on="2022-04-01", service_years="44")
    assert response.context["result"].breakdown.amount == Decimal("607.76")  # 255.7562 + 352
    assert 'data-name="year_value" data-value="8" data-source="database"' in response.content.decode()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"service_years": "44"}, "on"),
        ({"on": "2022-04-01", "base_amount": "200", "service_years": "44"}, "year_value"),
        ({"on": "2022-04-01", "base_amount": "200", "year_value": "7", "service_years": "44"}, "on"),
        ({"on": "2022-04-01", "service_years": "-1"}, "service_years"),
        ({"on": "2022-04-01", "service_years": "abc"}, "service_years"),
        ({"on": "1990-01-01", "service_years": "44"}, "on"),
    ],
)
def test_bad_input_names_the_field(auditor: Any, client_for: Any, params: dict[str, str], field: str) -> None:
    response = calculate(client_for(auditor), **params)
    assert response.status_code == 200
    assert field in response.context["form"].errors, response.context["form"].errors
    assert f'data-field="{field}"' in response.content.decode()
    assert response.context["result"] is None


def test_the_calculator_needs_the_right_to_see_parameters(make_user: Any, client_for: Any) -> None:
    assert client_for(make_user()).get(reverse("pensions:calculator")).status_code == 403
    assert client_for(make_user()).get(reverse("pensions:calculator_indexation")).status_code == 403


def test_indexation_with_given_totals_reproduces_the_published_base(auditor: Any, client_for: Any) -> None:
    # 2019 → 2020: base 191.6496 at 1.080 → 208.5148, + 7.00 recorded for 2020-04-01 → 215.5148
    params = {"on": "2020-04-01", "index": "1.080", "total_base": "1916496", "total_years": "1000000"}
    with no_audit_event():
        response = client_for(auditor).get(reverse("pensions:calculator_indexation"), params)
    model = response.context["model"]
    assert model.base_amount == Decimal("191.6496") and model.year_value == Decimal("6.627")
    assert model.proposal.indexed_base == Decimal("208.5148")
    assert model.extra_base == Decimal("7") and model.proposal.base_amount == Decimal("215.5148")
    # year value × index − 0.1 × (index − 1) × TB / TS = 7.15716 − 0.008 × 1.916496 = 7.1418
    assert model.proposal.year_value == Decimal("7.1418")
    page = response.content.decode()
    assert 'id="indexation-base" data-value="215.5148"' in page
    assert "the totals you gave" in page


def test_indexation_uses_the_registers_totals(auditor: Any, client_for: Any) -> None:
    from tests.pensions.factories import PensionFactory

    for _ in range(2):
        PensionFactory(
            start_date=dt.date(2015, 1, 1),
            service_years=Decimal("40"),
            insurance_shares=Decimal("15.250"),
            joint_shares=Decimal("0.750"),
        )
    response = client_for(auditor).get(
        reverse("pensions:calculator_indexation"), {"on": "2022-04-01", "index": "1.079"}
    )
    model = response.context["model"]
    assert model.totals_from_register and model.pensions == 2
    assert model.total_base == Decimal("235.3079") * 2
    assert model.total_years == Decimal("112")
    assert model.proposal.indexed_base == Decimal("255.7562")  # the published 2022 base


def test_indexation_with_an_empty_register_asks_for_totals(auditor: Any, client_for: Any) -> None:
    response = client_for(auditor).get(
        reverse("pensions:calculator_indexation"), {"on": "2031-04-01", "index": "1.05"}
    )
    assert response.context["model"] is None
    assert "total_years" in response.context["form"].errors


def test_indexation_index_must_be_above_zero(auditor: Any, client_for: Any) -> None:
    response = client_for(auditor).get(
        reverse("pensions:calculator_indexation"), {"on": "2022-04-01", "index": "0"}
    )
    assert "index" in response.context["form"].errors


# --- tugi pensions import-tax ------------------------------------------------------------------------


@pytest.fixture
def tax_file(tmp_path: Path, settings: Any) -> Path:
    settings.DATA_DIR = tmp_path / "data"
    path = tmp_path / "tax-2024.csv"
    path.write_text("\n".join([HEADER, *tax_rows()]) + "\n", encoding="utf-8")
    return path


def test_import_tax_command_prints_progress_and_the_manifest(domain_support: Any, tax_file: Path) -> None:
    out = StringIO()
    call_command("pensions", "import-tax", str(tax_file), "--user", "ds", stdout=out)
    text = out.getvalue()
    assert "tax-2024.csv: 100% Imported" in text
    assert "rows=5" in text and "months=1,2,3" in text and "year=2024" in text
    assert TaxFile.objects.get().imported_by == domain_support
    again = StringIO()
    call_command("pensions", "import-tax", str(tax_file), "--user", "ds", stdout=again)
    assert "already imported" in again.getvalue() and TaxFile.objects.count() == 1


def test_import_tax_command_fails_with_lines_on_a_bad_file(domain_support: Any, tax_file: Path) -> None:
    tax_file.write_text(tax_file.read_text().replace(";2024;2;660.00", ";2024;2;-660.00"), encoding="utf-8")
    err = StringIO()
    with no_audit_event(), pytest.raises(CommandError, match="1 of 1 files rejected"):
        call_command("pensions", "import-tax", str(tax_file), "--user", "ds", stderr=err, stdout=StringIO())
    assert "line 3, social_tax" in err.getvalue()
    assert not TaxFile.objects.exists()


def test_import_tax_command_needs_a_user_with_the_right(make_user: Any, tax_file: Path) -> None:
    make_user(Role.FINANCE, username="fin")
    with pytest.raises(CommandError, match="--user"):
        call_command("pensions", "import-tax", str(tax_file), "--user", "fin")
    with pytest.raises(CommandError, match="--user"):
        call_command("pensions", "import-tax", str(tax_file), "--user", "nobody")
    assert not TaxFile.objects.exists()
