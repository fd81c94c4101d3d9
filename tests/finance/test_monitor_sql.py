"""Monitors' SQL is read-only, one statement and time-limited, on SQLite and on PostgreSQL.

The runner uses its own connection, so these tests commit their data (transactional tests)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tugi.finance.models import Monitor, MonitorKind, MonitorOutcome
from tugi.finance.services.monitor_sql import MonitorSQLError, run_readonly, sql_validate
from tugi.finance.services.monitors import monitor_create, monitor_run

pytestmark = pytest.mark.django_db(transaction=True)

SLOW = (
    "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 1000000000) "
    "SELECT COUNT(*) FROM c"
)


def _monitor(actor: Any, code: str = "m1", sql: str = "SELECT id, code FROM finance_monitor") -> Monitor:
    return monitor_create(actor=actor, code=code, name="A check", kind=MonitorKind.SQL, sql=sql)


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO finance_monitor (code) VALUES ('x')",
        "UPDATE finance_monitor SET name = 'changed'",
        "DELETE FROM finance_monitor",
        "DROP TABLE finance_monitor",
        "WITH d AS (DELETE FROM finance_monitor RETURNING id) SELECT * FROM d",
        "SELECT 1; DELETE FROM finance_monitor",
        "SELECT 1; SELECT 2",
        "SET statement_timeout = 0",
        "RESET ALL",
        "PRAGMA query_only = OFF",
        "",
    ],
)
def test_validator_refuses_anything_but_one_select(sql: str) -> None:
    with pytest.raises(ValidationError) as exc:
        sql_validate(sql)
    assert "sql" in exc.value.message_dict


def test_validator_accepts_select_with_and_literals() -> None:
    assert sql_validate("SELECT 'a;b -- delete' AS x;  ") == "SELECT 'a;b -- delete' AS x"
    assert sql_validate("WITH t AS (SELECT 1 AS n) SELECT n FROM t")
    assert sql_validate("SELECT code FROM finance_monitor WHERE name LIKE '%check%'")


def test_create_refuses_a_write_naming_sql_and_saves_nothing(finance_user: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        monitor_create(
            actor=finance_user, code="bad", name="Bad", kind=MonitorKind.SQL, sql="SELECT 1; DELETE FROM x"
        )
    assert "semicolon" in exc.value.message_dict["sql"][0]
    assert not Monitor.objects.exists()


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM finance_monitor",
        "UPDATE finance_monitor SET name = 'changed'",
        "INSERT INTO finance_monitor (code, name) SELECT code || '-copy', name FROM finance_monitor",
        "DROP TABLE finance_monitor",
    ],
)
def test_the_connection_itself_refuses_writes(finance_user: Any, sql: str) -> None:
    """Even SQL that slipped past the validator cannot change anything."""
    _monitor(finance_user)
    with pytest.raises(MonitorSQLError) as exc:
        run_readonly(sql)
    assert "monitors only read" in str(exc.value)
    assert Monitor.objects.filter(name="A check").count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="data-modifying CTEs exist on PostgreSQL")
def test_postgresql_refuses_a_cte_with_delete(finance_user: Any) -> None:
    _monitor(finance_user)
    with pytest.raises(MonitorSQLError) as exc:
        run_readonly("WITH d AS (DELETE FROM finance_monitor RETURNING id) SELECT * FROM d")
    assert "monitors only read" in str(exc.value)
    assert Monitor.objects.count() == 1


def test_a_second_statement_never_runs(finance_user: Any) -> None:
    _monitor(finance_user)
    with pytest.raises(MonitorSQLError) as exc:
        run_readonly("SELECT 1; DELETE FROM finance_monitor")
    assert "Only one statement may run" in str(exc.value)
    assert Monitor.objects.count() == 1


def test_slow_query_is_stopped_by_the_timeout(settings: Any) -> None:
    with pytest.raises(MonitorSQLError) as exc:
        run_readonly(SLOW, timeout=300)
    assert "stopped after 300 ms" in str(exc.value)


def test_a_timed_out_monitor_is_kept_as_an_error(finance_user: Any, settings: Any) -> None:
    settings.TUGI_MONITOR_TIMEOUT_MS = 300
    monitor = _monitor(finance_user, sql=SLOW)
    result = monitor_run(monitor=monitor, actor=finance_user)
    assert result.outcome == MonitorOutcome.ERROR
    assert "stopped after 300 ms" in result.error
    monitor.refresh_from_db()
    assert monitor.last_outcome == MonitorOutcome.ERROR


def test_reads_committed_rows_and_counts_past_the_limit(finance_user: Any) -> None:
    for i in range(3):
        _monitor(finance_user, code=f"m{i}")
    columns, rows, count = run_readonly("SELECT code FROM finance_monitor ORDER BY code", limit=2)
    assert columns == ["code"]
    assert rows == [["m0"], ["m1"]]
    assert count == 3


def test_percent_signs_are_literal(finance_user: Any) -> None:
    _monitor(finance_user, code="abc")
    _, rows, _ = run_readonly("SELECT code FROM finance_monitor WHERE code LIKE '%b%'")
    assert rows == [["abc"]]
