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
