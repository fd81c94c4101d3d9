"""The pension insurance register and its yearly mass calculation.

Tables by topic:

- ``TaxFile``: the manifest of one imported file of personalised social tax (the rows themselves
  live immutably as Parquet under ``TUGI_DATA_DIR``; see ``tugi.engine.taxfile``).
- ``ParameterValue``: a dated legal parameter recorded in Tugi (proposal or confirmed, four eyes);
  confirmed values override the YAML files of ``tugi.engine.parameters``.
- ``CalculationRun`` with its staged results ``RunPersonResult`` (year shares) and
  ``RunPensionResult`` (recalculation, indexation): nothing touches the register until applied.
- ``InsuredYear``: the register's yearly figures per insured person (one row per person and year).
- ``PensionType``, ``Pension`` and ``PensionAmount``: every change of amount is a dated row.

Insured persons are keyed by personal code: the Tax and Customs Board's file names no one, and the
register holds several hundred thousand of them. A pension belongs to a ``core.Person``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tugi.core.models import Person, TugiModel


class TaxFile(TugiModel):
    """One imported file of personalised social tax, stored once as Parquet (immutable)."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    original_name = models.CharField(_("file name"), max_length=255)
    path = models.CharField(_("stored as"), max_length=500, help_text=_("Relative to the data directory."))
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    months = models.JSONField(_("months"), default=list)
    rows = models.PositiveIntegerField(_("rows"))
    persons = models.PositiveIntegerField(_("persons"))
    payers = models.PositiveIntegerField(_("payers"), default=0)
    submitted_from = models.DateTimeField(_("submitted from"))
    submitted_to = models.DateTimeField(_("submitted to"))
    total_tax = models.DecimalField(_("social tax total"), max_digits=14, decimal_places=2)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("imported by")
    )

    class Meta:
        ordering = ["-year", "-created_at"]
        verbose_name = _("social tax file")
        verbose_name_plural = _("social tax files")

    def __str__(self) -> str:
        return f"{self.year}: {self.original_name}"


class ParameterName(models.TextChoices):
    BASE_AMOUNT = "base_amount", _("base amount")
    YEAR_VALUE = "year_value", _("year value")
    PENSION_INDEX = "pension_index", _("pension index")
    AVERAGE_SOCIAL_TAX = "average_social_tax", _("average social tax")
    MINIMUM_WAGE = "minimum_wage", _("minimum monthly wage")
    EXTRA_BASE_INCREASE = "extra_base_increase", _("extraordinary base increase")


class ParameterStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    CONFIRMED = "confirmed", _("confirmed")
    WITHDRAWN = "withdrawn", _("withdrawn")


