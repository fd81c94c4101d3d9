"""Testing models: plans, runs, run membership and executions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tugi.core.models import TugiModel

__all__ = [
    "Execution",
    "ExecutionAttachment",
    "ExecutionSource",
    "ExecutionStatus",
    "RunCase",
    "RunStatus",
    "TestPlan",
    "TestRun",
]


class TestPlan(TugiModel):
    """What to test for a delivery: a named set of cases."""

    __test__ = False

    name = models.CharField(_("name"), max_length=200)
    delivery = models.ForeignKey(
        "delivery.Delivery",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="test_plans",
        verbose_name=_("delivery"),
    )
    description = models.TextField(_("description"), blank=True)
    cases = models.ManyToManyField(
        "testing.TestCase", blank=True, related_name="plans", verbose_name=_("cases")
    )

    class Meta:
        ordering = ["-created_at", "name"]
        verbose_name = _("test plan")
        verbose_name_plural = _("test plans")

    def __str__(self) -> str:
        return self.name


class RunStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", _("in progress")
    COMPLETED = "completed", _("completed")
    CANCELLED = "cancelled", _("cancelled")


class TestRun(TugiModel):
    """One round of testing a plan's cases in an environment on a version."""

    __test__ = False

    name = models.CharField(_("name"), max_length=200)
    plan = models.ForeignKey(
        TestPlan, on_delete=models.PROTECT, null=True, blank=True, related_name="runs", verbose_name=_("plan")
    )
    environment = models.ForeignKey(
        "delivery.Environment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="test_runs",
        verbose_name=_("environment"),
    )
    environment_name = models.CharField(
        _("environment name"), max_length=100, blank=True, help_text=_("When not a registered environment.")
    )
    version = models.CharField(_("version"), max_length=60, blank=True)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=RunStatus.choices, default=RunStatus.PLANNED
    )
    cases = models.ManyToManyField(
        "testing.TestCase",
        through="testing.RunCase",
        blank=True,
        related_name="runs",
        verbose_name=_("cases"),
    )

    class Meta:
        ordering = ["-created_at", "name"]
        verbose_name = _("test run")
        verbose_name_plural = _("test runs")

    def __str__(self) -> str:
        return self.name

    @property
    def environment_label(self) -> str:
        return self.environment.name if self.environment_id and self.environment else self.environment_name


class RunCase(TugiModel):
    """A case taking part in a run, with who is to execute it."""

    run = models.ForeignKey(TestRun, on_delete=models.CASCADE, related_name="run_cases")
    case = models.ForeignKey("testing.TestCase", on_delete=models.PROTECT, related_name="run_cases")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tester"),
    )

    class Meta:
        ordering = ["run", "case__key"]
        verbose_name = _("run case")
        verbose_name_plural = _("run cases")
        constraints = [models.UniqueConstraint(fields=["run", "case"], name="run_case_unique")]

    def __str__(self) -> str:
        return f"{self.run}: {self.case.key}"


class ExecutionStatus(models.TextChoices):
    PASSED = "passed", _("passed")
    FAILED = "failed", _("failed")
    BLOCKED = "blocked", _("blocked")
    NOT_RUN = "not_run", _("not run")


class ExecutionSource(models.TextChoices):
    MANUAL = "manual", _("manual")
    JUNIT = "junit", _("JUnit import")


class Execution(TugiModel):
    """One execution of a case in a run, kept with the case version it ran."""

    run = models.ForeignKey(TestRun, on_delete=models.CASCADE, related_name="executions")
    case = models.ForeignKey("testing.TestCase", on_delete=models.PROTECT, related_name="executions")
    case_version = models.ForeignKey(
        "testing.CaseVersion",
        on_delete=models.PROTECT,
        related_name="executions",
        verbose_name=_("case version"),
    )
    status = models.CharField(_("status"), max_length=10, choices=ExecutionStatus.choices)
    tester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tester"),
    )
    executed_at = models.DateTimeField(_("executed"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=ExecutionSource.choices, default=ExecutionSource.MANUAL
    )

    class Meta:
        ordering = ["-executed_at", "-pk"]
        verbose_name = _("execution")
        verbose_name_plural = _("executions")
        indexes = [models.Index(fields=["case", "run", "-executed_at"], name="execution_case_run")]

    def __str__(self) -> str:
        return f"{self.case.key} {self.status}"


class ExecutionAttachment(TugiModel):
    """A file (screenshot, log) kept with an execution; the content is stored under the data
    directory by its SHA-256 (``tugi.core.uploads``)."""

    execution = models.ForeignKey(Execution, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("file name"), max_length=255)
    digest = models.CharField(max_length=64)
    suffix = models.CharField(max_length=20, blank=True)
    size = models.PositiveIntegerField(_("size"), default=0)
    content_type = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["execution", "pk"]
        verbose_name = _("execution attachment")
        verbose_name_plural = _("execution attachments")

    def __str__(self) -> str:
        return self.filename
