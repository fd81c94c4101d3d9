"""Testing models: test data scenarios, generation batches and the registry of issued test identities."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tugi.core.models import TugiModel

__all__ = ["GenerationBatch", "IssuedIdentity", "TestDataScenario"]


class TestDataScenario(TugiModel):
    """The people a test needs, as a structured spec (YAML or JSON; see ``services.testdata``)."""

    __test__ = False  # not a pytest test class

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    spec = models.JSONField(_("specification"), default=dict)
    spec_text = models.TextField(_("specification (as written)"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("test data scenario")
        verbose_name_plural = _("test data scenarios")

    def __str__(self) -> str:
        return self.name


class GenerationBatch(TugiModel):
    """One generation of synthetic persons from a scenario."""

    scenario = models.ForeignKey(
        TestDataScenario, on_delete=models.PROTECT, related_name="batches", verbose_name=_("scenario")
    )
    count = models.PositiveIntegerField(_("persons"))
    environment = models.CharField(_("for environment"), max_length=100, blank=True)
    spec = models.JSONField(_("specification used"), default=dict)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("test data batch")
        verbose_name_plural = _("test data batches")

    def __str__(self) -> str:
        return f"#{self.pk} {self.scenario}"


class IssuedIdentity(TugiModel):
    """A personal code issued to a synthetic person: never issued again (unique)."""

    personal_code = models.CharField(_("personal code"), max_length=11, unique=True)
    batch = models.ForeignKey(
        GenerationBatch, on_delete=models.PROTECT, related_name="identities", verbose_name=_("batch")
    )
    person = models.ForeignKey(
        "core.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=1)
    profile = models.JSONField(_("generated records"), default=dict, blank=True)

    class Meta:
        ordering = ["batch", "pk"]
        verbose_name = _("issued test identity")
        verbose_name_plural = _("issued test identities")

    def __str__(self) -> str:
        return self.masked_code

    @property
    def masked_code(self) -> str:
        return f"{self.personal_code[:7]}****"

    def audit_snapshot(self) -> dict[str, Any]:
        data = super().audit_snapshot()
        data["personal_code"] = self.masked_code
        return data
