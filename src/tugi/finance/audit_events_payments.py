"""Audit event types of bank accounts, holds, parameters, payment runs and outgoing bank files."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tugi.core.audit import register_event_types


@register_event_types
class PaymentEvent(models.TextChoices):
    ACCOUNT_GIVEN = "finance.account_given", _("bank account given")
    HOLD_PLACED = "finance.hold_placed", _("payments held")
    HOLD_RELEASED = "finance.hold_released", _("payment hold released")
    DEBTOR_SAVED = "finance.debtor_saved", _("debtor account saved")
    PARAMETER_SAVED = "finance.parameter_saved", _("finance parameter saved")
    RUN_CREATED = "finance.run_created", _("payment run created")
    RUN_COMPUTED = "finance.run_computed", _("payment run computed")
    RUN_APPROVED = "finance.run_approved", _("payment run approved")
    RUN_RELEASED = "finance.run_released", _("payment run released")
    RUN_DISCARDED = "finance.run_discarded", _("payment run discarded")
    RUN_FAILED = "finance.run_failed", _("payment run failed")
    FILE_WRITTEN = "finance.file_written", _("bank file written")
    FILE_DOWNLOADED = "finance.file_downloaded", _("bank file downloaded")