class ParameterValue(TugiModel):
    """A dated parameter value recorded in Tugi. Confirming needs a second person (four eyes).

    ``valid_from`` is the date the value applies from; for the average social tax and the minimum
    wage it is 1 January of the year the value belongs to (the average of year Y is applied from
    1 April of Y+1, which the runs know).
    """

    name = models.CharField(_("parameter"), max_length=40, choices=ParameterName.choices)
    valid_from = models.DateField(_("valid from"))
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=6)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ParameterStatus.choices, default=ParameterStatus.PROPOSED
    )
    legal_title = models.CharField(_("legal reference"), max_length=300, blank=True)
    legal_url = models.URLField(_("link"), max_length=500, blank=True)
    checked_on = models.DateField(_("last checked"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposed by")
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        ordering = ["name", "-valid_from", "-created_at"]
        verbose_name = _("parameter value")
        verbose_name_plural = _("parameter values")
        constraints = [
            models.UniqueConstraint(
                fields=["name", "valid_from"],
                condition=models.Q(status="confirmed"),
                name="pensions_one_confirmed_value_per_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_name_display()} {self.valid_from}: {self.value}"


class RunKind(models.TextChoices):
    YEAR_SHARES = "year-shares", _("year shares")
    RECALCULATION = "recalculation", _("recalculation of working pensioners")
    INDEXATION = "indexation", _("indexation")


class RunStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    COMPUTING = "computing", _("computing")
    COMPUTED = "computed", _("computed")
    FAILED = "failed", _("failed")
    APPROVED = "approved", _("approved")
    APPLIED = "applied", _("applied")
    DISCARDED = "discarded", _("discarded")


class CalculationRun(TugiModel):
    """One mass calculation: draft → computing → computed → approved → applied, or discarded.

    ``inputs`` records what the computation rested on (file manifests, parameter values, code
    version) and ``inputs_hash`` its digest; ``results_hash`` is the SHA-256 of the canonical result
    file, so the same inputs give the same hash. A run whose inputs changed since computing cannot be
    approved.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=RunKind.choices)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, db_index=True)
    effective_date = models.DateField(_("effective from"), null=True, blank=True)
    index = models.DecimalField(_("index"), max_digits=8, decimal_places=4, null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=RunStatus.choices, default=RunStatus.DRAFT)
    note = models.TextField(_("note"), blank=True)
    inputs = models.JSONField(_("inputs"), default=dict, blank=True)
    inputs_hash = models.CharField(_("inputs hash"), max_length=64, blank=True)
    results_hash = models.CharField(_("results hash"), max_length=64, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    totals = models.JSONField(_("totals"), default=dict, blank=True)
    review = models.JSONField(_("review"), default=dict, blank=True)
    code_version = models.CharField(_("code version"), max_length=80, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    job = models.ForeignKey("core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("computed by"),
    )
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("applied by"),
    )
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("calculation run")
        verbose_name_plural = _("calculation runs")
        constraints = [
            # Applying twice is impossible: at most one applied run per kind and year / date.
            models.UniqueConstraint(
                fields=["kind", "year"],
                condition=models.Q(status="applied", kind__in=["year-shares", "recalculation"]),
                name="pensions_one_applied_run_per_year",
            ),
            models.UniqueConstraint(
                fields=["kind", "effective_date"],
                condition=models.Q(status="applied", kind="indexation"),
                name="pensions_one_applied_indexation_per_date",
            ),
        ]

    def __str__(self) -> str:
        what = self.year if self.year else self.effective_date
        return f"{self.get_kind_display()} {what} #{self.pk}"


class RunPersonResult(models.Model):
    """A year-shares run's staged figures for one insured person (the register is untouched)."""

    # Staged rows (up to 700 000 per run) carry no database foreign keys: checking each at commit
    # costs more than storing them; the run deletes its own rows, and applying writes them into
    # tables whose keys are checked. No separate index either: the unique constraint leads with run.
    run = models.ForeignKey(
        CalculationRun,
        on_delete=models.CASCADE,
        related_name="person_results",
        db_constraint=False,
        db_index=False,
    )
    person_code = models.CharField(_("personal code"), max_length=11)
    year = models.PositiveSmallIntegerField(_("year"))
    pension_part = models.DecimalField(_("pension part"), max_digits=14, decimal_places=2)
    insured_base = models.DecimalField(_("insured base"), max_digits=14, decimal_places=2)
    service_fraction = models.DecimalField(_("service fraction"), max_digits=7, decimal_places=4)
    funded_factor = models.DecimalField(_("funded factor"), max_digits=7, decimal_places=4)
    insurance_share = models.DecimalField(_("insurance share"), max_digits=9, decimal_places=3)
    joint_share = models.DecimalField(_("joint share"), null=True, blank=True, max_digits=9, decimal_places=3)

    class Meta:
        ordering = ["person_code"]
        constraints = [
            models.UniqueConstraint(fields=["run", "person_code"], name="pensions_run_person_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person_code[:7]}**** {self.year}"


class InsuredYear(models.Model):
    """The register's figures of one insured person for one year, and the run that produced them."""

    person_code = models.CharField(_("personal code"), max_length=11)
    year = models.PositiveSmallIntegerField(_("year"))
    pension_part = models.DecimalField(_("pension part"), max_digits=14, decimal_places=2)
    insured_base = models.DecimalField(_("insured base"), max_digits=14, decimal_places=2)
    service_fraction = models.DecimalField(_("service fraction"), max_digits=7, decimal_places=4)
    funded_factor = models.DecimalField(_("funded factor"), max_digits=7, decimal_places=4)
    insurance_share = models.DecimalField(_("insurance share"), max_digits=9, decimal_places=3)
    joint_share = models.DecimalField(_("joint share"), null=True, blank=True, max_digits=9, decimal_places=3)
    run = models.ForeignKey(CalculationRun, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["person_code", "year"]
        verbose_name = _("insured year")
        verbose_name_plural = _("insured years")
        constraints = [
            models.UniqueConstraint(fields=["person_code", "year"], name="pensions_insured_year_unique")
        ]
        indexes = [models.Index(fields=["year"])]

    def __str__(self) -> str:
        return f"{self.person_code[:7]}**** {self.year}"


class PensionRule(models.TextChoices):
    """Which engine rule computes a pension type's amount (new types add a rule here)."""

    OLD_AGE = "old_age", _("old-age pension formula (RPKS § 7)")


class PensionType(TugiModel):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    rule = models.CharField(_("formula"), max_length=20, choices=PensionRule.choices)
    legal_reference = models.CharField(_("legal reference"), max_length=300, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("pension type")
        verbose_name_plural = _("pension types")

    def __str__(self) -> str:
        return self.name


class PensionStatus(models.TextChoices):
    IN_PAYMENT = "in_payment", _("in payment")
    SUSPENDED = "suspended", _("suspended")
    ENDED = "ended", _("ended")


class Pension(TugiModel):
    """A person's pension. Its amount history is in ``PensionAmount``; the sums of shares here are
    those of the latest amount row (what the next recomputation starts from)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="pensions")
    pension_type = models.ForeignKey(PensionType, on_delete=models.PROTECT, related_name="pensions")
    start_date = models.DateField(_("start date"))
    service_years = models.DecimalField(
        _("service years before 1999"), max_digits=6, decimal_places=2, default=0
    )
    adjustment_factor = models.DecimalField(_("adjustment factor"), max_digits=8, decimal_places=6, default=1)
    insurance_shares = models.DecimalField(
        _("insurance shares 1999–2020"), max_digits=9, decimal_places=3, default=0
    )
    joint_shares = models.DecimalField(_("joint shares from 2021"), max_digits=9, decimal_places=3, default=0)
    last_share_year = models.PositiveSmallIntegerField(_("shares added up to year"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=PensionStatus.choices, default=PensionStatus.IN_PAYMENT
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        ordering = ["-start_date", "id"]
        verbose_name = _("pension")
        verbose_name_plural = _("pensions")
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.pension_type} #{self.pk}"


class AmountReason(models.TextChoices):
    NEW = "new", _("new pension")
    RECALCULATION = "recalculation", _("working-pensioner recalculation")
    INDEXATION = "indexation", _("indexation")
    CORRECTION = "correction", _("correction")


class PensionAmount(models.Model):
    """One dated amount of a pension with the parameters it was computed from and why."""

    # The (pension, valid_from) index below serves the foreign key too; a second index on
    # pension alone would only slow down applying a run's hundreds of thousands of rows.
    pension = models.ForeignKey(Pension, on_delete=models.CASCADE, related_name="amounts", db_index=False)
    valid_from = models.DateField(_("valid from"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    base_amount = models.DecimalField(_("base amount"), max_digits=18, decimal_places=6)
    year_value = models.DecimalField(_("year value"), max_digits=18, decimal_places=6)
    service_years = models.DecimalField(_("service years before 1999"), max_digits=6, decimal_places=2)
    insurance_shares = models.DecimalField(_("insurance shares 1999–2020"), max_digits=9, decimal_places=3)
    joint_shares = models.DecimalField(_("joint shares from 2021"), max_digits=9, decimal_places=3)
    adjustment_factor = models.DecimalField(_("adjustment factor"), max_digits=8, decimal_places=6)
    reason = models.CharField(_("reason"), max_length=16, choices=AmountReason.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    run = models.ForeignKey(CalculationRun, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["pension", "-valid_from", "-id"]
        verbose_name = _("pension amount")
        verbose_name_plural = _("pension amounts")
        indexes = [models.Index(fields=["pension", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.valid_from}: {self.amount}"


class RunPensionResult(models.Model):
    """A recalculation or indexation run's staged new amount for one pension."""

    # No database foreign keys and no extra indexes on staged rows (see RunPersonResult.run).
    run = models.ForeignKey(
        CalculationRun,
        on_delete=models.CASCADE,
        related_name="pension_results",
        db_constraint=False,
        db_index=False,
    )
    pension = models.ForeignKey(
        Pension, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    old_amount = models.DecimalField(_("old amount"), null=True, blank=True, max_digits=14, decimal_places=2)
    new_amount = models.DecimalField(_("new amount"), max_digits=14, decimal_places=2)
    base_amount = models.DecimalField(_("base amount"), max_digits=18, decimal_places=6)
    year_value = models.DecimalField(_("year value"), max_digits=18, decimal_places=6)
    service_years = models.DecimalField(_("service years before 1999"), max_digits=6, decimal_places=2)
    insurance_shares = models.DecimalField(_("insurance shares 1999–2020"), max_digits=9, decimal_places=3)
    joint_shares = models.DecimalField(_("joint shares from 2021"), max_digits=9, decimal_places=3)
    adjustment_factor = models.DecimalField(_("adjustment factor"), max_digits=8, decimal_places=6)
    added_share = models.DecimalField(_("share added"), null=True, blank=True, max_digits=9, decimal_places=3)

    class Meta:
        ordering = ["pension_id"]
        constraints = [models.UniqueConstraint(fields=["run", "pension"], name="pensions_run_pension_unique")]

    def __str__(self) -> str:
        return f"#{self.pension_id}: {self.old_amount} → {self.new_amount}"
