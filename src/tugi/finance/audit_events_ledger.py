"""Audit event types of the sub-ledger."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tugi.core.audit import register_event_types


@register_event_types
class LedgerEvent(models.TextChoices):
    ENTRY_POSTED = "finance.entry_posted", _("journal entry posted")
    ENTRY_REVERSED = "finance.entry_reversed", _("journal entry reversed")
    PERIOD_CLOSED = "finance.period_closed", _("month closed")
    ACCOUNTS_LOADED = "finance.accounts_loaded", _("ledger accounts loaded")
