"""Factories for the classifiers area (synthetic data only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory

from tests.factories import UserFactory
from tugi.classifiers.models import Classifier, ClassifierVersion, ConsumingSystem, Item, VersionStatus


class ClassifierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Classifier

    code = factory.Sequence(lambda n: f"classifier-{n}")
    name_et = factory.Sequence(lambda n: f"Klassifikaator {n}")
    name_en = factory.Sequence(lambda n: f"Classifier {n}")
    owner = factory.SubFactory(UserFactory)


class ConsumingSystemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsumingSystem

    code = factory.Sequence(lambda n: f"consumer-{n}")
    name = factory.Sequence(lambda n: f"Consumer {n}")
    contact_email = factory.LazyAttribute(lambda c: f"{c.code}@consumer.example.com")


def published(
    classifier: Classifier,
    items: list[tuple[str, str]],
    *,
    number: int = 1,
    valid_from: dt.date = dt.date(2024, 1, 1),
    **item_kwargs: Any,
) -> ClassifierVersion:
    """A published version with ``items`` as (code, Estonian name)."""
    version = ClassifierVersion.objects.create(
        classifier=classifier, number=number, status=VersionStatus.PUBLISHED, valid_from=valid_from
    )
    Item.objects.bulk_create(
        [
            Item(version=version, code=code, name_et=name, order=i, **item_kwargs)
            for i, (code, name) in enumerate(items)
        ]
    )
    return version
