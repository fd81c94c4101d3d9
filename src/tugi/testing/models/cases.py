"""Testing models: test cases and their versions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tugi.core.models import TugiModel

__all__ = ["CasePriority", "CaseVersion", "TestCase", "TestSystem"]


class TestSystem(models.TextChoices):
    """The systems under test (the same codes as the delivery area's systems)."""

    SKAIS = "SKAIS", "SKAIS"
    STAR = "STAR", "STAR"


class CasePriority(models.TextChoices):
    CRITICAL = "critical", _("critical")
    HIGH = "high", _("high")
    MEDIUM = "medium", _("medium")
    LOW = "low", _("low")


class TestCase(TugiModel):
    """A test case: what to check in a system's module. Its text (preconditions, steps, test data
    needs) lives in numbered versions; ``current_version`` is the one new executions use."""

    __test__ = False  # not a pytest test class

    key = models.CharField(_("key"), max_length=40, unique=True, help_text=_("e.g. TC-123"))
    title = models.CharField(_("title"), max_length=300)
    system = models.CharField(_("system"), max_length=10, choices=TestSystem.choices)
    module = models.CharField(_("module"), max_length=100, blank=True)
    priority = models.CharField(
        _("priority"), max_length=10, choices=CasePriority.choices, default=CasePriority.MEDIUM
    )
    tags = models.CharField(_("tags"), max_length=300, blank=True, help_text=_("Separated by commas."))
    automated = models.BooleanField(_("automated"), default=False)
    automated_name = models.CharField(
        _("automated test name"),
        max_length=300,
        blank=True,
        db_index=True,
        help_text=_("How the automated test reports itself, e.g. tests.test_x::test_y or class.name."),
    )
    tickets = models.ManyToManyField(
        "delivery.Ticket", blank=True, related_name="test_cases", verbose_name=_("tickets")
    )
    development_requests = models.ManyToManyField(
        "work.DevelopmentRequest",
        blank=True,
        related_name="test_cases",
        verbose_name=_("development requests"),
    )
    current_version = models.ForeignKey(
        "testing.CaseVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current version"),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("test case")
        verbose_name_plural = _("test cases")

    def __str__(self) -> str:
        return f"{self.key} {self.title}"

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]

    def audit_snapshot(self) -> dict[str, Any]:
        data = super().audit_snapshot()
        if self.pk:
            data["tickets"] = sorted(t.key for t in self.tickets.all())
            data["development_requests"] = sorted(r.pk for r in self.development_requests.all())
        version = self.current_version if self.current_version_id else None
        data["version"] = version.number if version else None
        data["preconditions"] = version.preconditions if version else ""
        data["steps"] = list(version.steps or []) if version else []
        data["test_data"] = version.test_data if version else ""
        return data


class CaseVersion(TugiModel):
    """One version of a test case's text. Never changed after an execution used it: editing the
    text of a case creates a new version."""

    case = models.ForeignKey(TestCase, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    preconditions = models.TextField(_("preconditions"), blank=True)
    steps = models.JSONField(
        _("steps"), default=list, blank=True, help_text=_("A list of {action, expected}.")
    )
    test_data = models.TextField(_("test data needs"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["case", "-number"]
        verbose_name = _("test case version")
        verbose_name_plural = _("test case versions")
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="case_version_unique")]

    def __str__(self) -> str:
        return f"{self.case.key} v{self.number}"

    def text_fields(self) -> tuple[str, list[dict[str, str]], str]:
        return (self.preconditions, list(self.steps or []), self.test_data)
