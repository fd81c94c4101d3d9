"""The finance problem register: lifecycle with refused skips, required data per step, audit
timeline, monitor link, list filters and CSV, API, and the weekly pending source."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tugi.core.models import AuditEvent
from tugi.core.registry import registry
from tugi.finance.models import FinanceProblem, Monitor, MonitorKind, ProblemStatus
from tugi.finance.services.monitors import monitor_create
from tugi.finance.services.problems import (
    problem_analyse,
    problem_close,
    problem_create,
    problem_forward,
    problem_reopen,
    problem_solve,
    problem_update,
)
from tugi.work.models import Partner

pytestmark = pytest.mark.django_db


def _partner() -> Partner:
    return Partner.objects.create(name="Demo IT centre", short_name="DIT", kind="developer")


def _problem(actor: Any, **kw: Any) -> FinanceProblem:
    values = {"title": "File rejected", "description": "The bank rejected the file.", "module": "bank_files"}
    values["severity"] = kw.pop("severity", "high")
    return problem_create(actor=actor, **{**values, **kw})


def test_full_lifecycle_is_audited(finance_user: Any) -> None:
    problem = _problem(finance_user, reason="reported by phone")
    assert problem.status == ProblemStatus.REPORTED and problem.reported_on == dt.date.today()
    problem = problem_analyse(problem=problem, actor=finance_user)
    problem = problem_forward(
        problem=problem, partner=_partner(), partner_reference=" SKAIS-1 ", actor=finance_user
    )
    assert (problem.status, problem.partner_reference) == (ProblemStatus.FORWARDED, "SKAIS-1")
    monitor = monitor_create(
        actor=finance_user, code="m", name="M", kind=MonitorKind.SQL, sql="SELECT 1 AS n"
    )
    problem = problem_solve(
        problem=problem,
        root_cause="Town too long",
        resolution="Truncated",
        monitor=monitor,
        actor=finance_user,
    )
    assert problem.status == ProblemStatus.SOLVED and problem.monitor == monitor
    problem = problem_close(problem=problem, actor=finance_user, reason="verified")
    assert problem.status == ProblemStatus.CLOSED
    events = AuditEvent.objects.filter(object_type="finance.financeproblem", object_id=str(problem.pk))
    statuses = [
        e.after.get("status") for e in events.filter(event_type="finance.problem_status").order_by("id")
    ]
    assert statuses == ["analysing", "forwarded", "solved", "closed"]
    assert events.filter(event_type="finance.problem_created", reason="reported by phone").exists()


@pytest.mark.parametrize("step", ["forward", "solve", "close"])
def test_skipped_steps_are_refused_and_nothing_changes(finance_user: Any, step: str) -> None:
    problem = _problem(finance_user)
    with pytest.raises(ValidationError) as exc:
        if step == "forward":
            problem_forward(problem=problem, partner=_partner(), partner_reference="X", actor=finance_user)
        elif step == "solve":
            problem_solve(problem=problem, root_cause="a", resolution="b", actor=finance_user)
        else:
            problem_close(problem=problem, actor=finance_user)
    assert "cannot become" in exc.value.message_dict["status"][0]
    problem.refresh_from_db()
    assert (
        problem.status == ProblemStatus.REPORTED and not problem.partner_reference and not problem.root_cause
    )
    assert not AuditEvent.objects.filter(event_type="finance.problem_status").exists()


def test_forward_needs_partner_and_reference(finance_user: Any) -> None:
    problem = problem_analyse(problem=_problem(finance_user), actor=finance_user)
    with pytest.raises(ValidationError) as exc:
        problem_forward(problem=problem, partner=None, partner_reference="  ", actor=finance_user)
    assert set(exc.value.message_dict) == {"partner", "partner_reference"}
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.ANALYSING


def test_solve_needs_root_cause_and_resolution(finance_user: Any) -> None:
    problem = problem_analyse(problem=_problem(finance_user), actor=finance_user)
    with pytest.raises(ValidationError) as exc:
        problem_solve(problem=problem, root_cause="", resolution="", actor=finance_user)
    assert set(exc.value.message_dict) == {"root_cause", "resolution"}
    problem.refresh_from_db()
    assert problem.status == ProblemStatus.ANALYSING


def test_reopen_needs_a_reason_and_closed_cannot_change(finance_user: Any) -> None:
    problem = problem_analyse(problem=_problem(finance_user), actor=finance_user)
    problem = problem_solve(problem=problem, root_cause="a", resolution="b", actor=finance_user)
    with pytest.raises(ValidationError) as exc:
        problem_reopen(problem=problem, actor=finance_user)
    assert "reason" in exc.value.message_dict
    problem = problem_reopen(problem=problem, actor=finance_user, reason="came back")
    assert problem.status == ProblemStatus.ANALYSING
    problem = problem_solve(problem=problem, root_cause="a2", resolution="b2", actor=finance_user)
    problem = problem_close(problem=problem, actor=finance_user)
    with pytest.raises(ValidationError):
        problem_update(problem=problem, actor=finance_user, title="Other")
    problem.refresh_from_db()
    assert problem.title == "File rejected"


def test_bad_create_input_names_the_field(finance_user: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        _problem(finance_user, module="nonsense")
    assert "module" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _problem(finance_user, colour="red")
    assert "colour" in exc.value.message_dict
    assert not FinanceProblem.objects.exists()


def test_auditor_cannot_report(auditor: Any) -> None:
    with pytest.raises(PermissionDenied):
        _problem(auditor)


def test_pages_list_filter_csv_detail_and_steps(finance_user: Any, client_for: Any) -> None:
    partner = _partner()
    open_one = _problem(finance_user)
    _problem(finance_user, title="Ledger cents", module="accounting", severity="low")
    client = client_for(finance_user)
    listing = client.get(reverse("finance:problem_list"), {"module": "accounting"}).content.decode()
    assert "Ledger cents" in listing and "File rejected" not in listing
    csv = b"".join(client.get(reverse("finance:problem_list"), {"export": "csv"}).streaming_content).decode()
    assert "File rejected" in csv and "Ledger cents" in csv
    url = reverse("finance:problem_detail", args=[open_one.pk])
    skipped = client.post(reverse("finance:problem_close", args=[open_one.pk]), {"step-reason": ""})
    assert skipped.status_code == 422 and "cannot become" in skipped.content.decode()
    assert client.post(reverse("finance:problem_analyse", args=[open_one.pk]), {}).status_code == 302
    missing = client.post(reverse("finance:problem_forward", args=[open_one.pk]), {"fwd-partner": partner.pk})
    assert missing.status_code == 422
    done = client.post(
        reverse("finance:problem_forward", args=[open_one.pk]),
        {"fwd-partner": partner.pk, "fwd-partner_reference": "SKAIS-9"},
    )
    assert done.status_code == 302
    page = client.get(url).content.decode()
    assert "SKAIS-9" in page and "finance problem status changed" in page
    assert f"{reverse('finance:monitor_create')}?problem={open_one.pk}" in page


def test_monitor_created_from_the_problem_page_is_linked(finance_user: Any, client_for: Any) -> None:
    problem = _problem(finance_user)
    client = client_for(finance_user)
    form = client.get(reverse("finance:monitor_create"), {"problem": problem.pk}).content.decode()
    assert f"problem-{problem.pk}" in form
    response = client.post(
        reverse("finance:monitor_create"),
        {"problem": problem.pk, "code": "watch", "name": "Watch", "kind": "sql", "sql": "SELECT 1 AS n"},
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.monitor == Monitor.objects.get(code="watch")


def test_api_list_and_create(finance_user: Any, client_for: Any) -> None:
    client = client_for(finance_user)
    created = client.post(
        "/api/v1/finance/problems",
        {"title": "API problem", "description": "d", "module": "payments", "severity": "critical"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["status"] == "reported"
    bad = client.post(
        "/api/v1/finance/problems",
        {"title": "x", "description": "d", "module": "payments", "severity": "huge"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "severity" in bad.json()["errors"]
    listed = client.get("/api/v1/finance/problems", {"severity": "critical"}).json()
    assert [p["title"] for p in listed] == ["API problem"]


def test_weekly_pending_lists_open_critical_and_high(finance_user: Any) -> None:
    _problem(finance_user, title="Serious", severity="critical")
    _problem(finance_user, title="Minor", severity="low")
    solved = problem_analyse(
        problem=_problem(finance_user, title="Done", severity="high"), actor=finance_user
    )
    problem_solve(problem=solved, root_cause="a", resolution="b", actor=finance_user)
    source = next(s for s in registry.pending_sources if s.key == "finance-problems")
    titles = [i.title for i in source.collect(finance_user, dt.date.today())]
    assert len(titles) == 1 and "Serious" in titles[0]
