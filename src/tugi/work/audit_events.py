from django.db import models
from django.utils.translation import gettext_lazy as _

from tugi.core.audit import register_event_types


@register_event_types
class WorkEvent(models.TextChoices):
    PARTNER_CREATED = "work.partner_created", _("partner created")
    PARTNER_UPDATED = "work.partner_updated", _("partner updated")
    CONTACT_CREATED = "work.contact_created", _("contact created")
    CONTACT_UPDATED = "work.contact_updated", _("contact updated")
    CONTACT_DELETED = "work.contact_deleted", _("contact deleted")
    CONTACT_SUBSCRIBED = "work.contact_subscribed", _("contact subscribed to a topic")
    CONTACT_UNSUBSCRIBED = "work.contact_unsubscribed", _("contact unsubscribed from a topic")
    GUIDE_CREATED = "work.guide_created", _("guide created")
    GUIDE_UPDATED = "work.guide_updated", _("guide updated")
    GUIDE_REVIEWED = "work.guide_reviewed", _("guide reviewed")
    REQUEST_CREATED = "work.request_created", _("development request created")
    REQUEST_UPDATED = "work.request_updated", _("development request changed")
    REQUEST_STATUS_CHANGED = "work.request_status_changed", _("development request moved to another state")
    REQUEST_SIGNED_OFF = "work.request_signed_off", _("development request signed off by a reviewer")
    REQUEST_COMMENTED = "work.request_commented", _("analytic input added to a development request")
    REQUEST_DELIVERY_LINKED = "work.request_delivery_linked", _("development request linked to a delivery")
    PROPOSAL_CREATED = "work.proposal_created", _("improvement proposal created")
    PROPOSAL_UPDATED = "work.proposal_updated", _("improvement proposal changed")
    PROPOSAL_DECIDED = "work.proposal_decided", _("improvement proposal decided")
    PROPOSAL_GUIDE_LINKED = "work.proposal_guide_linked", _("improvement proposal linked to a guide change")
    TASK_CREATED = "work.task_created", _("task assigned")
    TASK_UPDATED = "work.task_updated", _("task changed")
    TASK_DONE = "work.task_done", _("task done")
    TASK_REOPENED = "work.task_reopened", _("task reopened")
