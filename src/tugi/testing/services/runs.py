"""Writes of test plans, runs and executions.

A run made from a plan copies the plan's cases; adding or removing cases later is one audit event
per change, naming the case keys. An execution keeps the case version current when it ran, so
editing the case afterwards leaves the execution on the old version.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tugi.core.audit import audit_record
from tugi.core.crud import assign, save_changes
from tugi.core.permissions import require
from tugi.core.uploads import store_upload

from ..audit_events_runs import RunEvent
from ..models import (
    Execution,
    ExecutionAttachment,
    ExecutionSource,
    ExecutionStatus,
    RunCase,
    RunStatus,
    TestCase,
    TestPlan,
    TestRun,
)

PLAN_FIELDS = ("name", "delivery", "description")
RUN_FIELDS = (
    "name",
    "plan",
    "environment",
    "environment_name",
    "version",
    "planned_start",
    "planned_end",
    "status",
)
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
CLOSED_RUN = (RunStatus.CANCELLED,)


def _keys(cases: Iterable[TestCase]) -> list[str]:
    return sorted(c.key for c in cases)


# --- plans ---------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, actor: Any, reason: str = "", cases: Sequence[TestCase] = (), **values: Any) -> TestPlan:
    """A test plan (``name``, ``delivery``, ``description``) with its cases."""
    require(actor, "testing.add_testplan")
    plan = TestPlan()
    assign(plan, values, PLAN_FIELDS, keep_spaces=("description",))
    plan.full_clean()
    plan.save()
    plan.cases.set(cases)
    audit_record(
        event=RunEvent.PLAN_CREATED,
        actor=actor,
        obj=plan,
        after={**plan.audit_snapshot(), "cases": _keys(cases)},
        reason=reason,
    )
    return plan


@transaction.atomic
def plan_update(
    *, plan: TestPlan, actor: Any, reason: str = "", cases: Sequence[TestCase] | None = None, **values: Any
) -> bool:
    """Change a plan's fields and, when given, its cases; True if anything changed."""
    require(actor, "testing.change_testplan")
    obj = TestPlan.objects.select_for_update().get(pk=plan.pk)
    before = {**obj.audit_snapshot(), "cases": _keys(obj.cases.all())}
    assign(obj, values, PLAN_FIELDS, keep_spaces=("description",))
    obj.full_clean()
    after = {**obj.audit_snapshot(), "cases": _keys(cases) if cases is not None else before["cases"]}
    if after == before:
        return False
    obj.save()
    if cases is not None:
        obj.cases.set(cases)
    audit_record(event=RunEvent.PLAN_UPDATED, actor=actor, obj=obj, before=before, after=after, reason=reason)
    plan.refresh_from_db()
    return True


# --- runs ----------------------------------------------------------------------------------------


def _check_run(run: TestRun) -> None:
    if run.planned_start and run.planned_end and run.planned_end < run.planned_start:
        raise ValidationError({"planned_end": _("The end is before the start.")})
    if not run.environment_id and not run.environment_name.strip():
        raise ValidationError({"environment": _("Choose an environment or write its name.")})


@transaction.atomic
def run_create(
    *, actor: Any, reason: str = "", cases: Sequence[TestCase] | None = None, **values: Any
) -> TestRun:
    """A test run; without ``cases`` it copies the cases of its ``plan``."""
    require(actor, "testing.add_testrun")
    run = TestRun()
    assign(run, values, RUN_FIELDS)
    _check_run(run)
    run.full_clean()
    run.save()
    if cases is None:
        cases = list(run.plan.cases.all()) if run.plan_id and run.plan else []
    RunCase.objects.bulk_create([RunCase(run=run, case=c) for c in {c.pk: c for c in cases}.values()])
    audit_record(
        event=RunEvent.RUN_CREATED,
        actor=actor,
        obj=run,
        after={**run.audit_snapshot(), "cases": _keys(cases)},
        reason=reason,
    )
    return run


@transaction.atomic
def run_update(*, run: TestRun, actor: Any, reason: str = "", **values: Any) -> bool:
    """Change a run's fields (name, environment, version, dates, status)."""
    require(actor, "testing.change_testrun")
    obj = TestRun.objects.select_for_update().get(pk=run.pk)
    before = obj.audit_snapshot()
    assign(obj, values, RUN_FIELDS)
    _check_run(obj)
    changed = save_changes(obj, before, event=RunEvent.RUN_UPDATED, actor=actor, reason=reason)
    run.refresh_from_db()
    return changed


@transaction.atomic
def run_cases_add(
    *, run: TestRun, cases: Sequence[TestCase], actor: Any, reason: str = "", assignee: Any = None
) -> list[str]:
    """Add cases to a run (those already in it are skipped); one audit event naming the added
    keys. Returns the added keys."""
    require(actor, "testing.change_testrun")
    if run.status in CLOSED_RUN:
        raise ValidationError({"cases": _("The run is cancelled.")})
    present = set(run.run_cases.values_list("case_id", flat=True))
    new = [c for c in {c.pk: c for c in cases}.values() if c.pk not in present]
    if not new:
        return []
    RunCase.objects.bulk_create([RunCase(run=run, case=c, assignee=assignee) for c in new])
    keys = _keys(new)
    audit_record(
        event=RunEvent.RUN_CASES_ADDED,
        actor=actor,
        obj=run,
        after={"added": keys, "assignee": assignee.get_username() if assignee else None},
        reason=reason,
    )
    return keys


