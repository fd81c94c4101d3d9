"""Deliveries, tickets, UAT readiness checks and go / no-go decisions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tugi.core.models import TugiModel

from .environments import System

__all__ = [
    "CalendarFeed",
    "Decision",
    "DefectSeverity",
    "Delivery",
    "DeliveryDate",
    "DeliveryKind",
    "DeliverySignoff",
    "DeliveryStage",
    "DeliveryStatus",
    "GoDecision",
    "LinkKind",
    "SignoffKind",
    "Ticket",
    "TicketFlag",
    "TicketLink",
    "TicketSource",
    "TicketStatus",
    "UatCheck",
]


class DeliveryKind(models.TextChoices):
    PLANNED = "planned", _("planned")
    HOTFIX = "hotfix", _("hotfix")


class DeliveryStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_TEST = "in_test", _("in test")
    IN_UAT = "in_uat", _("in UAT")
    APPROVED = "approved", _("approved")
    DEPLOYED = "deployed", _("deployed")
    REJECTED = "rejected", _("rejected")
    CANCELLED = "cancelled", _("cancelled")


class DeliveryStage(models.TextChoices):
    """The environments a delivery passes through (the same codes as an environment's kind)."""

    DEV = "dev", _("development")
    TEST = "test", _("test")
    UAT = "uat", _("UAT (pre-production)")
    PROD = "prod", _("production")


class Delivery(TugiModel):
    """A version of SKAIS or STAR on its way to production, planned or a hotfix."""

    system = models.CharField(_("system"), max_length=10, choices=System.choices)
    version = models.CharField(_("version"), max_length=60)
    kind = models.CharField(
        _("kind"), max_length=10, choices=DeliveryKind.choices, default=DeliveryKind.PLANNED
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PLANNED
    )
    description = models.TextField(_("description"), blank=True)
    ordering_party = models.ForeignKey(
        "work.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ordering party"),
    )
    rollback_plan = models.TextField(
        _("rollback plan"),
        blank=True,
        help_text=_("How to return to the previous version, or a link to the plan."),
    )

    class Meta:
        ordering = ["system", "-version"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [models.UniqueConstraint(fields=["system", "version"], name="delivery_version_unique")]

    def __str__(self) -> str:
        return f"{self.system} {self.version}"


class DeliveryDate(TugiModel):
    """When the delivery is planned to reach an environment, and when it actually did."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="dates")
    stage = models.CharField(_("environment"), max_length=10, choices=DeliveryStage.choices)
    planned_date = models.DateField(_("planned date"))
    actual_date = models.DateField(_("actual date"), null=True, blank=True)

    class Meta:
        ordering = ["delivery", "planned_date"]
        verbose_name = _("delivery date")
        verbose_name_plural = _("delivery dates")
        constraints = [
            models.UniqueConstraint(fields=["delivery", "stage"], name="delivery_date_stage_unique")
        ]

    def __str__(self) -> str:
        return f"{self.delivery} {self.stage} {self.planned_date}"


class SignoffKind(models.TextChoices):
    REGRESSION = "regression", _("regression run passed")
    UAT = "uat", _("UAT signed off by the ordering party")


class DeliverySignoff(TugiModel):
    """A manually recorded piece of go / no-go evidence (a regression run, the UAT sign-off)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="signoffs")
    kind = models.CharField(_("kind"), max_length=12, choices=SignoffKind.choices)
    signed_by = models.CharField(
        _("signed by"), max_length=200, help_text=_("Who confirmed it (name, organisation).")
    )
    evidence_url = models.URLField(_("evidence link"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["delivery", "-recorded_at"]
        verbose_name = _("delivery sign-off")
        verbose_name_plural = _("delivery sign-offs")

    def __str__(self) -> str:
        return f"{self.delivery}: {self.get_kind_display()}"


class TicketStatus(models.TextChoices):
    NEW = "new", _("new")
    IN_DEVELOPMENT = "in_development", _("in development")
    READY_FOR_UAT = "ready_for_uat", _("ready for UAT")
    IN_TESTING = "in_testing", _("in testing")
    PASSED = "passed", _("passed")
    FAILED = "failed", _("failed")
    ACCEPTED = "accepted", _("accepted with known issues")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


# Statuses after which a ticket no longer waits for testing (weekly review, go / no-go).
TICKET_FINISHED = (
    TicketStatus.PASSED,
    TicketStatus.ACCEPTED,
    TicketStatus.DONE,
    TicketStatus.CANCELLED,
)


class TicketSource(models.TextChoices):
    MANUAL = "manual", _("created in Tugi")
    IMPORT = "import", _("imported from a file")
    API = "api", _("pushed through the API")


class Ticket(TugiModel):
    """A change in the developers' tracker (Jira) that UAT tests: a story, bug or task."""

    key = models.CharField(_("key"), max_length=40, unique=True, help_text=_("e.g. SKAIS-1234"))
    title = models.CharField(_("title"), max_length=300)
    system = models.CharField(_("system"), max_length=10, choices=System.choices)
    issue_type = models.CharField(_("type"), max_length=40, default="Story")
    delivery = models.ForeignKey(
        Delivery,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("delivery"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=TicketStatus.choices, default=TicketStatus.NEW
    )
    status_changed_at = models.DateTimeField(_("status since"), default=timezone.now)
    tester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tested_tickets",
        verbose_name=_("tester"),
    )
    testing_due = models.DateField(_("testing due"), null=True, blank=True)
    business_description = models.TextField(
        _("business description for testing"),
        blank=True,
        help_text=_("What the change does for the user and what to test, in plain words."),
    )
    required_profiles = models.ManyToManyField(
        "access.Profile", blank=True, related_name="+", verbose_name=_("required roles (profiles)")
    )
    source = models.CharField(
        _("source"), max_length=10, choices=TicketSource.choices, default=TicketSource.MANUAL
    )
    routed_at = models.DateTimeField(_("routed to testing"), null=True, blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")

    def __str__(self) -> str:
        return self.key

    def audit_snapshot(self) -> dict[str, Any]:
        data = super().audit_snapshot()
        if self.pk:
            data["required_profiles"] = sorted(p.pk for p in self.required_profiles.all())
        return data


class TicketFlag(TugiModel):
    """A feature flag the ticket needs, with the state it expects in UAT. ``flag`` is filled when a
    flag with ``flag_key`` exists in the ticket's system; the key is kept as the tracker named it."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="flags")
    flag_key = models.CharField(_("flag key"), max_length=100)
    flag = models.ForeignKey(
        "delivery.FeatureFlag",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ticket_expectations",
        verbose_name=_("flag"),
    )
    expected_enabled = models.BooleanField(_("expected enabled"), default=True)

    class Meta:
        ordering = ["ticket", "flag_key"]
        verbose_name = _("ticket flag")
        verbose_name_plural = _("ticket flags")
        constraints = [models.UniqueConstraint(fields=["ticket", "flag_key"], name="ticket_flag_unique")]

    def __str__(self) -> str:
        return f"{self.flag_key}={'on' if self.expected_enabled else 'off'}"


class LinkKind(models.TextChoices):
    TEST_RUN = "test_run", _("test run")
    DEFECT = "defect", _("defect")
    OTHER = "other", _("other")


class DefectSeverity(models.TextChoices):
    CRITICAL = "critical", _("critical")
    HIGH = "high", _("high")
    MEDIUM = "medium", _("medium")
    LOW = "low", _("low")


class TicketLink(TugiModel):
    """A link from a ticket to a test run or a defect. Until the testing area exists, a defect link
    with its severity and open / closed state is the go / no-go's source of defects; a test run
    link with ``passed`` is its evidence of testing."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(_("kind"), max_length=10, choices=LinkKind.choices)
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("link"), max_length=500, blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=DefectSeverity.choices, blank=True)
    is_open = models.BooleanField(_("open"), default=True, help_text=_("For defects: not yet fixed."))
    passed = models.BooleanField(
        _("passed"), null=True, blank=True, help_text=_("For test runs: the result.")
    )
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed off by"),
    )
    signed_off_at = models.DateTimeField(_("signed off"), null=True, blank=True)
    sign_off_note = models.TextField(_("sign-off note"), blank=True)

    class Meta:
        ordering = ["ticket", "kind", "title"]
        verbose_name = _("ticket link")
        verbose_name_plural = _("ticket links")

    def __str__(self) -> str:
        return f"{self.ticket}: {self.title}"


class UatCheck(TugiModel):
    """One UAT readiness check of a ticket: when, by whom, each item's result; kept as evidence.
    A failed check may be overridden with a written reason so the ticket can still be routed."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="uat_checks")
    checked_at = models.DateTimeField(_("checked"), default=timezone.now)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField(_("passed"))
    items = models.JSONField(_("items"), default=list, help_text=_("[{check, ok, detail}]"))
    override_reason = models.TextField(_("override reason"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    overridden_at = models.DateTimeField(_("overridden"), null=True, blank=True)

    class Meta:
        ordering = ["ticket", "-checked_at", "-pk"]
        verbose_name = _("UAT readiness check")
        verbose_name_plural = _("UAT readiness checks")

    def __str__(self) -> str:
        return f"{self.ticket} {self.checked_at:%Y-%m-%d %H:%M}"

    @property
    def allows_routing(self) -> bool:
        return self.passed or bool(self.override_reason)


class Decision(models.TextChoices):
    GO = "go", _("Go")
    NO_GO = "no_go", _("No-go")
    DEFER = "defer", _("Defer")


class GoDecision(TugiModel):
    """The test manager's go / no-go for a production deployment, with the checklist it rested on,
    the accepted risks, an optional co-approval and a frozen release-evidence snapshot."""

    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="decisions")
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    checklist = models.JSONField(_("checklist"), default=list)
    accepted_risks = models.TextField(_("accepted risks"), blank=True)
    note = models.TextField(_("note"), blank=True)
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    co_approval_required = models.BooleanField(_("co-approval required"), default=False)
    co_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("co-approved by"),
    )
    co_approved_at = models.DateTimeField(_("co-approved"), null=True, blank=True)
    evidence = models.JSONField(_("release evidence"), default=dict)
    evidence_sha256 = models.CharField(_("evidence SHA-256"), max_length=64)
    pdf = models.BinaryField(_("PDF"), blank=True, default=b"")

    class Meta:
        ordering = ["delivery", "-decided_at", "-pk"]
        verbose_name = _("go / no-go decision")
        verbose_name_plural = _("go / no-go decisions")
        permissions = [("coapprove_godecision", "Can co-approve go / no-go decisions (head of department)")]

    def __str__(self) -> str:
        return f"{self.delivery}: {self.get_decision_display()}"

    @property
    def is_final(self) -> bool:
        return not self.co_approval_required or self.co_approved_by_id is not None

    def audit_snapshot(self) -> dict[str, Any]:
        """The decision without its PDF and evidence (kept in the row, identified by the hash)."""
        from tugi.core.audit import to_json

        data: dict[str, Any] = {}
        for field in self._meta.concrete_fields:
            if field.name not in ("pdf", "evidence", "updated_at"):
                data[field.name] = getattr(self, field.attname)
        return to_json(data)


class CalendarFeed(TugiModel):
    """A user's secret calendar feed address; regenerating it makes the old address stop working."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="delivery_feed"
    )
    token = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user}"

    def audit_snapshot(self) -> dict[str, Any]:
        data = super().audit_snapshot()
        data["token"] = "****"  # noqa: S105  (the secret is never written to the audit log)
        return data
