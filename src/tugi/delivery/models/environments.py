"""Environments, readiness checks, clone schedule and feature flags."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tugi.core.models import TugiModel

__all__ = [
    "KIND_ORDER",
    "CheckResult",
    "ClonePlan",
    "ClonePlanEnvironment",
    "CloneStatus",
    "CloneTask",
    "CloneTaskKind",
    "Environment",
    "EnvironmentKind",
    "EnvironmentStatus",
    "FeatureFlag",
    "FlagState",
    "ReadinessCheck",
    "System",
]


class System(models.TextChoices):
    """The managed systems whose deliveries Tugi coordinates.

    The values are the codes of the access area's managed systems, so that a delivery of a
    system can be joined with that system's profiles and test accounts.
    """

    SKAIS = "SKAIS", "SKAIS"
    STAR = "STAR", "STAR"


class EnvironmentKind(models.TextChoices):
    DEV = "dev", _("development")
    TEST = "test", _("test")
    UAT = "uat", _("UAT (pre-production)")
    PROD = "prod", _("production")


#: Order of environment kinds along the delivery path (for sorting boards and timelines).
KIND_ORDER = {
    EnvironmentKind.DEV: 0,
    EnvironmentKind.TEST: 1,
    EnvironmentKind.UAT: 2,
    EnvironmentKind.PROD: 3,
}


class EnvironmentStatus(models.TextChoices):
    READY = "ready", _("ready")
    DEGRADED = "degraded", _("degraded")
    DOWN = "down", _("down")
    MAINTENANCE = "maintenance", _("maintenance")
    UNKNOWN = "unknown", _("unknown")


class Environment(TugiModel):
    """One installation of a system: dev, test, UAT (pre-production) or production."""

    system = models.CharField(_("system"), max_length=10, choices=System.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=EnvironmentKind.choices)
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), blank=True)
    health_url = models.URLField(
        _("health URL"), blank=True, help_text=_("Answers HTTP 200 when the environment works.")
    )
    version_url = models.URLField(
        _("version URL"),
        blank=True,
        help_text=_('Answers the deployed version as text or as JSON {"version": "…"}.'),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_environments",
        verbose_name=_("owner"),
    )
    last_clone_date = models.DateField(_("last cloned"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=EnvironmentStatus.choices, default=EnvironmentStatus.UNKNOWN
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["system", "kind", "name"]
        verbose_name = _("environment")
        verbose_name_plural = _("environments")
        constraints = [
            models.UniqueConstraint(fields=["system", "name"], name="environment_system_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.system} {self.name}"

    @property
    def kind_order(self) -> int:
        return KIND_ORDER.get(EnvironmentKind(self.kind), 9)


class CheckResult(models.TextChoices):
    PASSED = "passed", _("ready")
    WARNING = "warning", _("ready with warnings")
    FAILED = "failed", _("not ready")


class ReadinessCheck(TugiModel):
    """One run of the readiness checks of an environment, kept as history.

    ``items`` is a list of ``{"check": str, "ok": bool, "detail": str}`` (plus ``"warning": true``
    for an item that does not make the environment unready, e.g. nothing to compare against).
    """

    environment = models.ForeignKey(
        Environment, on_delete=models.CASCADE, related_name="readiness_checks", verbose_name=_("environment")
    )
    delivery = models.ForeignKey(
        "delivery.Delivery",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="readiness_checks",
        verbose_name=_("delivery"),
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=CheckResult.choices)
    items = models.JSONField(_("checks"), default=list, blank=True)
    version_found = models.CharField(_("version found"), max_length=100, blank=True)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("triggered by"),
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("readiness check")
        verbose_name_plural = _("readiness checks")
        indexes = [models.Index(fields=["environment", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.environment} {self.started_at:%Y-%m-%d %H:%M} {self.result}"

    @property
    def ok(self) -> bool:
        return self.result != CheckResult.FAILED


class CloneStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


def _default_notice_days() -> int:
    return int(getattr(settings, "TUGI_CLONE_NOTICE_DAYS", 5))


class ClonePlan(TugiModel):
    """A planned clone of pre-production (UAT) from production, with its notices."""

    date = models.DateField(_("date"))
    window_start = models.TimeField(_("window starts"))
    window_end = models.TimeField(_("window ends"))
    systems = models.JSONField(_("systems"), default=list, help_text=_("codes of the systems cloned"))
    targets = models.ManyToManyField(
        Environment,
        through="ClonePlanEnvironment",
        through_fields=("clone", "target"),
        related_name="clone_plans",
        verbose_name=_("target environments"),
    )
    affected_partners = models.ManyToManyField(
        "work.Partner", blank=True, related_name="+", verbose_name=_("affected partners")
    )
    affected_parties = models.TextField(
        _("other affected parties"), blank=True, help_text=_("Teams or people not in the partner register.")
    )
    notice_emails = models.TextField(
        _("notice e-mails"), blank=True, help_text=_("Extra addresses that get the notices, one per line.")
    )
    notice_days = models.PositiveSmallIntegerField(
        _("notice days ahead"),
        default=_default_notice_days,
        validators=[MinValueValidator(0), MaxValueValidator(60)],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CloneStatus.choices, default=CloneStatus.PLANNED
    )
    notes = models.TextField(_("notes"), blank=True)
    notice_sent_at = models.DateTimeField(_("advance notice sent"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    completion_notice_sent_at = models.DateTimeField(_("completion notice sent"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        ordering = ["-date", "-window_start"]
        verbose_name = _("clone plan")
        verbose_name_plural = _("clone plans")

    def __str__(self) -> str:
        return f"{_('Clone')} {self.date:%Y-%m-%d} {', '.join(self.systems or [])}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        super().clean()
        errors: dict[str, Any] = {}
        if self.window_start and self.window_end and self.window_end <= self.window_start:
            errors["window_end"] = _("The window must end after it starts.")
        unknown = [s for s in (self.systems or []) if s not in System.values]
        if not self.systems:
            errors["systems"] = _("Choose at least one system.")
        elif unknown:
            errors["systems"] = _("Unknown system: %(codes)s") % {"codes": ", ".join(map(str, unknown))}
        if errors:
            raise ValidationError(errors)


class ClonePlanEnvironment(models.Model):
    """A target environment of a clone and the production environment it is copied from."""

    clone = models.ForeignKey(ClonePlan, on_delete=models.CASCADE, related_name="target_links")
    target = models.ForeignKey(Environment, on_delete=models.PROTECT, related_name="+")
    source = models.ForeignKey(Environment, on_delete=models.PROTECT, related_name="+", null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["clone", "target"], name="clone_target_unique")]

    def __str__(self) -> str:
        return f"{self.source or '?'} → {self.target}"


class CloneTaskKind(models.TextChoices):
    PSEUDONYMISE = "pseudonymise", _("Re-pseudonymise personal data")
    TEST_ACCOUNTS = "test_accounts", _("Re-create test accounts")
    FLAGS = "flags", _("Re-apply feature flags")
    READINESS = "readiness", _("Re-run readiness checks")
    OTHER = "other", _("Other")


class CloneTask(TugiModel):
    """A follow-up task after a clone, with its owner and due date."""

    clone = models.ForeignKey(
        ClonePlan, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("clone")
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=CloneTaskKind.choices, default=CloneTaskKind.OTHER
    )
    title = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="clone_tasks",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["clone", "due_date", "id"]
        verbose_name = _("clone follow-up task")
        verbose_name_plural = _("clone follow-up tasks")

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class FeatureFlag(TugiModel):
    """A feature flag of a system; its state is kept per environment (``FlagState``)."""

    system = models.CharField(_("system"), max_length=10, choices=System.choices)
    key = models.SlugField(_("key"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    tickets = models.ManyToManyField(
        "delivery.Ticket", blank=True, related_name="linked_flags", verbose_name=_("linked tickets")
    )
    archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        ordering = ["system", "key"]
        verbose_name = _("feature flag")
        verbose_name_plural = _("feature flags")
        constraints = [models.UniqueConstraint(fields=["system", "key"], name="flag_system_key_unique")]

    def __str__(self) -> str:
        return f"{self.system}:{self.key}"


class FlagState(TugiModel):
    """The state of a flag in one environment (absent row = not set there, i.e. off)."""

    flag = models.ForeignKey(
        FeatureFlag, on_delete=models.CASCADE, related_name="states", verbose_name=_("flag")
    )
    environment = models.ForeignKey(
        Environment, on_delete=models.CASCADE, related_name="flag_states", verbose_name=_("environment")
    )
    enabled = models.BooleanField(_("enabled"), default=False)
    variant = models.CharField(
        _("variant / value"),
        max_length=200,
        blank=True,
        help_text=_("Optional string value served instead of the on / off state."),
    )
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )

    class Meta:
        ordering = ["flag", "environment"]
        verbose_name = _("flag state")
        verbose_name_plural = _("flag states")
        constraints = [models.UniqueConstraint(fields=["flag", "environment"], name="flag_state_unique")]

    def __str__(self) -> str:
        return f"{self.flag} @ {self.environment.name}: {'on' if self.enabled else 'off'}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        super().clean()
        if self.flag_id and self.environment_id and self.flag.system != self.environment.system:
            raise ValidationError(
                {"environment": _("The environment belongs to another system than the flag.")}
            )
