"""Audit event types of test plans, runs and executions."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tugi.core.audit import register_event_types


@register_event_types
class RunEvent(models.TextChoices):
    PLAN_CREATED = "testing.plan_created", _("test plan created")
    PLAN_UPDATED = "testing.plan_updated", _("test plan changed")
    RUN_CREATED = "testing.run_created", _("test run created")
    RUN_UPDATED = "testing.run_updated", _("test run changed")
    RUN_CASES_ADDED = "testing.run_cases_added", _("cases added to a test run")
    RUN_CASES_REMOVED = "testing.run_cases_removed", _("cases removed from a test run")
    RUN_CASE_ASSIGNED = "testing.run_case_assigned", _("run case assigned to a tester")
    EXECUTION_RECORDED = "testing.execution_recorded", _("test execution recorded")
