"""Partner organisations and their contacts, contacts' topic subscriptions, guides; development
requests with their reviewers and analytic input, improvement proposals, and tasks from the manager."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tugi.core.models import Topic, TugiModel


class PartnerKind(models.TextChoices):
    AGENCY = "agency", _("agency unit")
    DEVELOPER = "developer", _("developer / IT centre")
    AUTHORITY = "authority", _("state authority")
    REGISTRY = "registry", _("registry")
    BANK = "bank", _("bank")
    MUNICIPALITY = "municipality", _("municipality")
    OTHER = "other", _("other")


class Partner(TugiModel):
    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)
    registry_code = models.CharField(_("registry code"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self) -> str:
        return self.short_name or self.name


class Contact(TugiModel):
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("partner")
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(
        _("role"), max_length=200, help_text=_("e.g. SKAIS product owner, payments contact")
    )
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["partner__name", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(fields=["partner", "email"], name="contact_partner_email_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.partner})"


class ContactSubscription(TugiModel):
    """A partner's contact receives e-mail about a topic."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="subscriptions")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="contact_subscriptions")

    class Meta:
        verbose_name = _("contact subscription")
        verbose_name_plural = _("contact subscriptions")
        constraints = [models.UniqueConstraint(fields=["contact", "topic"], name="contact_topic_unique")]

    def __str__(self) -> str:
        return f"{self.contact} → {self.topic}"


class Area(models.TextChoices):
    GENERAL = "general", _("general")
    ACCESS = "access", _("user rights")
    CLASSIFIERS = "classifiers", _("classifiers")
    PENSIONS = "pensions", _("pensions")
    FINANCE = "finance", _("payments and finance")
    DELIVERY = "delivery", _("deliveries")
    TESTING = "testing", _("testing")
    WORK = "work", _("development requests")


class GuideKind(models.TextChoices):
    GUIDE = "guide", _("guide")
    PROCESS = "process", _("process guide")


