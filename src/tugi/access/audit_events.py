from django.db import models
from django.utils.translation import gettext_lazy as _

from tugi.core.audit import register_event_types


@register_event_types
class AccessEvent(models.TextChoices):
    SYSTEM_CREATED = "access.system_created", _("managed system created")
    CATALOGUE_IMPORTED = "access.catalogue_imported", _("rights catalogue imported")
    RIGHT_UPDATED = "access.right_updated", _("right updated")
    PROFILE_CREATED = "access.profile_created", _("profile created")
    PROFILE_UPDATED = "access.profile_updated", _("profile details changed")
    PROFILE_STATUS_CHANGED = "access.profile_status_changed", _("profile status changed")
    PROFILE_CONTENT_EDITED = "access.profile_content_edited", _("draft profile content edited")
    PROFILE_CHANGE_PROPOSED = "access.profile_change_proposed", _("profile change proposed")
    PROFILE_CHANGE_APPROVED = "access.profile_change_approved", _("profile change approved")
    PROFILE_CHANGE_REJECTED = "access.profile_change_rejected", _("profile change rejected")
    ORG_UNIT_CREATED = "access.org_unit_created", _("organisation unit created")
    ACCOUNT_CREATED = "access.account_created", _("account created")
    ACCOUNT_UPDATED = "access.account_updated", _("account updated")
    ACCOUNT_LEFT = "access.account_left", _("account holder left")
    ACCOUNT_MOVED = "access.account_moved", _("account holder moved")
    HR_IMPORTED = "access.hr_imported", _("HR file imported")
    ASSIGNMENT_CREATED = "access.assignment_created", _("profile assigned")
    ASSIGNMENT_ENDED = "access.assignment_ended", _("assignment ended")
    ASSIGNMENT_REVIEWED = "access.assignment_reviewed", _("assignment review cleared")
    REQUEST_CREATED = "access.request_created", _("access requested")
    REQUEST_DECIDED = "access.request_decided", _("access request decided")
    REQUEST_CANCELLED = "access.request_cancelled", _("access request cancelled")
    SOD_POLICY_CREATED = "access.sod_policy_created", _("segregation of duties policy created")
    SOD_POLICY_UPDATED = "access.sod_policy_updated", _("segregation of duties policy changed")
    SOD_EXCEPTION_GRANTED = "access.sod_exception_granted", _("segregation of duties exception granted")
    SOD_VIOLATION_FOUND = "access.sod_violation_found", _("segregation of duties violation found")
    SOD_VIOLATION_RESOLVED = "access.sod_violation_resolved", _("segregation of duties violation resolved")
    CAMPAIGN_CREATED = "access.campaign_created", _("recertification campaign created")
    CAMPAIGN_OPENED = "access.campaign_opened", _("recertification campaign opened")
    CAMPAIGN_ITEM_DECIDED = "access.campaign_item_decided", _("assignment recertified")
    CAMPAIGN_CLOSED = "access.campaign_closed", _("recertification campaign closed")
    PROBLEM_REPORTED = "access.problem_reported", _("access problem reported")
    PROBLEM_UPDATED = "access.problem_updated", _("access problem updated")