@transaction.atomic
def run_cases_remove(*, run: TestRun, cases: Sequence[TestCase], actor: Any, reason: str = "") -> list[str]:
    """Remove cases from a run; their earlier executions stay. One audit event naming the keys."""
    require(actor, "testing.change_testrun")
    rows = list(run.run_cases.filter(case__in=[c.pk for c in cases]).select_related("case"))
    if not rows:
        return []
    keys = _keys(r.case for r in rows)
    RunCase.objects.filter(pk__in=[r.pk for r in rows]).delete()
    audit_record(
        event=RunEvent.RUN_CASES_REMOVED, actor=actor, obj=run, before={"removed": keys}, reason=reason
    )
    return keys


@transaction.atomic
def run_case_assign(*, run_case: RunCase, assignee: Any, actor: Any, reason: str = "") -> bool:
    """Set who executes a case of a run (``None`` to clear)."""
    require(actor, "testing.change_testrun")
    obj = RunCase.objects.select_for_update().select_related("run", "case").get(pk=run_case.pk)
    old = obj.assignee
    if (old.pk if old else None) == (assignee.pk if assignee else None):
        return False
    obj.assignee = assignee
    obj.save(update_fields=["assignee", "updated_at"])
    audit_record(
        event=RunEvent.RUN_CASE_ASSIGNED,
        actor=actor,
        obj=obj.run,
        before={"case": obj.case.key, "assignee": old.get_username() if old else None},
        after={"case": obj.case.key, "assignee": assignee.get_username() if assignee else None},
        reason=reason,
    )
    run_case.refresh_from_db()
    return True


# --- executions ----------------------------------------------------------------------------------


def _attachments(files: Sequence[Any]) -> list[tuple[str, bytes, str]]:
    out = []
    for f in files:
        if isinstance(f, tuple):
            name, content, ctype = f
        else:
            name, content, ctype = f.name, f.read(), getattr(f, "content_type", "") or ""
        if len(content) > MAX_ATTACHMENT_BYTES:
            raise ValidationError(
                {"attachments": _("%(name)s is larger than 10 MB.") % {"name": os.path.basename(name)}}
            )
        out.append((os.path.basename(name)[:255] or "file", content, ctype[:100]))
    return out


@transaction.atomic
def execution_record(
    *,
    run: TestRun,
    case: TestCase,
    status: str,
    actor: Any,
    comment: str = "",
    tester: Any = None,
    executed_at: dt.datetime | None = None,
    source: str = ExecutionSource.MANUAL,
    attachments: Sequence[Any] = (),
    reason: str = "",
) -> Execution:
    """Record one execution of a case of the run with the case's current version. A manual
    failed or blocked result needs a comment. ``attachments``: uploaded files or
    ``(name, bytes, content type)`` tuples. The tester is ``actor`` unless given. A planned run
    becomes in progress."""
    require(actor, "testing.add_execution")
    if run.status in CLOSED_RUN:
        raise ValidationError({"status": _("The run is cancelled.")})
    if not run.run_cases.filter(case=case).exists():
        raise ValidationError({"case": _("%(key)s is not in this run.") % {"key": case.key}})
    if status not in ExecutionStatus.values:
        raise ValidationError({"status": _("Choose passed, failed, blocked or not run.")})
    comment = (comment or "").strip()
    if (
        source == ExecutionSource.MANUAL
        and status in (ExecutionStatus.FAILED, ExecutionStatus.BLOCKED)
        and not comment
    ):
        raise ValidationError({"comment": _("Say what failed or what blocks the test.")})
    if case.current_version_id is None:
        raise ValidationError({"case": _("%(key)s has no text yet.") % {"key": case.key}})
    files = _attachments(attachments)
    execution = Execution(
        run=run,
        case=case,
        case_version_id=case.current_version_id,
        status=status,
        tester=tester if tester is not None else (actor if getattr(actor, "pk", None) else None),
        executed_at=executed_at or timezone.now(),
        comment=comment,
        source=source,
    )
    execution.full_clean()
    execution.save()
    names = []
    for name, content, ctype in files:
        digest, path = store_upload(content, os.path.splitext(name)[1][:20].lower())
        ExecutionAttachment.objects.create(
            execution=execution,
            filename=name,
            digest=digest,
            suffix=path.suffix,
            size=len(content),
            content_type=ctype,
        )
        names.append(name)
    if run.status == RunStatus.PLANNED:
        TestRun.objects.filter(pk=run.pk).update(status=RunStatus.IN_PROGRESS, updated_at=timezone.now())
        run.status = RunStatus.IN_PROGRESS
    audit_record(
        event=RunEvent.EXECUTION_RECORDED,
        actor=actor,
        obj=execution,
        after={**execution.audit_snapshot(), "case": case.key, "attachments": names},
        reason=reason,
    )
    return execution
