"""Every write of the work area, one module per topic: partners (partners, contacts, their
subscriptions), guides, requests (development requests), proposals (improvement proposals), tasks
(the manager's tasks) and summary (the weekly summary). Every name is re-exported here, so
``from tugi.work import services; services.guide_create(...)`` works for other areas."""

from .guides import (
    GUIDE_FIELDS,
    guide_can_confirm_review,
    guide_create,
    guide_mark_reviewed,
    guide_update,
)
from .partners import (
    CONTACT_FIELDS,
    PARTNER_FIELDS,
    contact_create,
    contact_delete,
    contact_subscribe,
    contact_topics_set,
    contact_unsubscribe,
    contact_update,
    partner_create,
    partner_update,
)
from .proposals import (
    proposal_create,
    proposal_decide,
    proposal_link_guide,
    proposal_to_guide_draft,
    proposal_to_request,
    proposal_update,
)
from .requests import (
    request_comment_add,
    request_create,
    request_link_delivery,
    request_move,
    request_sign_off,
    request_update,
)
from .summary import summary_build, summary_send
from .tasks import task_complete, task_create, task_reminders_send, task_reopen, task_update

__all__ = [
    "CONTACT_FIELDS",
    "GUIDE_FIELDS",
    "PARTNER_FIELDS",
    "contact_create",
    "contact_delete",
    "contact_subscribe",
    "contact_topics_set",
    "contact_unsubscribe",
    "contact_update",
    "guide_can_confirm_review",
    "guide_create",
    "guide_mark_reviewed",
    "guide_update",
    "partner_create",
    "partner_update",
    "proposal_create",
    "proposal_decide",
    "proposal_link_guide",
    "proposal_to_guide_draft",
    "proposal_to_request",
    "proposal_update",
    "request_comment_add",
    "request_create",
    "request_link_delivery",
    "request_move",
    "request_sign_off",
    "request_update",
    "summary_build",
    "summary_send",
    "task_complete",
    "task_create",
    "task_reminders_send",
    "task_reopen",
    "task_update",
]
