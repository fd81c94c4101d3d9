"""Payment runs and what they need: a person's bank account (the last given counts), holds that
stop payment, the agency's debtor accounts, dated finance parameters with their legal note, the run
with its lines, and the outgoing pain.001 files."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tugi.core.models import Person, TugiModel

__all__ = [
    "BankAccount",
    "BankFile",
    "BankStatus",
    "Benefit",
    "DebtorAccount",
    "FinanceParameter",
    "FinanceParameterName",
    "HoldReason",
    "LineStatus",
    "PaymentHold",
    "PaymentLine",
    "PaymentRun",
    "RunStatus",
]

MONEY: Any = {"max_digits": 14, "decimal_places": 2}


class Benefit(models.TextChoices):
    """Benefit kinds a run pays. Payment day and ISO 20022 purpose code per kind live in
    ``tugi.finance.benefits``."""

    PENSION = "pension", _("pensions")
    FAMILY = "family", _("family benefits")
    OTHER = "other", _("other benefits")


class BankAccount(TugiModel):
    """An account a person gave. All of a person's benefits go to the last given account (SKA);
    earlier rows stay as history. ``town`` and ``country`` are the structured creditor address
    sent in pain.001 where known."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="bank_accounts")
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    holder_name = models.CharField(_("account holder"), max_length=140, blank=True)
    town = models.CharField(_("town"), max_length=35, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    given_on = models.DateField(_("given on"))
    source = models.CharField(_("source"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")
        ordering = ["person_id", "-given_on", "-id"]
        indexes = [models.Index(fields=["person", "-given_on", "-id"]), models.Index(fields=["iban"])]

    def __str__(self) -> str:
        return f"{self.iban[:4]}…{self.iban[-4:]}"


class HoldReason(models.TextChoices):
    WRONG_ACCOUNT = "AC01", _("incorrect account number (AC01)")
    CLOSED_ACCOUNT = "AC04", _("closed account (AC04)")
    BLOCKED_ACCOUNT = "AC06", _("blocked account (AC06)")
    DECEASED = "MD07", _("beneficiary deceased (MD07)")
    MANUAL = "manual", _("held by a specialist")


class PaymentHold(TugiModel):
    """Stops a person's payments until released: their lines in later runs are held, not paid."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="payment_holds")
    reason = models.CharField(_("reason"), max_length=10, choices=HoldReason.choices)
    note = models.TextField(_("note"), blank=True)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    release_note = models.TextField(_("release note"), blank=True)
    source_event = models.ForeignKey(
        "finance.BankEvent", on_delete=models.PROTECT, null=True, blank=True, related_name="holds"
    )

    class Meta:
        verbose_name = _("payment hold")
        verbose_name_plural = _("payment holds")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} #{self.pk}"


class DebtorAccount(TugiModel):
    """The agency's own account a run pays from: one active account per benefit kind."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("debtor name"), max_length=140)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11)
    benefit = models.CharField(_("benefit"), max_length=10, choices=Benefit.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("debtor account")
        verbose_name_plural = _("debtor accounts")
        ordering = ["benefit", "code"]
        constraints = [
            # a run pays from its benefit's active account: two would make the choice arbitrary
            models.UniqueConstraint(
                fields=["benefit"],
                condition=models.Q(is_active=True),
                name="finance_one_active_debtor_per_benefit",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class FinanceParameterName(models.TextChoices):
    DEDUCTION_CAP = "deduction_cap", _("share of a payment that may be offset")
    LIMITATION_YEARS = "limitation_years", _("limitation period of an overpayment claim (years)")
    LIMITATION_WARNING_DAYS = "limitation_warning_days", _("days before limitation to warn")


class FinanceParameter(TugiModel):
    """A dated value with its legal note, per benefit kind (blank = all kinds)."""

    name = models.CharField(_("parameter"), max_length=30, choices=FinanceParameterName.choices)
    benefit = models.CharField(_("benefit"), max_length=10, choices=Benefit.choices, blank=True)
    valid_from = models.DateField(_("valid from"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=4)
    unit = models.CharField(pgettext_lazy("measure", "unit"), max_length=20, blank=True)
    legal_title = models.CharField(_("legal reference"), max_length=300, blank=True)
    legal_url = models.URLField(_("link"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)
    verified = models.BooleanField(_("verified against the law"), default=False)

    class Meta:
        verbose_name = _("finance parameter")
        verbose_name_plural = _("finance parameters")
        ordering = ["name", "benefit", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["name", "benefit", "valid_from"], name="finance_param_unique_day")
        ]

    def __str__(self) -> str:
        return f"{self.get_name_display()} {self.valid_from}: {self.value}"


class RunStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    COMPUTING = "computing", _("computing")
    COMPUTED = "computed", _("computed")
    APPROVED = "approved", _("approved")
    RELEASED = "released", _("released")
    DISCARDED = "discarded", _("discarded")
    FAILED = "failed", _("failed")


class PaymentRun(TugiModel):
    """One benefit kind's payments for one month: computed, reviewed, approved by a second user,
    then released (files written)."""

    benefit = models.CharField(_("benefit"), max_length=10, choices=Benefit.choices, default=Benefit.PENSION)
    month = models.DateField(_("month"), help_text=_("First day of the month paid for."))
    payment_date = models.DateField(_("payment date"))
    status = models.CharField(_("status"), max_length=12, choices=RunStatus.choices, default=RunStatus.DRAFT)
    note = models.TextField(_("note"), blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    totals = models.JSONField(_("totals"), default=dict, blank=True)
    review = models.JSONField(_("review"), default=dict, blank=True)
    inputs_hash = models.CharField(_("inputs hash"), max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    job = models.ForeignKey("core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment run")
        verbose_name_plural = _("payment runs")
        ordering = ["-month", "benefit", "-id"]
        constraints = [
            # at most one live run per benefit and month; discarded and failed runs do not count
            models.UniqueConstraint(
                fields=["benefit", "month"],
                condition=~models.Q(status__in=["discarded", "failed"]),
                name="finance_one_live_run_per_month",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_benefit_display()} {self.month:%Y-%m}"


class LineStatus(models.TextChoices):
    PAY = "pay", _("to be paid")
    HELD = "held", _("held")


class BankStatus(models.TextChoices):
    NOT_SENT = "not_sent", _("not sent")
    SENT = "sent", _("sent")
    ACCEPTED = "accepted", _("accepted by the bank")
    REJECTED = "rejected", _("rejected by the bank")
    BOOKED = "booked", _("debited")
    RETURNED = "returned", _("returned")


class PaymentLine(models.Model):
    """One payment of a run. Amounts: ``gross`` for the month, ``deduction`` offset against
    overpayments (capped), ``net`` = gross − deduction, paid unless the line is held. The account
    and address are copied at compute time so the file and the review show what was used."""

    run = models.ForeignKey(PaymentRun, on_delete=models.CASCADE, related_name="lines")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="payment_lines")
    pension = models.ForeignKey(
        "pensions.Pension", on_delete=models.PROTECT, null=True, blank=True, related_name="payment_lines"
    )
    benefit_type = models.CharField(_("benefit type"), max_length=40, help_text=_("Pension type code."))
    budget_line = models.CharField(_("budget line"), max_length=20, blank=True)
    gross = models.DecimalField(_("gross"), **MONEY)
    deduction = models.DecimalField(_("deduction"), default=0, **MONEY)
    net = models.DecimalField(_("net"), **MONEY)
    #: how ``deduction`` splits over overpayments: [{"overpayment": id, "amount": "12.34"}, ...]
    deductions = models.JSONField(_("deductions"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=6, choices=LineStatus.choices, default=LineStatus.PAY)
    hold_reason = models.CharField(_("held because"), max_length=200, blank=True)
    creditor_name = models.CharField(_("creditor"), max_length=140, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    town = models.CharField(_("town"), max_length=35, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    end_to_end_id = models.CharField(_("EndToEndId"), max_length=35, unique=True)
    bank_file = models.ForeignKey(
        "finance.BankFile", on_delete=models.PROTECT, null=True, blank=True, related_name="lines"
    )
    bank_status = models.CharField(
        _("bank status"), max_length=10, choices=BankStatus.choices, default=BankStatus.NOT_SENT
    )
    bank_reason = models.CharField(_("bank reason code"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("payment line")
        verbose_name_plural = _("payment lines")
        ordering = ["run_id", "id"]
        indexes = [models.Index(fields=["run", "status"]), models.Index(fields=["person", "run"])]

    def __str__(self) -> str:
        return self.end_to_end_id


class BankFile(TugiModel):
    """An outgoing pain.001.001.09 file: one debtor account, at most N transactions. Stored under
    the data directory with its sha256; downloadable only after XSD validation passed."""

    run = models.ForeignKey(PaymentRun, on_delete=models.PROTECT, related_name="files")
    debtor = models.ForeignKey(DebtorAccount, on_delete=models.PROTECT, related_name="files")
    sequence = models.PositiveSmallIntegerField(_("sequence"))
    message_id = models.CharField(_("MsgId"), max_length=35, unique=True)
    payment_info_id = models.CharField(_("PmtInfId"), max_length=35, unique=True)
    nb_of_txs = models.PositiveIntegerField(_("NbOfTxs"))
    ctrl_sum = models.DecimalField(_("CtrlSum"), max_digits=18, decimal_places=2)
    requested_date = models.DateField(_("requested execution date"))
    path = models.CharField(_("stored as"), max_length=500)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    validated_at = models.DateTimeField(_("validated against the XSD at"), null=True, blank=True)
    downloads = models.PositiveIntegerField(_("downloads"), default=0)

    class Meta:
        verbose_name = _("bank file")
        verbose_name_plural = _("bank files")
        ordering = ["run_id", "sequence"]
        constraints = [models.UniqueConstraint(fields=["run", "sequence"], name="finance_file_seq_unique")]

    def __str__(self) -> str:
        return self.message_id
