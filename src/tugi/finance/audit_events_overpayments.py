"""Audit event types of overpayments: every transition and every recovery."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tugi.core.audit import register_event_types


@register_event_types
class OverpaymentEvent(models.TextChoices):
    DETECTED = "finance.overpayment_detected", _("overpayment detected")
    UPDATED = "finance.overpayment_updated", _("overpayment changed")
    HEARING = "finance.overpayment_hearing", _("hearing started")
    DECIDED = "finance.overpayment_decided", _("overpayment decided")
    NOTIFIED = "finance.overpayment_notified", _("overpayment notice sent")
    RECOVERY_SET = "finance.overpayment_recovery_set", _("recovery arranged")
    RECOVERED = "finance.overpayment_recovered", _("overpayment recovery recorded")
    PAID = "finance.overpayment_paid", _("overpayment paid")
    WAIVED = "finance.overpayment_waived", _("overpayment waived")
    WRITTEN_OFF = "finance.overpayment_written_off", _("overpayment written off")
    WRITE_OFF_REVERSED = "finance.overpayment_write_off_reversed", _("write-off reversed")
    TIME_BARRED = "finance.overpayment_time_barred", _("overpayment time-barred")
    NO_CLAIM = "finance.overpayment_no_claim", _("no claim")
