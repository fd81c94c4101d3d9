"""Audit event types of test cases."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tugi.core.audit import register_event_types


@register_event_types
class CaseEvent(models.TextChoices):
    CASE_CREATED = "testing.case_created", _("test case created")
    CASE_UPDATED = "testing.case_updated", _("test case changed")
    CASES_IMPORTED = "testing.cases_imported", _("test cases imported")
