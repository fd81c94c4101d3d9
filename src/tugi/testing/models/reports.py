"""Testing models: test reports per delivery, trainings and who took part in them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tugi.core.models import TugiModel

__all__ = [
    "Recommendation",
    "ReportStatus",
    "TestReport",
    "Training",
    "TrainingMaterial",
    "TrainingParticipant",
]


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    FINAL = "final", _("final")


class Recommendation(models.TextChoices):
    GO = "go", _("go")
    GO_WITH_RISKS = "go_with_risks", _("go with known risks")
    NO_GO = "no_go", _("no go")


class TestReport(TugiModel):
    """The test report of one delivery, due by an agreed date. While a draft it is computed live from
    the cases, executions and defects; finalising keeps that content in ``snapshot``."""

    __test__ = False  # not a pytest test class

    delivery = models.ForeignKey(
        "delivery.Delivery", on_delete=models.PROTECT, related_name="+", verbose_name=_("delivery")
    )
    due_date = models.DateField(_("due date"), help_text=_("The date agreed for the report."))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    summary = models.TextField(_("summary"), blank=True)
    risks = models.TextField(_("risks"), blank=True, help_text=_("Known risks and open questions."))
    recommendation = models.CharField(
        _("recommendation"), max_length=20, choices=Recommendation.choices, blank=True
    )
    snapshot = models.JSONField(_("content when finalised"), null=True, blank=True, editable=False)
    finalised_at = models.DateTimeField(_("finalised"), null=True, blank=True, editable=False)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("finalised by"),
    )

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("test report")
        verbose_name_plural = _("test reports")
        constraints = [models.UniqueConstraint(fields=["delivery"], name="testing_report_delivery_unique")]

    def __str__(self) -> str:
        return str(_("Test report of %(delivery)s") % {"delivery": self.delivery})

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.status != ReportStatus.FINAL and self.due_date < (today or dt.date.today())

    def audit_snapshot(self) -> dict[str, object]:
        data = super().audit_snapshot()
        data.pop("snapshot", None)  # the generated content is large; the event records the decision
        return data


class Training(TugiModel):
    """A training on testing: a topic, a date, its materials and the people who took part."""

    topic = models.CharField(_("topic"), max_length=200)
    held_on = models.DateField(_("date"))
    description = models.TextField(_("description"), blank=True)
    trainer = models.CharField(_("trainer"), max_length=200, blank=True)

    class Meta:
        ordering = ["-held_on", "topic"]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")

    def __str__(self) -> str:
        return f"{self.topic} ({self.held_on:%d.%m.%Y})"


class TrainingMaterial(TugiModel):
    """A link, or an uploaded file kept by its SHA-256 (``tugi.core.uploads``)."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"), max_length=500, blank=True)
    file_digest = models.CharField(_("file"), max_length=64, blank=True, editable=False)
    file_name = models.CharField(_("file name"), max_length=200, blank=True, editable=False)

    class Meta:
        ordering = ["training", "title"]
        verbose_name = _("training material")
        verbose_name_plural = _("training materials")

    def __str__(self) -> str:
        return self.title


class TrainingParticipant(TugiModel):
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("participant")
    )
    attended = models.BooleanField(_("attended"), default=False)

    class Meta:
        ordering = ["training", "user__username"]
        verbose_name = _("training participant")
        verbose_name_plural = _("training participants")
        constraints = [
            models.UniqueConstraint(fields=["training", "user"], name="testing_training_participant_unique")
        ]

    def __str__(self) -> str:
        return f"{self.training}: {self.user}"
