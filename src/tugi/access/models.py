"""User rights of the managed systems (STAR, SKAIS): catalogue, profiles and their versions,
accounts, assignments, requests, segregation of duties, recertification and access problems."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tugi.core.models import DatedModel, TugiModel
from tugi.core.querysets import DatedQuerySet


class ManagedSystem(TugiModel):
    """An information system whose rights Tugi manages (STAR, SKAIS, …)."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("managed system")
        verbose_name_plural = _("managed systems")

    def __str__(self) -> str:
        return self.code


class Sensitivity(models.TextChoices):
    NONE = "none", _("ordinary")
    PERSONAL_DATA = "personal_data", _("sees personal data")
    PAYMENTS = "payments", _("approves payments")
    ADMIN = "admin", _("administers the system")


class RightStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    VANISHED = "vanished", _("vanished from the system")


class Right(TugiModel):
    """A function or permission of a managed system (kasutajaõigus)."""

    system = models.ForeignKey(ManagedSystem, on_delete=models.PROTECT, related_name="rights")
    code = models.CharField(_("code"), max_length=100)
    name_et = models.CharField(_("name (Estonian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    module = models.CharField(_("module"), max_length=100, blank=True)
    sensitivity = models.CharField(
        _("sensitivity"), max_length=20, choices=Sensitivity.choices, default=Sensitivity.NONE
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RightStatus.choices, default=RightStatus.ACTIVE
    )
    vanished_on = models.DateField(_("vanished on"), null=True, blank=True)

    class Meta:
        ordering = ["system__code", "code"]
        verbose_name = _("right")
        verbose_name_plural = _("rights")
        constraints = [models.UniqueConstraint(fields=["system", "code"], name="right_system_code_unique")]

    def __str__(self) -> str:
        return f"{self.system.code}:{self.code}"

    @property
    def is_sensitive(self) -> bool:
        return self.sensitivity != Sensitivity.NONE


class ProfileStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ACTIVE = "active", _("active")
    DEPRECATED = "deprecated", _("deprecated")
    RETIRED = "retired", _("retired")


class Profile(TugiModel):
    """A named bundle of rights of one system, which may include other profiles (kasutajaprofiil).

    Its content lives in versions: exactly one approved version is in force at any moment.
    """

    system = models.ForeignKey(ManagedSystem, on_delete=models.PROTECT, related_name="profiles")
    code = models.CharField(_("code"), max_length=100)
    name = models.CharField(_("name"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_profiles",
        verbose_name=_("owner"),
    )
    purpose = models.TextField(_("purpose"), blank=True)
    positions = models.CharField(
        _("job positions"), max_length=500, blank=True, help_text=_("comma-separated")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ProfileStatus.choices, default=ProfileStatus.DRAFT
    )

    class Meta:
        ordering = ["system__code", "code"]
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        constraints = [models.UniqueConstraint(fields=["system", "code"], name="profile_system_code_unique")]

    def __str__(self) -> str:
        return f"{self.system.code}:{self.code}"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PROPOSED = "proposed", _("proposed")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class ProfileVersion(TugiModel):
    """The content of a profile: its rights and included profiles.

    An approved version is in force from ``in_force_from`` until the next approved version's start
    (``in_force_to``, exclusive). A draft profile's draft version is edited in place; a change to an
    active profile is a proposed version that the profile owner approves.
    """

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    rights = models.ManyToManyField(Right, blank=True, related_name="profile_versions")
    includes = models.ManyToManyField(Profile, blank=True, related_name="included_in_versions")
    note = models.TextField(_("change note"), blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    in_force_from = models.DateTimeField(_("in force from"), null=True, blank=True, db_index=True)
    in_force_to = models.DateTimeField(_("in force until"), null=True, blank=True)

    class Meta:
        ordering = ["profile", "-number"]
        verbose_name = _("profile version")
        verbose_name_plural = _("profile versions")
        constraints = [models.UniqueConstraint(fields=["profile", "number"], name="profile_version_unique")]

    def __str__(self) -> str:
        return f"{self.profile} v{self.number}"


class OrgUnitKind(models.TextChoices):
    DEPARTMENT = "department", _("agency department")
    MUNICIPALITY = "municipality", _("municipality")
    PROVIDER = "provider", _("service provider")


class OrgUnit(TugiModel):
    """Where the users of STAR and SKAIS work: an agency department or a municipality."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=OrgUnitKind.choices)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")

    def __str__(self) -> str:
        return self.name


class EmploymentStatus(models.TextChoices):
    ACTIVE = "active", _("employed")
    LEAVER = "leaver", _("left")


class Account(TugiModel):
    """A person who uses STAR or SKAIS, with one login across the managed systems."""

    username = models.CharField(_("user name"), max_length=150, unique=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True)
    employee_id = models.CharField(_("employee id"), max_length=40, blank=True, db_index=True)
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="accounts", verbose_name=_("unit")
    )
    position = models.CharField(_("job position"), max_length=200, blank=True)
    manager = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("manager"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="access_account",
        help_text=_("The Tugi user of this person, if they sign in to Tugi (e.g. to approve)."),
    )
    status = models.CharField(
        _("employment"), max_length=10, choices=EmploymentStatus.choices, default=EmploymentStatus.ACTIVE
    )
    left_on = models.DateField(_("left on"), null=True, blank=True)
    scim_id = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} ({self.username})"


class AssignmentStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    ENDED = "ended", _("ended")
    CANCELLED = "cancelled", _("cancelled before it started")


class AssignmentQuerySet(DatedQuerySet):
    """Dated selection that never counts a cancelled assignment (one that was never to start)."""

    def as_of(self, day: dt.date) -> AssignmentQuerySet:
        return super().as_of(day).exclude(status=AssignmentStatus.CANCELLED)  # type: ignore[return-value]

    def overlapping(self, valid_from: dt.date, valid_to: dt.date | None) -> AssignmentQuerySet:
        return super().overlapping(valid_from, valid_to).exclude(status=AssignmentStatus.CANCELLED)  # type: ignore[return-value]


class Assignment(DatedModel):
    """A profile given to an account for a period (valid_to inclusive; empty = until further notice)."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="assignments")
    profile = models.ForeignKey(Profile, on_delete=models.PROTECT, related_name="assignments")
    justification = models.TextField(_("justification"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=AssignmentStatus.choices, default=AssignmentStatus.ACTIVE
    )
    end_reason = models.CharField(_("end reason"), max_length=200, blank=True)
    needs_review = models.BooleanField(_("needs review"), default=False)
    reminded_on = models.DateField(null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        ordering = ["account", "profile", "-valid_from"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        indexes = [models.Index(fields=["account", "valid_from"])]

    def __str__(self) -> str:
        return f"{self.account.username} → {self.profile}"


class RequestStatus(models.TextChoices):
    PENDING_MANAGER = "pending_manager", _("waits for the manager")
    PENDING_OWNER = "pending_owner", _("waits for the profile owner")
    PENDING_SECURITY = "pending_security", _("waits for security")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    CANCELLED = "cancelled", _("cancelled")


class AccessRequest(TugiModel):
    """A request for a profile, approved in stages: manager, profile owner, security if sensitive."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="requests")
    profile = models.ForeignKey(Profile, on_delete=models.PROTECT, related_name="requests")
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    justification = models.TextField(_("justification"))
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_requests"
    )
    status = models.CharField(_("status"), max_length=20, choices=RequestStatus.choices)
    needs_security = models.BooleanField(default=False)
    sod_result = models.JSONField(_("segregation of duties check"), default=list, blank=True)
    assignment = models.OneToOneField(Assignment, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")

    def __str__(self) -> str:
        return f"{self.account.username} ← {self.profile}"


class Stage(models.TextChoices):
    MANAGER = "manager", _("manager")
    OWNER = "owner", _("profile owner")
    SECURITY = "security", _("security")


class Decision(models.TextChoices):
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


class Approval(models.Model):
    """One stage's decision on a request."""

    request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="approvals")
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    comment = models.TextField(_("comment"), blank=True)
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        ordering = ["decided_at"]
        constraints = [models.UniqueConstraint(fields=["request", "stage"], name="approval_stage_unique")]

    def __str__(self) -> str:
        return f"{self.request} {self.stage}: {self.decision}"


class SodPolicy(TugiModel):
    """Rights or profiles that must not meet in one person (kohustuste lahusus)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    rights_a = models.ManyToManyField(Right, blank=True, related_name="+", verbose_name=_("rights on side A"))
    profiles_a = models.ManyToManyField(
        Profile, blank=True, related_name="+", verbose_name=_("profiles on side A")
    )
    rights_b = models.ManyToManyField(Right, blank=True, related_name="+", verbose_name=_("rights on side B"))
    profiles_b = models.ManyToManyField(
        Profile, blank=True, related_name="+", verbose_name=_("profiles on side B")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("segregation of duties policy")
        verbose_name_plural = _("segregation of duties policies")

    def __str__(self) -> str:
        return self.name


class SodException(DatedModel):
    """A justified, time-limited exception to a policy for one account."""

    policy = models.ForeignKey(SodPolicy, on_delete=models.PROTECT, related_name="exceptions")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="sod_exceptions")
    justification = models.TextField(_("justification"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("segregation of duties exception")
        verbose_name_plural = _("segregation of duties exceptions")

    def __str__(self) -> str:
        return f"{self.policy} / {self.account.username}"


class SodViolation(TugiModel):
    """A policy broken by an account's effective rights, found by a check or the scheduled scan."""

    policy = models.ForeignKey(SodPolicy, on_delete=models.PROTECT, related_name="violations")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="sod_violations")
    detected_at = models.DateTimeField(_("detected"))
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-detected_at"]
        verbose_name = _("segregation of duties violation")
        verbose_name_plural = _("segregation of duties violations")

    def __str__(self) -> str:
        return f"{self.policy} / {self.account.username}"


class ReviewerKind(models.TextChoices):
    MANAGER = "manager", _("the account's manager")
    OWNER = "owner", _("the profile's owner")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class Campaign(TugiModel):
    """A recertification campaign: reviewers confirm or revoke each assignment in scope."""

    name = models.CharField(_("name"), max_length=200)
    system = models.ForeignKey(
        ManagedSystem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    sensitive_only = models.BooleanField(_("sensitive rights only"), default=False)
    reviewer_kind = models.CharField(_("reviewers"), max_length=10, choices=ReviewerKind.choices)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    report = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("recertification campaign")
        verbose_name_plural = _("recertification campaigns")

    def __str__(self) -> str:
        return self.name


class ReviewDecision(models.TextChoices):
    PENDING = "pending", _("pending")
    CONFIRMED = "confirmed", _("confirmed")
    REVOKED = "revoked", _("revoked")


class CampaignItem(TugiModel):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="items")
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(
        _("decision"), max_length=10, choices=ReviewDecision.choices, default=ReviewDecision.PENDING
    )
    comment = models.TextField(_("comment"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["campaign", "assignment"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "assignment"], name="campaign_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campaign}: {self.assignment}"


class ProblemStatus(models.TextChoices):
    NEW = "new", _("new")
    INVESTIGATING = "investigating", _("being investigated")
    FORWARDED = "forwarded", _("forwarded to a partner")
    RESOLVED = "resolved", _("resolved")


class AccessProblem(TugiModel):
    """A reported problem with rights (kasutajaõiguste probleem) and how it was solved."""

    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, null=True, blank=True, related_name="problems"
    )
    system = models.ForeignKey(ManagedSystem, on_delete=models.PROTECT, related_name="+")
    right = models.ForeignKey(Right, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    symptom = models.TextField(_("symptom"))
    explain = models.JSONField(_("explanation at the time"), default=dict, blank=True)
    group_key = models.CharField(_("kind"), max_length=200, db_index=True, blank=True)
    status = models.CharField(
        _("status"), max_length=14, choices=ProblemStatus.choices, default=ProblemStatus.NEW
    )
    resolution = models.TextField(_("resolution"), blank=True)
    partner = models.ForeignKey(
        "work.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner"),
    )
    partner_reference = models.CharField(_("partner's reference"), max_length=100, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("access problem")
        verbose_name_plural = _("access problems")

    def __str__(self) -> str:
        return f"{self.system.code}: {self.symptom[:60]}"
