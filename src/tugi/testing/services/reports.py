"""Writes of test reports: create and change a delivery's report, finalise it (its content kept)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tugi.core.audit import audit_record
from tugi.core.crud import assign, save_changes, save_new
from tugi.core.permissions import require

from ..audit_events_reports import ReportEvent
from ..models import ReportStatus, TestReport
from ..selectors_reports import report_content

REPORT_FIELDS = ("delivery", "due_date", "owner", "summary", "risks", "recommendation")
EDIT_FIELDS = ("due_date", "owner", "summary", "risks", "recommendation")


@transaction.atomic
def report_create(
    *, actor: Any, delivery: Any, due_date: dt.date, owner: Any = None, reason: str = "", **values: Any
) -> TestReport:
    """A draft test report for ``delivery`` (one per delivery), due on ``due_date``."""
    require(actor, "testing.add_testreport")
    if TestReport.objects.filter(delivery=delivery).exists():
        raise ValidationError({"delivery": _("This delivery already has a test report.")})
    report = TestReport()
    assign(
        report,
        {"delivery": delivery, "due_date": due_date, "owner": owner or actor, **values},
        REPORT_FIELDS,
        keep_spaces=["summary", "risks"],
    )
    return save_new(report, event=ReportEvent.REPORT_CREATED, actor=actor, reason=reason)


@transaction.atomic
def report_update(*, report: TestReport, actor: Any, reason: str = "", **values: Any) -> TestReport:
    """Change a draft report's due date, owner, summary, risks or recommendation."""
    require(actor, "testing.change_testreport")
    report = TestReport.objects.select_for_update().get(pk=report.pk)
    if report.status == ReportStatus.FINAL:
        raise ValidationError(_("A final report cannot be changed."))
    before = report.audit_snapshot()
    assign(report, values, EDIT_FIELDS, keep_spaces=["summary", "risks"])
    save_changes(report, before, event=ReportEvent.REPORT_UPDATED, actor=actor, reason=reason)
    return report


@transaction.atomic
def report_finalise(*, report: TestReport, actor: Any, reason: str = "") -> TestReport:
    """Make the report final: its content as of now is kept and no longer changes."""
    require(actor, "testing.change_testreport")
    report = TestReport.objects.select_for_update().select_related("delivery").get(pk=report.pk)
    if report.status == ReportStatus.FINAL:
        raise ValidationError(_("The report is already final."))
    if not report.recommendation:
        raise ValidationError({"recommendation": _("Give a recommendation before finalising the report.")})
    content = report_content(report.delivery)
    before = {"status": report.status}
    report.snapshot = content
    report.status = ReportStatus.FINAL
    report.finalised_at = timezone.now()
    report.finalised_by = actor
    report.full_clean()
    report.save()
    audit_record(
        event=ReportEvent.REPORT_FINALISED,
        actor=actor,
        obj=report,
        before=before,
        after={
            "status": report.status,
            "recommendation": report.recommendation,
            "open_defects": len(content["open_defects"]),
            "cases": len(content["cases"]),
        },
        reason=reason,
    )
    return report
