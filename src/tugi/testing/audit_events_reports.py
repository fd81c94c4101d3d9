"""Audit event types of test reports and trainings."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tugi.core.audit import register_event_types


@register_event_types
class ReportEvent(models.TextChoices):
    REPORT_CREATED = "testing.report_created", _("test report created")
    REPORT_UPDATED = "testing.report_updated", _("test report changed")
    REPORT_FINALISED = "testing.report_finalised", _("test report finalised")
    TRAINING_CREATED = "testing.training_created", _("training created")
    TRAINING_UPDATED = "testing.training_updated", _("training changed")
    TRAINING_MATERIAL_ADDED = "testing.training_material_added", _("training material added")
    TRAINING_PARTICIPANTS_SET = "testing.training_participants_set", _("training participants changed")
