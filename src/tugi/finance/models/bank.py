"""Incoming bank files (pain.002 status reports, camt.053 / camt.054 statements) and the events
they carry: a rejected or accepted payment, the debit of a payment block, a returned payment with
its reason code, an incoming credit (a repayment with a reference number)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tugi.core.models import TugiModel

from .payments import MONEY

__all__ = ["BankEvent", "BankEventKind", "InboundFile", "InboundKind", "ReturnReason"]


class InboundKind(models.TextChoices):
    PAIN002 = "pain.002", _("payment status report (pain.002)")
    CAMT053 = "camt.053", _("account statement (camt.053)")
    CAMT054 = "camt.054", _("debit / credit notification (camt.054)")


class InboundFile(TugiModel):
    """A bank file read once: the same bytes again (sha256) or the same message id is ignored."""

    kind = models.CharField(_("kind"), max_length=10, choices=InboundKind.choices)
    schema = models.CharField(_("schema"), max_length=40, help_text=_("e.g. camt.053.001.08"))
    message_id = models.CharField(_("message id"), max_length=35)
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    original_name = models.CharField(_("file name"), max_length=255)
    path = models.CharField(_("stored as"), max_length=500)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("incoming bank file")
        verbose_name_plural = _("incoming bank files")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "message_id"], name="finance_inbound_msg_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.message_id}"


class BankEventKind(models.TextChoices):
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")
    DEBIT = "debit", _("debit of a payment block")
    RETURN = "return", _("returned payment")
    CREDIT = "credit", _("incoming credit")


class ReturnReason(models.TextChoices):
    AC01 = "AC01", _("incorrect account number")
    AC04 = "AC04", _("closed account")
    AC06 = "AC06", _("blocked account")
    AG01 = "AG01", _("transaction forbidden")
    MD07 = "MD07", _("end customer deceased")
    MS02 = "MS02", _("reason not specified (creditor)")
    MS03 = "MS03", _("reason not specified (agent)")
    RR01 = "RR01", _("regulatory: missing debtor account or identification")
    RR02 = "RR02", _("regulatory: missing debtor name or address")
    RR03 = "RR03", _("regulatory: missing creditor name or address")
    RR04 = "RR04", _("regulatory reason")


class BankEvent(models.Model):
    """One thing a bank file says. ``line`` is set when an EndToEndId matched a payment line,
    ``overpayment`` when a credit's reference number matched an overpayment. Unmatched events stay
    visible for a specialist to resolve."""

    file = models.ForeignKey(InboundFile, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("kind"), max_length=10, choices=BankEventKind.choices)
    line = models.ForeignKey(
        "finance.PaymentLine", on_delete=models.PROTECT, null=True, blank=True, related_name="bank_events"
    )
    bank_file = models.ForeignKey(
        "finance.BankFile", on_delete=models.PROTECT, null=True, blank=True, related_name="bank_events"
    )
    overpayment = models.ForeignKey(
        "finance.Overpayment", on_delete=models.PROTECT, null=True, blank=True, related_name="bank_events"
    )
    end_to_end_id = models.CharField(_("EndToEndId"), max_length=35, blank=True, db_index=True)
    payment_info_id = models.CharField(_("PmtInfId"), max_length=35, blank=True)
    reference = models.CharField(_("reference number"), max_length=35, blank=True)
    reason_code = models.CharField(_("reason code"), max_length=10, blank=True)
    reason_text = models.CharField(_("reason"), max_length=300, blank=True)
    amount = models.DecimalField(_("amount"), null=True, blank=True, **MONEY)
    booked_on = models.DateField(_("booked on"), null=True, blank=True)
    counterparty = models.CharField(_("counterparty"), max_length=140, blank=True)
    matched = models.BooleanField(_("matched"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("bank event")
        verbose_name_plural = _("bank events")
        ordering = ["file_id", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.end_to_end_id or self.reference}"
