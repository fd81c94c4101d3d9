"""The shared kernel's tables: persons, audit, personal-data views, API tokens, jobs, notifications."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .querysets import DatedQuerySet, RestrictedQuerySet


class TugiModel(models.Model):
    """Base of every Tugi table: creation and change times and the restricting manager."""

    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True

    def audit_snapshot(self) -> dict[str, Any]:
        """The fields an audit event keeps as before / after (override to hide or add)."""
        from .audit import snapshot

        return snapshot(self)


class DatedModel(TugiModel):
    """A value valid from a date up to and including ``valid_to`` (open-ended when empty)."""

    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = DatedQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        from .periods import check_period

        check_period(self.valid_from, self.valid_to)

    def is_valid_on(self, day: dt.date) -> bool:
        from .periods import covers

        return covers(self.valid_from, self.valid_to, day)


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class Person(TugiModel):
    """A natural person known to Tugi by the Estonian personal code (isikukood).

    The code is never put in a URL: pages and the API address a person by ``uid``.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    personal_code = models.CharField(_("personal code"), max_length=11, unique=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("date of birth"), editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, editable=False)
    date_of_death = models.DateField(_("date of death"), null=True, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        indexes = [models.Index(fields=["last_name", "first_name"])]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def masked_code(self) -> str:
        """The personal code with its serial part hidden, for lists and audit text."""
        return f"{self.personal_code[:7]}****" if self.personal_code else ""

    def audit_snapshot(self) -> dict[str, Any]:
        data = super().audit_snapshot()
        data["personal_code"] = self.masked_code
        return data


class AuditEvent(models.Model):
    """One state change: who, what, on which object, before / after, why, in which request."""

    event_type = models.CharField(_("event type"), max_length=80, db_index=True)
    occurred_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor"), max_length=150)
    object_type = models.CharField(_("object type"), max_length=100, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, db_index=True)
    object_repr = models.CharField(_("object"), max_length=200)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True, db_index=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.event_type} {self.object_repr}"


class PersonalDataView(models.Model):
    """Who looked at whose personal data, for what purpose, when."""

    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="views")
    purpose = models.CharField(_("purpose"), max_length=200)
    channel = models.CharField(_("channel"), max_length=10, default="web")
    request_id = models.CharField(max_length=64, blank=True)
    viewed_at = models.DateTimeField(_("viewed at"), default=timezone.now, db_index=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-viewed_at", "-id"]
        verbose_name = _("personal data view")
        verbose_name_plural = _("personal data views")

    def __str__(self) -> str:
        return f"{self.viewer} {self.viewed_at:%Y-%m-%d %H:%M} {self.purpose}"


class ApiToken(TugiModel):
    """A personal API token; only its SHA-256 is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    owner_field = "user"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    def audit_snapshot(self) -> dict[str, Any]:
        data = super().audit_snapshot()
        data.pop("token_hash", None)
        return data


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    SUCCEEDED = "succeeded", _("succeeded")
    FAILED = "failed", _("failed")


class Job(TugiModel):
    """A background job with progress the browser and the terminal show.

    ``key`` makes a job idempotent: starting the same kind with the same key again returns the
    job that exists (unless it failed), so its effect never doubles.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=80, db_index=True)
    key = models.CharField(_("key"), max_length=200)
    title = models.CharField(_("title"), max_length=200)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    percent = models.PositiveSmallIntegerField(_("progress"), default=0)
    step = models.CharField(_("step"), max_length=200, blank=True)
    message = models.TextField(_("message"), blank=True)
    result = models.JSONField(default=dict, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jobs")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    task_result_id = models.CharField(max_length=64, blank=True)

    owner_field = "actor"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="job_kind_key_unique")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_finished(self) -> bool:
        return self.status in {JobStatus.SUCCEEDED, JobStatus.FAILED}


class WorkerHeartbeat(models.Model):
    """Last sign of life of each worker process (for /readyz)."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=200)
    pid = models.PositiveIntegerField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"


class ScheduledRun(models.Model):
    """When a periodic job was last enqueued, so that one period enqueues it once."""

    name = models.CharField(max_length=100, unique=True)
    last_run_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class Topic(TugiModel):
    """Something people subscribe to, such as `clone-notice` or `mass-calculation`."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.code


class Channel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    IN_APP = "in_app", _("in Tugi")


class UserSubscription(TugiModel):
    """A Tugi user's subscription to a topic."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="user_subscriptions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.IN_APP)

    owner_field = "user"

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["topic", "user", "channel"], name="user_subscription_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.topic}"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class OutboxMessage(TugiModel):
    """An e-mail waiting to go out; delivery retries with growing pauses."""

    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="messages", null=True)
    dedup_key = models.CharField(max_length=200)
    to_email = models.EmailField(_("to"))
    to_name = models.CharField(max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=250)
    body = models.TextField(_("body"))
    html_body = models.TextField(
        _("HTML body"), blank=True, help_text=_("Sent as an HTML alternative when set.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outbox")
        constraints = [models.UniqueConstraint(fields=["dedup_key", "to_email"], name="outbox_dedup_unique")]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to_email}"


class Notification(TugiModel):
    """An in-app notification shown to one user."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, null=True, related_name="+")
    dedup_key = models.CharField(max_length=200)
    subject = models.CharField(_("subject"), max_length=250)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    owner_field = "user"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["dedup_key", "user"], name="notification_dedup_unique")
        ]

    def __str__(self) -> str:
        return self.subject
