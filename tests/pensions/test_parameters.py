"""Legal parameters recorded in Tugi: proposals, four-eyes confirmation, overriding the files."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.helpers import exactly_one_audit_event, no_audit_event
from tugi.core.roles import Role
from tugi.pensions import selectors_parameters as selectors
from tugi.pensions.models import ParameterStatus, ParameterValue
from tugi.pensions.services.parameters import parameter_confirm, parameter_propose, parameter_withdraw

pytestmark = pytest.mark.django_db

APRIL_2022 = dt.date(2022, 4, 1)


@pytest.fixture
def second(make_user: Any) -> Any:
    return make_user(Role.DOMAIN_SUPPORT, username="ds2")


def propose(actor: Any, **changes: Any) -> ParameterValue:
    data: dict[str, Any] = {
        "name": "base_amount",
        "valid_from": APRIL_2022,
        "value": "255.7600",
        "legal_title": "RT I 22.03.2022, 16",
        "legal_url": "https://www.riigiteataja.ee/akt/122032022016",
        "checked_on": dt.date(2026, 1, 5),
        "note": "a test correction",
    }
    data.update(changes)
    return parameter_propose(actor=actor, **data)


def test_a_proposal_is_audited_and_changes_nothing_until_confirmed(domain_support: Any) -> None:
    file_value = selectors.parameters().value("base_amount", APRIL_2022)
    assert file_value == Decimal("255.7562")
    with exactly_one_audit_event("pensions.parameter_proposed") as events:
        value = propose(domain_support)
    assert value.status == ParameterStatus.PROPOSED and value.unit == "EUR"
    assert events[0].after["value"] == "255.7600"
    assert selectors.parameters().value("base_amount", APRIL_2022) == file_value


def test_the_proposer_cannot_confirm_four_eyes(domain_support: Any) -> None:
    value = propose(domain_support)
    with no_audit_event(), pytest.raises(PermissionDenied, match="someone else must confirm"):
        parameter_confirm(value=value, actor=domain_support)
    value.refresh_from_db()
    assert value.status == ParameterStatus.PROPOSED and value.confirmed_by is None


def test_a_user_without_the_change_right_cannot_confirm(domain_support: Any, make_user: Any) -> None:
    value = propose(domain_support)
    with no_audit_event(), pytest.raises(PermissionDenied):
        parameter_confirm(value=value, actor=make_user(Role.TEST_MANAGER))


def test_a_confirmed_value_overrides_the_file_value(domain_support: Any, second: Any) -> None:
    value = propose(domain_support)
    with exactly_one_audit_event("pensions.parameter_confirmed") as events:
        parameter_confirm(value=value, actor=second, reason="government regulation")
    assert events[0].reason == "government regulation"
    assert events[0].before == {"status": "proposed"}
    entry = selectors.parameters().entry("base_amount", dt.date(2022, 6, 1))
    assert entry.value == Decimal("255.76") and entry.source == "database"
    assert entry.checked_by == "ds2" and entry.legal_title == "RT I 22.03.2022, 16"
    # other values of the file stay in force
    assert selectors.parameters().value("year_value", APRIL_2022) == Decimal("7.718")
    assert selectors.parameters().value("base_amount", dt.date(2021, 4, 1)) == Decimal("235.3079")


def test_confirming_a_new_value_withdraws_the_earlier_confirmed_one(domain_support: Any, second: Any) -> None:
    first = propose(domain_support, value="255.7600")
    parameter_confirm(value=first, actor=second)
    replacement = propose(domain_support, value="255.7700")
    with exactly_one_audit_event("pensions.parameter_confirmed") as events:
        parameter_confirm(value=replacement, actor=second)
    first.refresh_from_db()
    assert first.status == ParameterStatus.WITHDRAWN
    assert events[0].after["replaces"] == [{"id": first.pk, "value": "255.76"}]
    assert selectors.parameters().value("base_amount", APRIL_2022) == Decimal("255.77")


def test_withdrawing_a_confirmed_value_brings_back_the_file_value(domain_support: Any, second: Any) -> None:
    value = propose(domain_support)
    parameter_confirm(value=value, actor=second)
    with no_audit_event(), pytest.raises(ValidationError) as caught:
        parameter_withdraw(value=value, actor=second)
    assert "reason" in caught.value.message_dict
    with exactly_one_audit_event("pensions.parameter_withdrawn"):
        parameter_withdraw(value=value, actor=second, reason="entered by mistake")
    assert selectors.parameters().entry("base_amount", APRIL_2022).source == "file"


def test_the_proposer_may_withdraw_their_own_proposal(domain_support: Any) -> None:
    value = propose(domain_support)
    with exactly_one_audit_event("pensions.parameter_withdrawn"):
        parameter_withdraw(value=value, actor=domain_support)
    value.refresh_from_db()
    assert value.status == ParameterStatus.WITHDRAWN
    with no_audit_event(), pytest.raises(ValidationError):
        parameter_confirm(value=value, actor=domain_support)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"value": "abc"}, "value"),
        ({"value": ""}, "value"),
        ({"name": "pension_index", "value": "0"}, "value"),
        ({"name": "pension_index", "value": "-1.02"}, "value"),
        ({"value": "-255"}, "value"),
        ({"value": "1.1234567"}, "value"),
        ({"valid_from": None}, "valid_from"),
        ({"name": "no_such_parameter"}, "name"),
        ({"name": "average_social_tax", "valid_from": dt.date(2024, 4, 1), "value": "4567.33"}, "valid_from"),
        ({"legal_url": "not a link"}, "legal_url"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(
    domain_support: Any, changes: dict[str, Any], field: str
) -> None:
    with no_audit_event(), pytest.raises(ValidationError) as caught:
        propose(domain_support, **changes)
    assert field in caught.value.message_dict, caught.value.message_dict
    assert not ParameterValue.objects.exists()


def test_confirmed_average_is_only_a_value_confirmed_in_tugi(domain_support: Any, second: Any) -> None:
    # the files hold 2022's average from a secondary source: not confirmed
    assert selectors.parameters().average_social_tax(2022) is not None
    assert selectors.confirmed_average(2022) is None
    value = propose(
        domain_support, name="average_social_tax", valid_from=dt.date(2022, 1, 1), value="3786.82"
    )
    assert selectors.confirmed_average(2022) is None
    parameter_confirm(value=value, actor=second)
    assert selectors.confirmed_average(2022) == Decimal("3786.82")
    assert str(selectors.confirmed_average(2022)) == "3786.82"
    assert selectors.confirmed_average(2023) is None


def test_values_in_force_list_each_parameter_with_its_source(domain_support: Any, second: Any) -> None:
    parameter_confirm(value=propose(domain_support, value="260"), actor=second)
    found = {v.name: v for v in selectors.values_in_force(dt.date(2022, 5, 1))}
    assert found["base_amount"].value == Decimal("260") and found["base_amount"].source == "database"
    assert found["year_value"].value == Decimal("7.718") and found["year_value"].source == "file"
    assert found["pension_index"].value == Decimal("1.079")
