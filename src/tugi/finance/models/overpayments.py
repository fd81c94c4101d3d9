"""Overpayments (enammaksed): detected, heard, decided with the discretion exercised (recovery is
never automatic), notified with a reference number, recovered (offset, instalments, direct
repayment, claim on the estate) and closed as paid, waived (final), written off (reversible) or
time-barred. ``Recovery`` rows are the money that reduced the balance."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tugi.core.models import Person, TugiModel

from .payments import MONEY, Benefit

__all__ = [
    "OVERPAYMENT_OPEN",
    "Overpayment",
    "OverpaymentCause",
    "OverpaymentSource",
    "OverpaymentStatus",
    "Recovery",
    "RecoveryKind",
    "RecoveryMethod",
]


class OverpaymentSource(models.TextChoices):
    DEATH = "death", _("death date before paid months")
    RETURN = "return", _("payment returned: beneficiary deceased")
    RECALCULATION = "recalculation", _("retroactive recalculation lowered an amount")
    MANUAL = "manual", _("manual finding")


class OverpaymentStatus(models.TextChoices):
    DETECTED = "detected", _("detected")
    HEARING = "hearing", _("hearing")
    DECIDED = "decided", _("decided")
    NOTIFIED = "notified", _("notified")
    RECOVERING = "recovering", _("recovering")
    PAID = "paid", _("paid")
    WAIVED = "waived", _("waived")
    WRITTEN_OFF = "written_off", _("written off")
    TIME_BARRED = "time_barred", _("time-barred")
    NO_CLAIM = "no_claim", _("no claim")


#: Statuses in which money may still be owed.
OVERPAYMENT_OPEN = (
    OverpaymentStatus.DETECTED,
    OverpaymentStatus.HEARING,
    OverpaymentStatus.DECIDED,
    OverpaymentStatus.NOTIFIED,
    OverpaymentStatus.RECOVERING,
)


class OverpaymentCause(models.TextChoices):
    RECIPIENT = "recipient", _("recipient's error")
    AGENCY = "agency", _("agency's error")
    OTHER = "other", _("other")


class RecoveryMethod(models.TextChoices):
    OFFSET = "offset", _("offset from ongoing payments")
    INSTALMENTS = "instalments", _("instalment plan")
    DIRECT = "direct", _("direct repayment")
    ESTATE = "estate", _("claim on the estate")


class Overpayment(TugiModel):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="overpayments")
    pension = models.ForeignKey(
        "pensions.Pension", on_delete=models.PROTECT, null=True, blank=True, related_name="overpayments"
    )
    benefit = models.CharField(_("benefit"), max_length=10, choices=Benefit.choices, default=Benefit.PENSION)
    source = models.CharField(_("detected from"), max_length=14, choices=OverpaymentSource.choices)
    period_from = models.DateField(_("overpaid from"))
    period_to = models.DateField(_("overpaid to"))
    amount = models.DecimalField(_("amount"), **MONEY)
    status = models.CharField(
        _("status"), max_length=12, choices=OverpaymentStatus.choices, default=OverpaymentStatus.DETECTED
    )
    detected_on = models.DateField(_("detected on"))
    description = models.TextField(_("description"), blank=True)
    hearing_started_on = models.DateField(_("hearing started on"), null=True, blank=True)
    hearing_note = models.TextField(_("hearing"), blank=True)
    cause = models.CharField(_("cause"), max_length=10, choices=OverpaymentCause.choices, blank=True)
    decision_reasons = models.TextField(
        _("decision and the discretion exercised"),
        blank=True,
        help_text=_("Why recovery is (or is not) demanded, and what was weighed."),
    )
    decided_amount = models.DecimalField(_("amount to recover"), null=True, blank=True, **MONEY)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    reference_number = models.CharField(_("reference number"), max_length=20, blank=True, db_index=True)
    notified_on = models.DateField(_("notified on"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    recovery_method = models.CharField(
        _("recovery method"), max_length=12, choices=RecoveryMethod.choices, blank=True
    )
    monthly_amount = models.DecimalField(
        _("monthly amount"), null=True, blank=True, help_text=_("Offset or instalment per month."), **MONEY
    )
    recovery_start = models.DateField(_("recovery from month"), null=True, blank=True)
    limitation_date = models.DateField(_("limitation date"), null=True, blank=True)
    last_action_on = models.DateField(_("last action on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_reason = models.TextField(_("closing reason"), blank=True)
    source_line = models.ForeignKey(
        "finance.PaymentLine", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("overpayment")
        verbose_name_plural = _("overpayments")
        ordering = ["-detected_on", "-id"]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["person", "status"])]

    def __str__(self) -> str:
        return _("Overpayment %(id)s") % {"id": self.pk}


class RecoveryKind(models.TextChoices):
    OFFSET = "offset", _("offset")
    REPAYMENT = "repayment", _("repayment")
    ESTATE = "estate", _("paid by the estate")
    WRITE_OFF = "write_off", _("written off")
    WRITE_OFF_REVERSAL = "write_off_reversal", _("write-off reversed")
    WAIVER = "waiver", _("waived")


class Recovery(models.Model):
    """Money (or a decision) that changed an overpayment's balance. A write-off reversal carries a
    negative amount."""

    overpayment = models.ForeignKey(Overpayment, on_delete=models.PROTECT, related_name="recoveries")
    kind = models.CharField(_("kind"), max_length=20, choices=RecoveryKind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    on = models.DateField(_("date"))
    line = models.ForeignKey(
        "finance.PaymentLine", on_delete=models.PROTECT, null=True, blank=True, related_name="recoveries"
    )
    bank_event = models.ForeignKey(
        "finance.BankEvent", on_delete=models.PROTECT, null=True, blank=True, related_name="recoveries"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("recovery")
        verbose_name_plural = _("recoveries")
        ordering = ["overpayment_id", "on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"
