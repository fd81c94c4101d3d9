"""The parameters screen and API: values per parameter, proposals, four-eyes confirmation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from tests.helpers import no_audit_event
from tugi.core.models import AuditEvent
from tugi.core.roles import Role
from tugi.pensions.models import ParameterStatus, ParameterValue
from tugi.pensions.services.parameters import parameter_confirm, parameter_propose

pytestmark = pytest.mark.django_db


@pytest.fixture
def second(make_user: Any) -> Any:
    return make_user(Role.DOMAIN_SUPPORT, username="ds2")


def form_data(**changes: Any) -> dict[str, Any]:
    data = {
        "name": "pension_index",
        "valid_from": "2026-04-01",
        "value": "1.0420",
        "unit": "",
        "legal_title": "Vabariigi Valitsuse määrus (draft)",
        "legal_url": "https://www.riigiteataja.ee/",
        "checked_on": "2026-03-01",
        "note": "",
        "reason": "forecast of the Ministry of Finance",
    }
    data.update(changes)
    return data


def test_the_screen_shows_file_values_with_their_legal_reference_and_what_is_in_force(
    auditor: Any, client_for: Any
) -> None:
    page = client_for(auditor).get(reverse("pensions:parameter_list"), {"on": "2022-06-01"}).content.decode()
    assert 'id="parameter-base_amount"' in page
    row = 'data-valid-from="2022-04-01" data-value="255.7562" data-source="file" data-status="confirmed"'
    assert f'{row} data-in-force="1"' in page
    assert 'data-name="year_value" data-value="7.718" data-source="file"' in page
    assert "RT I" in page
    assert 'id="parameter-propose"' not in page  # auditors only read


def test_propose_then_a_second_person_confirms_and_the_value_overrides(
    domain_support: Any, second: Any, client_for: Any
) -> None:
    before = AuditEvent.objects.count()
    response = client_for(domain_support).post(reverse("pensions:parameter_propose"), form_data())
    assert response.status_code == 302
    value = ParameterValue.objects.get()
    assert value.status == ParameterStatus.PROPOSED and value.unit == "factor"
    assert AuditEvent.objects.count() == before + 1
    page = client_for(domain_support).get(reverse("pensions:parameter_list")).content.decode()
    assert 'data-own-proposal="1"' in page  # the proposer sees no confirm button
    assert "waiting for confirmation by a second person" in page

    response = client_for(second).post(reverse("pensions:parameter_confirm", args=[value.pk]), follow=True)
    value.refresh_from_db()
    assert value.status == ParameterStatus.CONFIRMED and value.confirmed_by == second
    assert "Confirmed: pension index from 01.04.2026 is 1.042." in response.content.decode()
    page = client_for(second).get(reverse("pensions:parameter_list"), {"on": "2026-05-01"}).content.decode()
    assert 'data-name="pension_index" data-value="1.042" data-source="database"' in page


def test_the_proposer_confirming_gets_a_clear_message_and_nothing_changes(
    domain_support: Any, client_for: Any
) -> None:
    value = parameter_propose(
        actor=domain_support, name="pension_index", valid_from=dt.date(2026, 4, 1), value="1.04"
    )
    with no_audit_event():
        response = client_for(domain_support).post(
            reverse("pensions:parameter_confirm", args=[value.pk]), follow=True
        )
    assert (
        "You proposed this value, so someone else must confirm it (four eyes)." in response.content.decode()
    )
    value.refresh_from_db()
    assert value.status == ParameterStatus.PROPOSED


def test_confirming_needs_the_change_right(domain_support: Any, make_user: Any, client_for: Any) -> None:
    value = parameter_propose(
        actor=domain_support, name="pension_index", valid_from=dt.date(2026, 4, 1), value="1.04"
    )
    client = client_for(make_user(Role.TEST_MANAGER))
    with no_audit_event():
        assert client.post(reverse("pensions:parameter_confirm", args=[value.pk])).status_code == 403
        assert client.get(reverse("pensions:parameter_propose")).status_code == 403
    assert client.get(reverse("pensions:parameter_list")).status_code == 200


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"value": "abc"}, "value"),
        ({"value": "0"}, "value"),
        ({"name": "base_amount", "value": "-1"}, "value"),
        ({"valid_from": ""}, "valid_from"),
        ({"name": "unknown"}, "name"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(
    domain_support: Any, client_for: Any, changes: dict[str, Any], field: str
) -> None:
    with no_audit_event():
        response = client_for(domain_support).post(
            reverse("pensions:parameter_propose"), form_data(**changes)
        )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert f'data-field="{field}"' in response.content.decode()
    assert not ParameterValue.objects.exists()


def test_withdraw_a_confirmed_value_needs_a_reason(domain_support: Any, second: Any, client_for: Any) -> None:
    value = parameter_propose(
        actor=domain_support, name="base_amount", valid_from=dt.date(2022, 4, 1), value="256"
    )
    parameter_confirm(value=value, actor=second)
    client = client_for(second)
    url = reverse("pensions:parameter_withdraw", args=[value.pk])
    with no_audit_event():
        response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert client.post(url, {"reason": "typo"}).status_code == 302
    value.refresh_from_db()
    assert value.status == ParameterStatus.WITHDRAWN


def test_the_screen_offers_the_average_proposed_by_a_year_shares_run(
    domain_support: Any, client_for: Any
) -> None:
    from tugi.pensions.models import CalculationRun, RunKind, RunStatus

    CalculationRun.objects.create(
        kind=RunKind.YEAR_SHARES,
        year=2024,
        status=RunStatus.COMPUTED,
        totals={"average_proposed": "4567.12"},
        created_by=domain_support,
    )
    page = client_for(domain_support).get(reverse("pensions:parameter_list")).content.decode()
    assert 'data-year="2024" data-proposed="4567.12"' in page
    assert "valid_from=2024-01-01&amp;value=4567.12" in page


# --- API -------------------------------------------------------------------------------------------


def test_api_lists_the_values_in_force_on_a_date_with_sources(auditor: Any, client_for: Any) -> None:
    response = client_for(auditor).get("/api/v1/pensions/parameters", {"on": "2022-04-01"})
    assert response.status_code == 200
    found = {v["name"]: v for v in response.json()}
    assert found["base_amount"]["value"] == "255.7562" and found["base_amount"]["source"] == "file"
    assert found["base_amount"]["valid_from"] == "2022-04-01" and found["base_amount"]["legal_title"]
    assert found["year_value"]["value"] == "7.718"
    assert found["pension_index"]["value"] == "1.079"


def test_api_needs_the_view_right(make_user: Any, client_for: Any) -> None:
    assert client_for(make_user()).get("/api/v1/pensions/parameters").status_code == 403


def test_api_propose_and_four_eyes_confirm(domain_support: Any, second: Any, client_for: Any) -> None:
    body = {"name": "year_value", "valid_from": "2026-04-01", "value": "9.5", "reason": "test"}
    response = client_for(domain_support).post(
        "/api/v1/pensions/parameters/values", body, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    url = f"/api/v1/pensions/parameters/values/{pk}/confirm"
    own = client_for(domain_support).post(url, {}, content_type="application/json")
    assert own.status_code == 403 and "four eyes" in own.json()["detail"]
    ok = client_for(second).post(url, {"reason": "checked"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "confirmed" and ok.json()["confirmed_by"] == "ds2"
    bad = client_for(domain_support).post(
        "/api/v1/pensions/parameters/values", {**body, "value": "x"}, content_type="application/json"
    )
    assert bad.status_code == 422 and "value" in bad.json()["errors"]


def test_my_desk_lists_someone_elses_proposals_waiting_for_me(
    domain_support: Any, second: Any, client_for: Any
) -> None:
    value = parameter_propose(
        actor=domain_support, name="pension_index", valid_from=dt.date(2026, 4, 1), value="1.04"
    )
    mine = client_for(domain_support).get(reverse("core:desk")).content.decode()
    assert 'data-widget="pensions-parameters-waiting"' not in mine  # one's own proposal: not for me
    theirs = client_for(second).get(reverse("core:desk")).content.decode()
    assert 'data-widget="pensions-parameters-waiting"' in theirs
    assert f'data-id="{value.pk}"' in theirs and "<strong>1.04</strong>" in theirs
