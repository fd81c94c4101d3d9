"""Reads of defects and JUnit imports; the JSON the developers' tracker receives (Jira-like
fields) and the go / no-go evidence of a ticket's defects."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from tugi.core.selectors import get_restricted

from .models import (
    DEFECT_OPEN,
    TRIAGE_SLA_HOURS,
    Defect,
    DefectSeverity,
    DefectStatus,
    JUnitImport,
    JUnitMapping,
)

#: Jira-like priority names of the tracker export.
TRACKER_PRIORITY = {"highest": "Highest", "high": "High", "medium": "Medium", "low": "Low"}

CSV_HEADER = [
    "Issue key",
    "Summary",
    "Issue Type",
    "Status",
    "Priority",
    "Severity",
    "Assignee",
    "Reporter",
    "Created",
    "Environment",
    "Affects Version",
    "Fix Version",
    "Linked Issues",
    "Description",
]


def defects(*, user: Any) -> QuerySet[Defect]:
    return Defect.objects.restrict(user).select_related("owner", "reported_by")


def defect_get(*, user: Any, pk: Any, action: str = "view") -> Defect:
    return get_restricted(
        Defect.objects.select_related(
            "owner", "reported_by", "execution__run", "execution__case", "execution__case_version"
        ),
        user,
        action,
        pk=pk,
    )


def _description(defect: Defect) -> str:
    parts = [defect.description]
    for label, text in (
        ("Steps to reproduce", defect.steps),
        ("Expected result", defect.expected_result),
        ("Actual result", defect.actual_result),
        ("Logs", defect.logs),
        ("Attachment", defect.attachment_url),
    ):
        if text:
            parts.append(f"*{label}*\n{text}")
    return "\n\n".join(p for p in parts if p)


def defect_json(defect: Defect) -> dict[str, Any]:
    """The defect as the developers' tracker takes it (Jira-like ``fields``)."""
    return {
        "key": defect.key,
        "fields": {
            "summary": defect.title,
            "issuetype": {"name": "Bug"},
            "status": {"name": defect.status},
            "priority": {"name": TRACKER_PRIORITY.get(defect.priority, defect.priority)},
            "severity": defect.severity,
            "assignee": {"name": defect.owner.get_username()} if defect.owner_id and defect.owner else None,
            "reporter": {"name": defect.reported_by.get_username()},
            "created": defect.created_at.isoformat(),
            "updated": defect.updated_at.isoformat(),
            "environment": defect.environment,
            "versions": [{"name": defect.found_in_version}] if defect.found_in_version else [],
            "fixVersions": [{"name": defect.fixed_in_version}] if defect.fixed_in_version else [],
            "issuelinks": [{"type": "affects", "key": t.key} for t in defect.tickets.all()],
            "description": _description(defect),
            "steps": defect.steps,
            "expected": defect.expected_result,
            "actual": defect.actual_result,
            "logs": defect.logs,
            "attachment": defect.attachment_url,
        },
    }


def defect_csv_rows(qs: QuerySet[Defect]) -> list[list[Any]]:
    rows: list[list[Any]] = [list(CSV_HEADER)]
    for d in qs.prefetch_related("tickets"):
        rows.append(
            [
                d.key,
                d.title,
                "Bug",
                d.status,
                TRACKER_PRIORITY.get(d.priority, d.priority),
                d.severity,
                d.owner.get_username() if d.owner else "",
                d.reported_by.get_username(),
                d.created_at.strftime("%Y-%m-%d %H:%M"),
                d.environment,
                d.found_in_version,
                d.fixed_in_version,
                " ".join(t.key for t in d.tickets.all()),
                _description(d),
            ]
        )
    return rows


def triage_overdue(*, user: Any, now: dt.datetime | None = None) -> list[Defect]:
    """New defects past their severity's triage SLA, most urgent first."""
    now = now or timezone.now()
    late = Q()
    for severity, hours in TRIAGE_SLA_HOURS.items():
        late |= Q(severity=severity, created_at__lt=now - dt.timedelta(hours=hours))
    rows = defects(user=user).filter(late, status=DefectStatus.NEW, triaged_at__isnull=True)
    return sorted(rows, key=lambda d: d.triage_due_at)


def ticket_defects(ticket: Any) -> list[dict[str, Any]]:
    """The defects of a ticket as go / no-go evidence (``title, severity, open, signed_off``)."""
    out = []
    for d in Defect.objects.filter(tickets=ticket).order_by("pk"):
        out.append(
            {
                "title": f"{d.key} {d.title}",
                "url": f"/testing/defects/{d.pk}/",
                "severity": d.severity,
                "open": d.status in DEFECT_OPEN,
                # a high defect is signed off when the test manager accepted it in the delivery
                "signed_off": False,
                "sign_off_note": "",
            }
        )
    return out


def open_blocking(*, user: Any) -> QuerySet[Defect]:
    return defects(user=user).filter(
        status__in=DEFECT_OPEN, severity__in=[DefectSeverity.CRITICAL, DefectSeverity.HIGH]
    )


def junit_imports(*, user: Any, run: Any) -> QuerySet[JUnitImport]:
    return JUnitImport.objects.restrict(user).filter(run=run).select_related("imported_by")


def junit_import_get(*, user: Any, pk: Any) -> JUnitImport:
    return get_restricted(JUnitImport.objects.select_related("run", "imported_by"), user, pk=pk)


def junit_unmatched(*, user: Any) -> list[str]:
    """Test names of imports that matched no case and have no mapping yet."""
    from .models import JUnitCaseResult

    mapped = set(JUnitMapping.objects.values_list("name", flat=True))
    names = (
        JUnitCaseResult.objects.restrict(user)
        .filter(case__isnull=True)
        .values_list("name", flat=True)
        .distinct()
        .order_by("name")
    )
    return [n for n in names if n not in mapped]


def junit_mappings(*, user: Any) -> QuerySet[JUnitMapping]:
    return JUnitMapping.objects.restrict(user).select_related("case")
