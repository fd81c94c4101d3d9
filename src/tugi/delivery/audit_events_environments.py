"""Audit event types of environments, readiness checks, clones and feature flags."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tugi.core.audit import register_event_types


@register_event_types
class EnvironmentEvent(models.TextChoices):
    ENVIRONMENT_CREATED = "delivery.environment_created", _("environment created")
    ENVIRONMENT_UPDATED = "delivery.environment_updated", _("environment changed")
    READINESS_CHECKED = "delivery.readiness_checked", _("readiness check run")
    CLONE_PLANNED = "delivery.clone_planned", _("clone planned")
    CLONE_UPDATED = "delivery.clone_updated", _("clone plan changed")
    CLONE_CANCELLED = "delivery.clone_cancelled", _("clone cancelled")
    CLONE_DONE = "delivery.clone_done", _("clone completed")
    CLONE_NOTICE_SENT = "delivery.clone_notice_sent", _("clone notice sent")
    CLONE_TASK_DONE = "delivery.clone_task_done", _("clone follow-up task done")
    CLONE_TASK_UPDATED = "delivery.clone_task_updated", _("clone follow-up task changed")
    FLAG_CREATED = "delivery.flag_created", _("feature flag created")
    FLAG_UPDATED = "delivery.flag_updated", _("feature flag changed")
    FLAG_STATE_CHANGED = "delivery.flag_state_changed", _("feature flag state changed")
