"""Audit event types of test data: scenarios, generated batches, exports and pseudonymisation."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tugi.core.audit import register_event_types


@register_event_types
class TestDataEvent(models.TextChoices):
    __test__ = False  # not a pytest test class

    SCENARIO_CREATED = "testing.testdata_scenario_created", _("test data scenario created")
    SCENARIO_UPDATED = "testing.testdata_scenario_updated", _("test data scenario changed")
    BATCH_GENERATED = "testing.testdata_generated", _("test data generated")
    BATCH_EXPORTED = "testing.testdata_exported", _("test data exported")
    PSEUDONYMISED = "testing.pseudonymised", _("extract pseudonymised")
