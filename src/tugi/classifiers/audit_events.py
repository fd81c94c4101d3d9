from django.db import models
from django.utils.translation import gettext_lazy as _

from tugi.core.audit import register_event_types


@register_event_types
class ClassifierEvent(models.TextChoices):
    CLASSIFIER_CREATED = "classifiers.classifier_created", _("classifier created")
    CLASSIFIER_UPDATED = "classifiers.classifier_updated", _("classifier updated")
    CLASSIFIER_REVIEWED = "classifiers.classifier_reviewed", _("classifier review confirmed")
    CONSUMER_CREATED = "classifiers.consumer_created", _("consuming system created")
    CONSUMER_UPDATED = "classifiers.consumer_updated", _("consuming system updated")
    VERSION_CREATED = "classifiers.version_created", _("draft version created")
    VERSION_PUBLISHED = "classifiers.version_published", _("version published")
    VERSION_UPDATED = "classifiers.version_updated", _("version details changed")
    ITEM_ADDED = "classifiers.item_added", _("item added")
    ITEM_CHANGED = "classifiers.item_changed", _("item changed")
    ITEM_RETIRED = "classifiers.item_retired", _("item retired")
    ITEMS_IMPORTED = "classifiers.items_imported", _("items imported")
    CHANGE_REQUEST_CREATED = "classifiers.change_request_created", _("change request created")
    CHANGE_REQUEST_UPDATED = "classifiers.change_request_updated", _("change request changed")
    CHANGE_REQUEST_SUBMITTED = "classifiers.change_request_submitted", _("change request submitted")
    CHANGE_REQUEST_DECIDED = "classifiers.change_request_decided", _("change request decided")
    CHANGE_REQUEST_PUBLISHED = "classifiers.change_request_published", _("change request published")
    CORRESPONDENCE_IMPORTED = "classifiers.correspondence_imported", _("correspondence table imported")
    DICTIONARY_IMPORTED = "classifiers.dictionary_imported", _("data dictionary imported")