class Guide(TugiModel):
    """A guide in Markdown, reviewed by its owner every ``review_interval_days``."""

    slug = models.SlugField(
        _("URL name"),
        max_length=100,
        unique=True,
        help_text=_("Letters, digits and hyphens; used in the guide's address."),
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=GuideKind.choices, default=GuideKind.GUIDE)
    area = models.CharField(_("area"), max_length=20, choices=Area.choices, default=Area.GENERAL)
    body = models.TextField(_("text (Markdown)"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="guides", verbose_name=_("owner")
    )
    review_interval_days = models.PositiveIntegerField(_("review interval (days)"), default=365)
    last_reviewed_on = models.DateField(_("last reviewed"))
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["area", "title"]
        verbose_name = _("guide")
        verbose_name_plural = _("guides")

    def __str__(self) -> str:
        return self.title

    @property
    def review_due_on(self) -> dt.date:
        return self.last_reviewed_on + dt.timedelta(days=self.review_interval_days)

    def is_review_overdue(self, today: dt.date | None = None) -> bool:
        return self.review_due_on < (today or dt.date.today())


# --- development requests (lähteülesanded) -------------------------------------------------------


class RequestStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    IN_REVIEW = "in_review", _("in review")
    SUBMITTED = "submitted", _("submitted to the developer")
    ESTIMATED = "estimated", _("estimated")
    IN_DEVELOPMENT = "in_development", _("in development")
    DELIVERED = "delivered", _("delivered")
    VERIFIED = "verified", _("verified")
    CLOSED = "closed", _("closed")
    REJECTED = "rejected", _("rejected")


class Priority(models.TextChoices):
    LOW = "low", _("low")
    NORMAL = "normal", _("normal")
    HIGH = "high", _("high")
    CRITICAL = "critical", _("critical")


class TargetSystem(models.TextChoices):
    SKAIS = "SKAIS", "SKAIS"
    STAR = "STAR", "STAR"
    BOTH = "both", _("SKAIS and STAR")


class Section(models.TextChoices):
    """The sections of a development request's template (analytic input is attached to one)."""

    BACKGROUND = "background", _("Background and problem")
    GOAL = "goal", _("Goal")
    SYSTEM = "system", _("System and modules")
    DATA = "data", _("Affected data")
    RIGHTS = "rights", _("Affected rights")
    BUSINESS_RULES = "business_rules", _("Business rules")
    ACCEPTANCE = "acceptance_criteria", _("Acceptance criteria")
    TESTS = "test_scenarios", _("Test scenarios")
    PLANNING = "planning", _("Priority and desired date")
    LEGAL = "legal_basis", _("Legal basis")


class DevelopmentRequest(TugiModel):
    """A development request (lähteülesanne) to the developers of SKAIS or STAR, in the agreed
    template, from draft through review, estimate, development and delivery to closing."""

    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.DRAFT, db_index=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="development_requests"
    )
    background = models.TextField(_("background and problem"))
    goal = models.TextField(_("goal"))
    system = models.CharField(_("system"), max_length=10, choices=TargetSystem.choices)
    modules = models.CharField(_("modules"), max_length=300, blank=True)
    entities = models.ManyToManyField(
        "classifiers.Entity", blank=True, related_name="+", verbose_name=_("entities")
    )
    attributes = models.ManyToManyField(
        "classifiers.Attribute", blank=True, related_name="+", verbose_name=_("attributes")
    )
    classifiers = models.ManyToManyField(
        "classifiers.Classifier", blank=True, related_name="+", verbose_name=_("classifiers")
    )
    data_notes = models.TextField(_("notes on the data"), blank=True)
    rights = models.ManyToManyField("access.Right", blank=True, related_name="+", verbose_name=_("rights"))
    rights_notes = models.TextField(_("notes on the rights"), blank=True)
    business_rules = models.TextField(_("business rules"), blank=True)
    acceptance_criteria = models.TextField(_("acceptance criteria"), blank=True)
    test_scenarios = models.TextField(_("test scenarios"), blank=True)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    desired_date = models.DateField(_("desired date"), null=True, blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    estimate_days = models.DecimalField(
        _("estimate (person-days)"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    estimate_note = models.TextField(_("estimate note"), blank=True)
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    delivery = models.ForeignKey(
        "delivery.Delivery",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("delivery"),
    )
    status_changed_at = models.DateTimeField(_("status since"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("development request")
        verbose_name_plural = _("development requests")

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    def audit_snapshot(self) -> dict[str, Any]:
        data = super().audit_snapshot()
        if self.pk:
            for name in ("entities", "attributes", "classifiers", "rights"):
                data[name] = sorted(getattr(self, name).values_list("pk", flat=True))
            data["reviewers"] = sorted(self.reviewers.values_list("user_id", flat=True))
        return data


class RequestReviewer(TugiModel):
    """A reviewer chosen for a request; ``signed_off_at`` is set when they sign off in review."""

    request = models.ForeignKey(DevelopmentRequest, on_delete=models.CASCADE, related_name="reviewers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_off_at = models.DateTimeField(_("signed off"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["request", "user__username"]
        verbose_name = _("reviewer")
        verbose_name_plural = _("reviewers")
        constraints = [models.UniqueConstraint(fields=["request", "user"], name="request_reviewer_unique")]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.user}"


class RequestComment(TugiModel):
    """Analytic input: a comment on one section of a request, by anyone who works with requests."""

    request = models.ForeignKey(DevelopmentRequest, on_delete=models.CASCADE, related_name="comments")
    section = models.CharField(_("section"), max_length=30, choices=Section.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["request", "created_at", "pk"]
        verbose_name = _("analytic input")
        verbose_name_plural = _("analytic input")

    def __str__(self) -> str:
        return f"{self.request_id} / {self.section}"


# --- improvement proposals ------------------------------------------------------------------------


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("waits for a decision")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")
    POSTPONED = "postponed", _("postponed")


class ImprovementProposal(TugiModel):
    """A reasoned proposal to improve how work is organised, decided by the chosen decider."""

    title = models.CharField(_("title"), max_length=200)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decider = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decides"),
        help_text=_("Who decides on the proposal (usually the manager)."),
    )
    problem = models.TextField(_("problem"))
    proposal = models.TextField(_("proposal"))
    expected_benefit = models.TextField(_("expected benefit"))
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.OPEN, db_index=True
    )
    decision_reason = models.TextField(_("reasons for the decision"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    request = models.OneToOneField(
        DevelopmentRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposal",
        verbose_name=_("development request"),
    )
    guide = models.ForeignKey(
        Guide, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("guide")
    )
    guide_note = models.TextField(_("guide change"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("improvement proposal")
        verbose_name_plural = _("improvement proposals")

    def __str__(self) -> str:
        return self.title


# --- tasks from the manager ----------------------------------------------------------------------


class Task(TugiModel):
    """A one-off task a manager (its creator) gives to an assignee, with a due date."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="work_tasks",
        verbose_name=_("assignee"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("assigned by")
    )
    due_on = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_note = models.TextField(_("note on completion"), blank=True)

    class Meta:
        ordering = ["done_at", "due_on", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.done_at is None and self.due_on < (today or dt.date.today())
