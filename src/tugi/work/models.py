"""Partner organisations and their contacts, contacts' topic subscriptions, and guides."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tugi.core.models import Topic, TugiModel


class PartnerKind(models.TextChoices):
    AGENCY = "agency", _("agency unit")
    DEVELOPER = "developer", _("developer / IT centre")
    AUTHORITY = "authority", _("state authority")
    REGISTRY = "registry", _("registry")
    BANK = "bank", _("bank")
    MUNICIPALITY = "municipality", _("municipality")
    OTHER = "other", _("other")


class Partner(TugiModel):
    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)
    registry_code = models.CharField(_("registry code"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self) -> str:
        return self.short_name or self.name


class Contact(TugiModel):
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("partner")
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(
        _("role"), max_length=200, help_text=_("e.g. SKAIS product owner, payments contact")
    )
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["partner__name", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(fields=["partner", "email"], name="contact_partner_email_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.partner})"


class ContactSubscription(TugiModel):
    """A partner's contact receives e-mail about a topic."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="subscriptions")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="contact_subscriptions")

    class Meta:
        verbose_name = _("contact subscription")
        verbose_name_plural = _("contact subscriptions")
        constraints = [models.UniqueConstraint(fields=["contact", "topic"], name="contact_topic_unique")]

    def __str__(self) -> str:
        return f"{self.contact} → {self.topic}"


class Area(models.TextChoices):
    GENERAL = "general", _("general")
    ACCESS = "access", _("user rights")
    CLASSIFIERS = "classifiers", _("classifiers")
    PENSIONS = "pensions", _("pensions")
    FINANCE = "finance", _("payments and finance")
    DELIVERY = "delivery", _("deliveries")
    TESTING = "testing", _("testing")
    WORK = "work", _("development requests")


class GuideKind(models.TextChoices):
    GUIDE = "guide", _("guide")
    PROCESS = "process", _("process guide")


class Guide(TugiModel):
    """A guide in Markdown, reviewed by its owner every ``review_interval_days``."""

    slug = models.SlugField(
        _("URL name"),
        max_length=100,
        unique=True,
        help_text=_("Letters, digits and hyphens; used in the guide's address."),
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=GuideKind.choices, default=GuideKind.GUIDE)
    area = models.CharField(_("area"), max_length=20, choices=Area.choices, default=Area.GENERAL)
    body = models.TextField(_("text (Markdown)"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="guides", verbose_name=_("owner")
    )
    review_interval_days = models.PositiveIntegerField(_("review interval (days)"), default=365)
    last_reviewed_on = models.DateField(_("last reviewed"))
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["area", "title"]
        verbose_name = _("guide")
        verbose_name_plural = _("guides")

    def __str__(self) -> str:
        return self.title

    @property
    def review_due_on(self) -> dt.date:
        return self.last_reviewed_on + dt.timedelta(days=self.review_interval_days)

    def is_review_overdue(self, today: dt.date | None = None) -> bool:
        return self.review_due_on < (today or dt.date.today())
