"""Audit event types of incoming bank files and what they change."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tugi.core.audit import register_event_types


@register_event_types
class BankFileEvent(models.TextChoices):
    INBOUND_IMPORTED = "finance.inbound_imported", _("bank file imported")
    LINE_REJECTED = "finance.line_rejected", _("payment rejected by the bank")
    LINE_RETURNED = "finance.line_returned", _("payment returned")
    EVENT_MATCHED = "finance.event_matched", _("bank event matched by hand")
