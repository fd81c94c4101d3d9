"""Audit event types of defects, their webhook and imported JUnit reports."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tugi.core.audit import register_event_types


@register_event_types
class DefectEvent(models.TextChoices):
    DEFECT_CREATED = "testing.defect_created", _("defect raised")
    DEFECT_UPDATED = "testing.defect_updated", _("defect changed")
    DEFECT_STATUS = "testing.defect_status", _("defect status changed")
    JUNIT_IMPORTED = "testing.junit_imported", _("JUnit report imported")
    JUNIT_MAPPED = "testing.junit_mapped", _("JUnit test name mapped to a case")
