"""Testing models: defects (raised from failed executions, sent to the developers' tracker by a
webhook) and imported automated results (JUnit XML reports, their test cases and the stored
mapping of a test name to a case)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tugi.core.models import TugiModel

__all__ = [
    "DEFECT_OPEN",
    "TRIAGE_SLA_HOURS",
    "Defect",
    "DefectPriority",
    "DefectSeverity",
    "DefectStatus",
    "JUnitCaseResult",
    "JUnitImport",
    "JUnitMapping",
    "JUnitOutcome",
    "WebhookDelivery",
    "WebhookStatus",
]


class DefectSeverity(models.TextChoices):
    CRITICAL = "critical", _("critical")
    HIGH = "high", _("high")
    MEDIUM = "medium", _("medium")
    LOW = "low", _("low")


class DefectPriority(models.TextChoices):
    HIGHEST = "highest", _("highest")
    HIGH = "high", _("high")
    MEDIUM = "medium", _("medium")
    LOW = "low", _("low")


class DefectStatus(models.TextChoices):
    NEW = "new", _("new")
    TRIAGED = "triaged", _("triaged")
    IN_PROGRESS = "in_progress", _("in progress")
    FIXED = "fixed", _("fixed")
    VERIFIED = "verified", _("verified")
    CLOSED = "closed", _("closed")
    REJECTED = "rejected", _("rejected")
    DUPLICATE = "duplicate", _("duplicate")


#: Statuses in which a defect still counts against a delivery (go / no-go, reports).
DEFECT_OPEN = (
    DefectStatus.NEW,
    DefectStatus.TRIAGED,
    DefectStatus.IN_PROGRESS,
    DefectStatus.FIXED,
)

#: Hours from reporting within which a defect must be triaged, by severity.
TRIAGE_SLA_CRITICAL_HOURS = 4
TRIAGE_SLA_HIGH_HOURS = 8
TRIAGE_SLA_MEDIUM_HOURS = 24
TRIAGE_SLA_LOW_HOURS = 72
TRIAGE_SLA_HOURS = {
    DefectSeverity.CRITICAL: TRIAGE_SLA_CRITICAL_HOURS,
    DefectSeverity.HIGH: TRIAGE_SLA_HIGH_HOURS,
    DefectSeverity.MEDIUM: TRIAGE_SLA_MEDIUM_HOURS,
    DefectSeverity.LOW: TRIAGE_SLA_LOW_HOURS,
}


class Defect(TugiModel):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    severity = models.CharField(
        _("severity"), max_length=10, choices=DefectSeverity.choices, default=DefectSeverity.MEDIUM
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=DefectPriority.choices, default=DefectPriority.MEDIUM
    )
    status = models.CharField(
        _("status"), max_length=12, choices=DefectStatus.choices, default=DefectStatus.NEW
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    execution = models.ForeignKey(
        "testing.Execution",
        verbose_name=_("execution"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="defects",
    )
    tickets = models.ManyToManyField(
        "delivery.Ticket", verbose_name=_("affected tickets"), blank=True, related_name="testing_defects"
    )
    steps = models.TextField(_("reproduction steps"), blank=True)
    expected_result = models.TextField(_("expected result"), blank=True)
    actual_result = models.TextField(_("actual result"), blank=True)
    logs = models.TextField(_("logs"), blank=True)
    attachment_url = models.URLField(_("attachment link"), blank=True, max_length=500)
    environment = models.CharField(_("found in environment"), max_length=100, blank=True)
    found_in_version = models.CharField(_("found in version"), max_length=100, blank=True)
    fixed_in_version = models.CharField(_("fixed in version"), max_length=100, blank=True)
    triaged_at = models.DateTimeField(_("triaged"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("defect")
        verbose_name_plural = _("defects")
        indexes = [models.Index(fields=["status", "severity"])]

    def __str__(self) -> str:
        return f"{self.key} {self.title}"

    @property
    def key(self) -> str:
        return f"DEF-{self.pk}" if self.pk else "DEF-?"

    @property
    def is_open(self) -> bool:
        return self.status in DEFECT_OPEN

    @property
    def triage_due_at(self) -> dt.datetime:
        return self.created_at + dt.timedelta(hours=TRIAGE_SLA_HOURS[DefectSeverity(self.severity)])

    def triage_overdue(self, now: dt.datetime | None = None) -> bool:
        """Not yet triaged and past the severity's triage SLA."""
        return (
            self.status == DefectStatus.NEW
            and self.triaged_at is None
            and (now or timezone.now()) > self.triage_due_at
        )

    def audit_snapshot(self) -> dict[str, Any]:
        data = super().audit_snapshot()
        if self.pk:
            data["tickets"] = sorted(t.key for t in self.tickets.all())
        return data


class WebhookStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class WebhookDelivery(TugiModel):
    """One outgoing POST of a defect's JSON to the developers' tracker (retried with back-off)."""

    defect = models.ForeignKey(Defect, on_delete=models.CASCADE, related_name="webhooks")
    event = models.CharField(_("event"), max_length=20)
    url = models.URLField(_("address"), max_length=500)
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=WebhookStatus.choices, default=WebhookStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("defect webhook delivery")
        verbose_name_plural = _("defect webhook deliveries")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event} DEF-{self.defect_id}"


class JUnitOutcome(models.TextChoices):
    PASSED = "passed", _("passed")
    FAILURE = "failure", _("failure")
    ERROR = "error", _("error")
    SKIPPED = "skipped", _("skipped")


class JUnitImport(TugiModel):
    """One uploaded JUnit XML report of a run; the same file (sha256) is stored once per run."""

    run = models.ForeignKey("testing.TestRun", on_delete=models.CASCADE, related_name="junit_imports")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    filename = models.CharField(_("file"), max_length=200, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.PROTECT, related_name="+"
    )
    total = models.PositiveIntegerField(_("tests"), default=0)
    passed = models.PositiveIntegerField(_("passed"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    matched = models.PositiveIntegerField(_("matched to cases"), default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("JUnit import")
        verbose_name_plural = _("JUnit imports")
        constraints = [models.UniqueConstraint(fields=["run", "sha256"], name="testing_junit_once_per_run")]

    def __str__(self) -> str:
        return f"{self.filename or 'junit.xml'} ({self.sha256[:12]})"


class JUnitCaseResult(TugiModel):
    """One <testcase> of an import, the case it matched (if any) and the execution it created."""

    junit_import = models.ForeignKey(JUnitImport, on_delete=models.CASCADE, related_name="results")
    name = models.CharField(_("test name"), max_length=500)
    outcome = models.CharField(_("outcome"), max_length=10, choices=JUnitOutcome.choices)
    duration = models.FloatField(_("seconds"), default=0)
    message = models.TextField(_("message"), blank=True)
    case = models.ForeignKey(
        "testing.TestCase", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    execution = models.ForeignKey(
        "testing.Execution", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("JUnit test result")
        verbose_name_plural = _("JUnit test results")

    def __str__(self) -> str:
        return self.name


class JUnitMapping(TugiModel):
    """A test name that the case's own automated name does not match, mapped to a case by hand."""

    name = models.CharField(_("test name"), max_length=500, unique=True)
    case = models.ForeignKey(
        "testing.TestCase", verbose_name=_("case"), on_delete=models.CASCADE, related_name="junit_mappings"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("JUnit name mapping")
        verbose_name_plural = _("JUnit name mappings")

    def __str__(self) -> str:
        return self.name
