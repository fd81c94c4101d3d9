"""The sub-ledger: an append-only double-entry journal. Every money event posts one balanced entry
(``tugi.finance.services.ledger.post``); a mistake is corrected by a reversing entry, never by an
edit. Each line carries the Estonian state accounting dimensions (account, partner, activity, source
of funding, cash-flow code) that the monthly trial balance (saldoandmik) needs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tugi.core.models import Person

from .payments import MONEY

__all__ = [
    "AccountKind",
    "EntryKind",
    "JournalEntry",
    "JournalLine",
    "LedgerAccount",
    "LedgerImmutable",
    "PeriodClose",
]


class LedgerImmutable(Exception):
    """Raised when code tries to change or delete a posted journal row."""


class AccountKind(models.TextChoices):
    ASSET = "asset", _("asset")
    LIABILITY = "liability", _("liability")
    EXPENSE = "expense", _("expense")
    INCOME = "income", _("income")


class LedgerAccount(models.Model):
    """A sub-ledger account with its default dimensions (seeded from ``finance/accounts.yaml``)."""

    code = models.CharField(pgettext_lazy("ledger", "account"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=AccountKind.choices)
    role = models.SlugField(
        _("role"), max_length=40, unique=True, help_text=_("How the posting rules name it.")
    )
    partner = models.CharField(_("partner code"), max_length=6, blank=True)
    cash_flow = models.CharField(_("cash-flow code"), max_length=2, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class EntryKind(models.TextChoices):
    ACCRUAL = "accrual", _("accrual")
    PAYMENT = "payment", _("payment")
    RETURN = "return", _("returned payment")
    OVERPAYMENT = "overpayment", _("overpayment decided")
    OFFSET = "offset", _("offset")
    REPAYMENT = "repayment", _("repayment")
    WRITE_OFF = "write_off", _("write-off")
    WRITE_OFF_REVERSAL = "write_off_reversal", _("write-off reversed")
    WAIVER = "waiver", _("waiver")
    REVERSAL = "reversal", _("reversal")


class _AppendOnly(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise LedgerImmutable(_("Posted journal rows cannot be changed; post a reversal."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise LedgerImmutable(_("Posted journal rows cannot be deleted; post a reversal."))


class JournalEntry(_AppendOnly):
    number = models.PositiveIntegerField(_("number"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    posted_on = models.DateField(_("posting date"))
    period = models.DateField(_("period"), help_text=_("First day of the month the entry belongs to."))
    memo = models.CharField(_("memo"), max_length=300)
    source_type = models.CharField(_("source"), max_length=40, blank=True)
    source_id = models.CharField(_("source id"), max_length=40, blank=True)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["number"]
        indexes = [models.Index(fields=["period", "kind"]), models.Index(fields=["source_type", "source_id"])]

    def __str__(self) -> str:
        return f"#{self.number} {self.memo}"


class JournalLine(_AppendOnly):
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    account = models.CharField(pgettext_lazy("ledger", "account"), max_length=6)
    partner = models.CharField(_("partner code"), max_length=6, blank=True)
    activity = models.CharField(_("activity"), max_length=5, blank=True)
    source = models.CharField(_("source of funding"), max_length=2, blank=True)
    cash_flow = models.CharField(_("cash-flow code"), max_length=2, blank=True)
    budget_line = models.CharField(_("budget line"), max_length=20, blank=True)
    benefit_type = models.CharField(_("benefit type"), max_length=40, blank=True)
    debit = models.DecimalField(_("debit"), default=0, **MONEY)
    credit = models.DecimalField(_("credit"), default=0, **MONEY)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    overpayment = models.ForeignKey(
        "finance.Overpayment", on_delete=models.PROTECT, null=True, blank=True, related_name="journal_lines"
    )

    class Meta:
        verbose_name = _("journal line")
        verbose_name_plural = _("journal lines")
        ordering = ["entry_id", "id"]
        indexes = [models.Index(fields=["account"])]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(debit__gte=0) & models.Q(credit__gte=0))
                & (models.Q(debit=0) | models.Q(credit=0)),
                name="finance_line_one_side",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account} D{self.debit} C{self.credit}"


class PeriodClose(models.Model):
    """A closed month: nothing more posts into it; later events post into the first open month."""

    period = models.DateField(_("period"), unique=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("closed at"), auto_now_add=True)
    totals = models.JSONField(_("totals"), default=dict, blank=True)

    class Meta:
        verbose_name = _("closed month")
        verbose_name_plural = _("closed months")
        ordering = ["-period"]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m}"
