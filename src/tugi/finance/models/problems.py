"""The problem register of SKAIS's finance and payment functions: what was reported, solved here
or forwarded to a partner (with their reference), the root cause, and the monitor created so that
it does not recur."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tugi.core.models import TugiModel

__all__ = ["FinanceProblem", "ProblemModule", "ProblemSeverity", "ProblemStatus"]


class ProblemModule(models.TextChoices):
    PAYMENTS = "payments", _("payment runs")
    BANK_FILES = "bank_files", _("bank files")
    RETURNS = "returns", _("returned payments")
    OVERPAYMENTS = "overpayments", _("overpayments")
    ACCOUNTING = "accounting", _("financial accounting")
    REPORTS = "reports", _("financial reports")
    OTHER = "other", _("other")


class ProblemSeverity(models.TextChoices):
    CRITICAL = "critical", _("critical")
    HIGH = "high", _("high")
    MEDIUM = "medium", _("medium")
    LOW = "low", _("low")


class ProblemStatus(models.TextChoices):
    REPORTED = "reported", _("reported")
    ANALYSING = "analysing", _("analysing")
    FORWARDED = "forwarded", _("forwarded to a partner")
    SOLVED = "solved", _("solved")
    CLOSED = "closed", _("closed")


class FinanceProblem(TugiModel):
    title = models.CharField(_("problem"), max_length=200)
    description = models.TextField(_("description"))
    module = models.CharField(_("module"), max_length=14, choices=ProblemModule.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=ProblemSeverity.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ProblemStatus.choices, default=ProblemStatus.REPORTED
    )
    reported_on = models.DateField(_("reported on"))
    reported_by_name = models.CharField(_("reported by"), max_length=200, blank=True)
    partner = models.ForeignKey(
        "work.Partner", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    partner_reference = models.CharField(_("partner's reference"), max_length=100, blank=True)
    forwarded_on = models.DateField(_("forwarded on"), null=True, blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    solved_on = models.DateField(_("solved on"), null=True, blank=True)
    monitor = models.ForeignKey(
        "finance.Monitor", on_delete=models.PROTECT, null=True, blank=True, related_name="problems"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("finance problem")
        verbose_name_plural = _("finance problems")
        ordering = ["-reported_on", "-id"]

    def __str__(self) -> str:
        return self.title
