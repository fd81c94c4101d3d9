"""The weekly summary and "My week" list the runs and parameter values waiting for the user —
never their own (four eyes)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tests.pensions.factories import CalculationRunFactory
from tugi.core.roles import Role
from tugi.pensions.models import ParameterStatus, ParameterValue, RunStatus
from tugi.work.selectors_summary import pending_for

pytestmark = pytest.mark.django_db


def _titles(user: Any) -> list[str]:
    return [item.title for group in pending_for(user, dt.date(2026, 11, 23)) for item in group.items]


def test_runs_and_proposals_of_others_wait_for_me_mine_do_not(make_user: Any) -> None:
    me = make_user(Role.DOMAIN_SUPPORT, username="mina")
    other = make_user(Role.DOMAIN_SUPPORT, username="teine")
    theirs = CalculationRunFactory(status=RunStatus.COMPUTED, created_by=other, computed_by=other, year=2025)
    CalculationRunFactory(status=RunStatus.COMPUTED, created_by=me, computed_by=me, year=2024)
    ParameterValue.objects.create(
        name="pension_index", valid_from=dt.date(2027, 4, 1), value=Decimal("1.05"), proposed_by=other
    )
    ParameterValue.objects.create(
        name="base_amount", valid_from=dt.date(2027, 4, 1), value=Decimal("300"), proposed_by=me
    )
    titles = _titles(me)
    assert f"Approve the calculation run {theirs}" in titles
    assert sum("calculation run" in t for t in titles) == 1
    assert [t for t in titles if "parameter value" in t] == [
        f"Confirm the parameter value {ParameterValue.objects.get(proposed_by=other)}"
    ]
    assert ParameterValue.objects.filter(status=ParameterStatus.PROPOSED).count() == 2


def test_a_viewer_without_the_right_to_approve_gets_nothing(make_user: Any) -> None:
    other = make_user(Role.DOMAIN_SUPPORT, username="teine")
    CalculationRunFactory(status=RunStatus.COMPUTED, created_by=other, computed_by=other)
    assert _titles(make_user(Role.FINANCE, username="raha")) == []
