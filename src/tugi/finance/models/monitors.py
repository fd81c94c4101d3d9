"""Monitors (seire): saved checks run daily — read-only SQL for the SQL-literate specialist, or a
registered Python check — with a history of results and a notification when a check finds rows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tugi.core.models import TugiModel

__all__ = ["Monitor", "MonitorKind", "MonitorOutcome", "MonitorResult"]


class MonitorKind(models.TextChoices):
    SQL = "sql", _("read-only SQL")
    PYTHON = "python", _("registered check")


class Monitor(TugiModel):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("what it catches"), blank=True)
    kind = models.CharField(_("kind"), max_length=6, choices=MonitorKind.choices)
    sql = models.TextField(_("SQL"), blank=True)
    check_name = models.CharField(_("registered check"), max_length=80, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    last_outcome = models.CharField(_("last outcome"), max_length=8, blank=True)
    last_count = models.PositiveIntegerField(_("rows found last time"), null=True, blank=True)

    class Meta:
        verbose_name = _("monitor")
        verbose_name_plural = _("monitors")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class MonitorOutcome(models.TextChoices):
    CLEAN = "clean", _("nothing found")
    FOUND = "found", _("rows found")
    ERROR = "error", _("error")


class MonitorResult(models.Model):
    monitor = models.ForeignKey(Monitor, on_delete=models.CASCADE, related_name="results")
    ran_at = models.DateTimeField(_("ran at"), db_index=True)
    outcome = models.CharField(_("outcome"), max_length=8, choices=MonitorOutcome.choices)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    columns = models.JSONField(_("columns"), default=list, blank=True)
    rows = models.JSONField(_("rows (first 100, personal codes masked)"), default=list, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    error = models.TextField(_("error"), blank=True)
    ran_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("monitor result")
        verbose_name_plural = _("monitor results")
        ordering = ["-ran_at", "-id"]

    def __str__(self) -> str:
        return f"{self.monitor_id} {self.ran_at:%Y-%m-%d %H:%M} {self.outcome}"
