"""Reads of the classifiers area that every topic uses."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from .models import Classifier, ClassifierVersion, Item, VersionStatus


def version_at(classifier: Classifier, day: dt.date) -> ClassifierVersion | None:
    """The published version valid on ``day`` (valid_to inclusive)."""
    return (
        classifier.versions.filter(status=VersionStatus.PUBLISHED, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("-number")
        .first()
    )


def items_valid_on(version: ClassifierVersion, day: dt.date) -> QuerySet[Item]:
    """Items of ``version`` valid on ``day``: their own validity (inclusive) and not retired by then."""
    return version.items.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )
