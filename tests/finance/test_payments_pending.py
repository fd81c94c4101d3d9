"""The weekly summary and "My week" list the payment runs waiting for the user: another's computed
run to approve, an approved run to release — due by the payment day; never one's own to approve."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tugi.core.roles import Role
from tugi.finance import benefits
from tugi.finance.models import PaymentRun, RunStatus
from tugi.work.selectors_summary import pending_for

pytestmark = pytest.mark.django_db


def _run(month: dt.date, status: str, by: Any) -> PaymentRun:
    return PaymentRun.objects.create(
        benefit="pension",
        month=month,
        payment_date=benefits.payment_date("pension", month),
        status=status,
        created_by=by,
        computed_by=by,
    )


def _items(user: Any) -> list[Any]:
    return [item for group in pending_for(user, dt.date(2026, 11, 30)) for item in group.items]


def test_runs_to_approve_and_release_wait_for_me_my_own_computed_run_does_not(make_user: Any) -> None:
    me = make_user(Role.FINANCE, username="mina")
    other = make_user(Role.FINANCE, username="teine")
    theirs = _run(dt.date(2026, 12, 1), RunStatus.COMPUTED, other)
    _run(dt.date(2027, 1, 1), RunStatus.COMPUTED, me)
    approved = _run(dt.date(2026, 11, 1), RunStatus.APPROVED, other)
    _run(dt.date(2026, 10, 1), RunStatus.RELEASED, other)
    items = {item.title: item for item in _items(me)}
    assert set(items) == {f"Approve the payment run {theirs}", f"Release the payment run {approved}"}
    # due by the payment day: 5 December 2026 is a Saturday, so Monday the 7th
    assert items[f"Approve the payment run {theirs}"].due == theirs.payment_date == dt.date(2026, 12, 7)
    assert items[f"Release the payment run {approved}"].url == f"/finance/runs/{approved.pk}/"


def test_a_user_who_may_not_approve_gets_nothing(make_user: Any) -> None:
    other = make_user(Role.FINANCE, username="teine")
    _run(dt.date(2026, 12, 1), RunStatus.COMPUTED, other)
    assert [i for i in _items(make_user(Role.AUDITOR, username="audit")) if "payment run" in i.title] == []
