"""Reads of test data: scenarios, generated batches and the registry of issued test identities."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from tugi.core.selectors import get_restricted

from .models import GenerationBatch, IssuedIdentity, TestDataScenario


def scenarios(*, user: Any) -> QuerySet[TestDataScenario]:
    qs: QuerySet[TestDataScenario] = TestDataScenario.objects.restrict(user)
    return qs.annotate(batch_count=Count("batches")).order_by("name")


def scenario_get(*, user: Any, pk: int, action: str = "view") -> TestDataScenario:
    return get_restricted(TestDataScenario.objects.all(), user, action, pk=pk)


def batches(*, user: Any, scenario: TestDataScenario | None = None) -> QuerySet[GenerationBatch]:
    qs = GenerationBatch.objects.restrict(user).select_related("scenario", "created_by")
    return qs.filter(scenario=scenario) if scenario is not None else qs


def batch_get(*, user: Any, pk: int) -> GenerationBatch:
    return get_restricted(GenerationBatch.objects.select_related("scenario"), user, pk=pk)


def batch_identities(*, batch: GenerationBatch) -> QuerySet[IssuedIdentity]:
    return batch.identities.select_related("person").order_by("pk")


def issued_count() -> int:
    return IssuedIdentity.objects.count()
