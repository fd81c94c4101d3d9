"""Audit event types of deliveries, tickets, UAT checks, go / no-go decisions and calendar feeds."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tugi.core.audit import register_event_types


@register_event_types
class DeliveryEvent(models.TextChoices):
    DELIVERY_CREATED = "delivery.delivery_created", _("delivery created")
    DELIVERY_UPDATED = "delivery.delivery_updated", _("delivery changed")
    DELIVERY_STATUS_CHANGED = "delivery.delivery_status_changed", _("delivery status changed")
    DELIVERY_SCHEDULE_CHANGED = "delivery.delivery_schedule_changed", _("delivery schedule changed")
    SIGNOFF_RECORDED = "delivery.signoff_recorded", _("delivery sign-off recorded")
    TICKET_CREATED = "delivery.ticket_created", _("ticket created")
    TICKET_UPDATED = "delivery.ticket_updated", _("ticket changed")
    TICKETS_IMPORTED = "delivery.tickets_imported", _("tickets imported")
    TICKET_STATUS_CHANGED = "delivery.ticket_status_changed", _("ticket status changed")
    TICKET_ROUTED = "delivery.ticket_routed", _("ticket routed to testing")
    TICKET_LINK_ADDED = "delivery.ticket_link_added", _("ticket link added")
    TICKET_LINK_CHANGED = "delivery.ticket_link_changed", _("ticket link changed")
    UAT_CHECKED = "delivery.uat_checked", _("UAT readiness checked")
    UAT_OVERRIDDEN = "delivery.uat_overridden", _("failed UAT readiness check overridden")
    WEEKLY_REVIEW_SENT = "delivery.weekly_review_sent", _("weekly ticket review sent")
    GO_DECIDED = "delivery.go_decided", _("go / no-go recorded")
    GO_COAPPROVED = "delivery.go_coapproved", _("go / no-go co-approved")
    FEED_CREATED = "delivery.feed_created", _("calendar feed address created")
