"""Audit event types of monitors and the problem register."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tugi.core.audit import register_event_types


@register_event_types
class MonitorEvent(models.TextChoices):
    MONITOR_CREATED = "finance.monitor_created", _("monitor created")
    MONITOR_UPDATED = "finance.monitor_updated", _("monitor changed")
    MONITOR_RUN = "finance.monitor_run", _("monitor run")
    PROBLEM_CREATED = "finance.problem_created", _("finance problem reported")
    PROBLEM_UPDATED = "finance.problem_updated", _("finance problem changed")
    PROBLEM_STATUS = "finance.problem_status", _("finance problem status changed")
