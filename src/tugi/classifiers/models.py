"""Classifiers (code lists) of STAR and SKAIS: versions, items, change requests, correspondences,
consuming systems, and the data dictionary of the managed systems that says where each is used."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tugi.core.models import TugiModel


class ClassifierStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ACTIVE = "active", _("active")
    RETIRED = "retired", _("retired")


class ConsumingSystem(TugiModel):
    """A system that reads classifiers from Tugi (SKAIS, STAR, a municipality's system, …)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    partner = models.ForeignKey(
        "work.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner"),
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consuming_system",
        help_text=_("The user whose read-only API tokens this system uses."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("consuming system")
        verbose_name_plural = _("consuming systems")

    def __str__(self) -> str:
        return self.name


class Classifier(TugiModel):
    """A code list (klassifikaator) with its owner, legal basis and review interval.

    ``attribute_schema`` defines the extra attributes its items carry, as a list of
    ``{"name", "label", "type": "string|integer|decimal|date|boolean", "required": bool,
    "choices": [...]}`` (see ``tugi.classifiers.attributes``).
    """

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name_et = models.CharField(_("name (Estonian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    owner_system = models.ForeignKey(
        "access.ManagedSystem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owning system"),
        help_text=_("Empty: shared by the systems."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_classifiers",
        verbose_name=_("owner"),
    )
    maintainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="maintained_classifiers",
        verbose_name=_("maintainer"),
    )
    legal_basis = models.TextField(_("legal basis"), blank=True)
    consumers = models.ManyToManyField(ConsumingSystem, blank=True, related_name="classifiers")
    review_interval_days = models.PositiveIntegerField(_("review interval (days)"), default=365)
    last_reviewed_on = models.DateField(_("last reviewed"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ClassifierStatus.choices, default=ClassifierStatus.DRAFT
    )
    attribute_schema = models.JSONField(_("extra attributes of items"), default=list, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("classifier")
        verbose_name_plural = _("classifiers")

    def __str__(self) -> str:
        return self.code


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")


class ClassifierVersion(TugiModel):
    """A numbered version. A draft is editable; publishing freezes it: afterwards only names,
    descriptions and validity dates may change (as in SDMX)."""

    classifier = models.ForeignKey(Classifier, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    based_on = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    etag = models.CharField(max_length=64, blank=True, help_text=_("Hash of the content, for HTTP caching."))

    class Meta:
        ordering = ["classifier", "-number"]
        verbose_name = _("classifier version")
        verbose_name_plural = _("classifier versions")
        constraints = [
            models.UniqueConstraint(fields=["classifier", "number"], name="classifier_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.classifier.code} v{self.number}"


class ItemStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    RETIRED = "retired", _("retired")


class Item(models.Model):
    """A code of one version. Items are copied into each new version; a retired code stays in every
    later version with status retired and is never reused or deleted."""

    version = models.ForeignKey(ClassifierVersion, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("code"), max_length=100)
    name_et = models.CharField(_("name (Estonian)"), max_length=500)
    name_en = models.CharField(_("name (English)"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    parent_code = models.CharField(_("parent code"), max_length=100, blank=True)
    level = models.PositiveSmallIntegerField(_("level"), default=1)
    order = models.PositiveIntegerField(_("order"), default=0)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.ACTIVE
    )
    attributes = models.JSONField(_("extra attributes"), default=dict, blank=True)

    class Meta:
        ordering = ["version", "order", "code"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="item_version_code_unique")]
        indexes = [models.Index(fields=["version", "parent_code"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name_et}"


class ChangeRequestStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("waits for the owner")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    PUBLISHED = "published", _("published")


class ChangeRequest(TugiModel):
    """Items to add, change or retire, with a justification; approved by the classifier's owner and
    published on the planned date as a new version."""

    classifier = models.ForeignKey(Classifier, on_delete=models.PROTECT, related_name="change_requests")
    base_version = models.ForeignKey(ClassifierVersion, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    justification = models.TextField(_("justification"))
    planned_publication = models.DateField(_("planned publication"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ChangeRequestStatus.choices, default=ChangeRequestStatus.DRAFT
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(_("decision comment"), blank=True)
    published_version = models.ForeignKey(
        ClassifierVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")

    def __str__(self) -> str:
        return self.title


class Operation(models.TextChoices):
    ADD = "add", _("add")
    CHANGE = "change", _("change")
    RETIRE = "retire", _("retire")


class ChangeOperation(models.Model):
    """One item operation of a change request; ``values`` holds the item fields to set."""

    request = models.ForeignKey(ChangeRequest, on_delete=models.CASCADE, related_name="operations")
    operation = models.CharField(_("operation"), max_length=10, choices=Operation.choices)
    code = models.CharField(_("code"), max_length=100)
    values = models.JSONField(default=dict, blank=True)
    replaced_by = models.CharField(
        _("replaced by"),
        max_length=500,
        blank=True,
        help_text=_("For a retired code: new code(s), comma-separated."),
    )

    class Meta:
        ordering = ["request", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "code"], name="change_operation_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.operation} {self.code}"


class Correspondence(models.Model):
    """Old code → new code between two versions (vastavustabel)."""

    classifier = models.ForeignKey(Classifier, on_delete=models.CASCADE, related_name="correspondences")
    from_version = models.ForeignKey(ClassifierVersion, on_delete=models.CASCADE, related_name="+")
    to_version = models.ForeignKey(ClassifierVersion, on_delete=models.CASCADE, related_name="+")
    old_code = models.CharField(_("old code"), max_length=100)
    new_code = models.CharField(_("new code"), max_length=100)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["from_version", "to_version", "old_code", "new_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_version", "to_version", "old_code", "new_code"], name="correspondence_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.old_code} → {self.new_code}"


class Entity(TugiModel):
    """An entity (table) of a managed system in the data dictionary."""

    system = models.ForeignKey("access.ManagedSystem", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["system", "name"]
        verbose_name = _("entity")
        verbose_name_plural = _("entities")
        constraints = [models.UniqueConstraint(fields=["system", "name"], name="entity_system_name_unique")]

    def __str__(self) -> str:
        return self.name


class Attribute(TugiModel):
    """An attribute (column) of an entity; ``classifier`` says where its values come from."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="attributes")
    name = models.CharField(_("name"), max_length=200)
    data_type = models.CharField(_("type"), max_length=60)
    description = models.TextField(_("description"), blank=True)
    classifier = models.ForeignKey(
        Classifier, on_delete=models.PROTECT, null=True, blank=True, related_name="attributes"
    )
    code_counts = models.JSONField(
        _("records per code"),
        default=dict,
        blank=True,
        help_text=_("How many records hold each code, if known."),
    )

    class Meta:
        ordering = ["entity", "name"]
        verbose_name = _("attribute")
        verbose_name_plural = _("attributes")
        constraints = [
            models.UniqueConstraint(fields=["entity", "name"], name="attribute_entity_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.entity}.{self.name}"
