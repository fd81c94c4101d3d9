"""Monitors: create and change (validated), run with history, masked rows, notification once a
day, audit; the pages, the API and the desk card."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tugi.core.models import AuditEvent, Notification
from tugi.finance.checks import check
from tugi.finance.models import Monitor, MonitorKind, MonitorOutcome, MonitorResult
from tugi.finance.services.monitors import (
    mask_codes,
    monitor_create,
    monitor_run,
    monitor_update,
    monitors_run_all,
)

pytestmark = pytest.mark.django_db

CODE = "39001010000"  # a valid-looking synthetic personal code


@check("test_codes", "test: rows with personal codes")
def _codes(today: dt.date) -> tuple[list[str], list[list[Any]]]:
    return ["who", "note"], [[int(CODE), f"paid to {CODE} twice"], [None, "no code 12345678901234"]]


@check("test_broken", "test: a check that fails")
def _broken(today: dt.date) -> tuple[list[str], list[list[Any]]]:
    raise RuntimeError(f"secret {CODE}")


def _sql(actor: Any, sql: str = f"SELECT '{CODE}' AS code, 1 AS n", code: str = "lit", **kw: Any) -> Monitor:
    return monitor_create(actor=actor, code=code, name=f"Check {code}", kind=MonitorKind.SQL, sql=sql, **kw)


def test_create_is_audited_and_owned(finance_user: Any) -> None:
    monitor = _sql(finance_user, description="catches things", reason="new check")
    assert monitor.owner == finance_user
    event = AuditEvent.objects.get(event_type="finance.monitor_created", object_id=str(monitor.pk))
    assert event.reason == "new check" and event.after["sql"].startswith("SELECT")


def test_python_check_must_be_registered(finance_user: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        monitor_create(actor=finance_user, code="py", name="Py", kind=MonitorKind.PYTHON, check_name="nope")
    assert "nope" in exc.value.message_dict["check_name"][0]
    assert not Monitor.objects.exists()


def test_update_refuses_bad_sql_and_keeps_the_old(finance_user: Any) -> None:
    monitor = _sql(finance_user)
    with pytest.raises(ValidationError) as exc:
        monitor_update(monitor=monitor, actor=finance_user, sql="DELETE FROM finance_monitor")
    assert "sql" in exc.value.message_dict
    monitor.refresh_from_db()
    assert monitor.sql.startswith("SELECT")
    assert not AuditEvent.objects.filter(event_type="finance.monitor_updated").exists()
    monitor_update(monitor=monitor, actor=finance_user, name="Renamed", reason="clearer")
    assert AuditEvent.objects.filter(event_type="finance.monitor_updated", reason="clearer").exists()


def test_auditor_cannot_create_or_run(finance_user: Any, auditor: Any) -> None:
    with pytest.raises(PermissionDenied):
        _sql(auditor)
    monitor = _sql(finance_user)
    with pytest.raises(PermissionDenied):
        monitor_run(monitor=monitor, actor=auditor)
    assert not MonitorResult.objects.exists()


def test_run_keeps_history_masks_codes_and_notifies_once_a_day(finance_user: Any) -> None:
    monitor = _sql(finance_user)
    first = monitor_run(monitor=monitor, actor=finance_user)
    second = monitor_run(monitor=monitor, actor=finance_user)
    assert first.outcome == second.outcome == MonitorOutcome.FOUND
    assert first.columns == ["code", "n"]
    assert first.rows == [["3900101****", 1]]
    assert CODE not in json.dumps(list(MonitorResult.objects.values_list("rows", flat=True)))
    assert monitor.results.count() == 2
    monitor.refresh_from_db()
    assert (monitor.last_outcome, monitor.last_count) == (MonitorOutcome.FOUND, 1)
    notes = Notification.objects.filter(
        user=finance_user, dedup_key__startswith=f"finance-monitor-{monitor.pk}-"
    )
    assert notes.count() == 1
    assert notes.get().url == reverse("finance:monitor_result", args=[monitor.pk, first.pk])
    assert AuditEvent.objects.filter(event_type="finance.monitor_run", object_id=str(monitor.pk)).count() == 2


def test_clean_run_does_not_notify(finance_user: Any) -> None:
    monitor = _sql(finance_user, sql="SELECT code FROM finance_monitor WHERE code = 'none'", code="clean")
    result = monitor_run(monitor=monitor, actor=finance_user)
    assert result.outcome == MonitorOutcome.CLEAN and result.row_count == 0
    assert not Notification.objects.exists()


def test_python_check_rows_are_masked_and_a_failing_check_is_an_error(finance_user: Any) -> None:
    codes = monitor_create(
        actor=finance_user, code="py", name="Py", kind=MonitorKind.PYTHON, check_name="test_codes"
    )
    result = monitor_run(monitor=codes, actor=finance_user)
    assert result.rows == [["3900101****", "paid to 3900101**** twice"], [None, "no code 12345678901234"]]
    broken = monitor_create(
        actor=finance_user, code="broken", name="Broken", kind=MonitorKind.PYTHON, check_name="test_broken"
    )
    failed = monitor_run(monitor=broken, actor=finance_user)
    assert failed.outcome == MonitorOutcome.ERROR
    assert CODE not in failed.error and "RuntimeError" in failed.error


def test_mask_codes_leaves_other_numbers() -> None:
    assert mask_codes("49912319999") == "4991231****"
    assert mask_codes("EE382200221020145685") == "EE382200221020145685"
    assert mask_codes(12) == 12


def test_run_all_runs_active_monitors(finance_user: Any) -> None:
    _sql(finance_user, code="a")
    _sql(finance_user, code="b", sql="SELECT 1 AS n WHERE 1 = 0")
    _sql(finance_user, code="c", is_active=False)
    assert monitors_run_all(actor=finance_user) == {"clean": 1, "found": 1, "error": 0}


def test_pages_list_detail_run_and_result(finance_user: Any, client_for: Any) -> None:
    monitor = _sql(finance_user)
    client = client_for(finance_user)
    assert client.get(reverse("finance:monitor_list")).status_code == 200
    response = client.post(reverse("finance:monitor_run", args=[monitor.pk]))
    assert response.status_code == 302
    page = client.get(reverse("finance:monitor_detail", args=[monitor.pk])).content.decode()
    assert "3900101****" in page and page.count(CODE) == 1  # only in the SQL text itself
    result = monitor.results.get()
    assert client.get(reverse("finance:monitor_result", args=[monitor.pk, result.pk])).status_code == 200
    desk = client.get(reverse("core:desk")).content.decode()
    assert 'data-widget="finance-monitors"' in desk


def test_form_test_run_saves_nothing_and_shows_errors(finance_user: Any, client_for: Any) -> None:
    client = client_for(finance_user)
    data = {"code": "t", "name": "T", "kind": "sql", "sql": f"SELECT '{CODE}' AS c", "is_active": "on"}
    response = client.post(reverse("finance:monitor_create"), {**data, "test": "1"})
    assert response.status_code == 200 and "3900101****" in response.content.decode()
    assert not Monitor.objects.exists()
    bad = client.post(reverse("finance:monitor_create"), {**data, "sql": "SELECT 1; DROP TABLE x"})
    assert bad.status_code == 200 and "semicolon" in bad.content.decode()
    assert not Monitor.objects.exists()
    saved = client.post(reverse("finance:monitor_create"), data)
    assert saved.status_code == 302 and Monitor.objects.filter(code="t").exists()


def test_api_list_run_results(finance_user: Any, client_for: Any) -> None:
    monitor = _sql(finance_user)
    client = client_for(finance_user)
    assert client.get("/api/v1/finance/monitors").json()[0]["code"] == "lit"
    ran = client.post(f"/api/v1/finance/monitors/{monitor.pk}/run")
    assert ran.status_code == 200 and ran.json()["outcome"] == "found"
    results = client.get(f"/api/v1/finance/monitors/{monitor.pk}/results").json()
    assert results[0]["rows"] == [["3900101****", 1]]


def test_api_run_forbidden_for_auditor(finance_user: Any, auditor: Any, client_for: Any) -> None:
    monitor = _sql(finance_user)
    assert client_for(auditor).post(f"/api/v1/finance/monitors/{monitor.pk}/run").status_code == 404
    assert not MonitorResult.objects.exists()
