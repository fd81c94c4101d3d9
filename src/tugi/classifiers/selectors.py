"""Reads of the classifiers area that every topic uses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

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


# --- for other areas: the data dictionary and a classifier's consumers (used by work's requests) ---


def entities_for_choice() -> QuerySet[Any]:
    """Entities of the managed systems' data dictionary, for a form's choice."""
    from .models import Entity

    return Entity.objects.select_related("system").order_by("system__code", "name")


def attributes_for_choice() -> QuerySet[Any]:
    """Attributes of the data dictionary (with entity, system and classifier), for a form's choice."""
    from .models import Attribute

    return Attribute.objects.select_related("entity__system", "classifier").order_by(
        "entity__system__code", "entity__name", "name"
    )


def classifiers_for_choice() -> QuerySet[Classifier]:
    """Every classifier, by code, for a form's choice."""
    return Classifier.objects.order_by("code")


def classifier_consumers(classifiers: Iterable[Classifier]) -> list[dict[str, Any]]:
    """For each classifier: its consuming systems and the managed systems whose attributes take
    values from it: ``[{"classifier", "consumers": [ConsumingSystem], "systems": ["SKAIS", …]}]``."""
    from .models import Attribute

    result = []
    for classifier in classifiers:
        systems = sorted(
            set(
                Attribute.objects.filter(classifier=classifier).values_list("entity__system__code", flat=True)
            )
        )
        result.append(
            {
                "classifier": classifier,
                "consumers": list(classifier.consumers.order_by("code")),
                "systems": systems,
            }
        )
    return result


def change_requests_waiting_for(user: Any) -> QuerySet[Any]:
    """Submitted change requests of the classifiers ``user`` owns (not the user's own)."""
    from .selectors_changes import requests_waiting_for

    return requests_waiting_for(user=user)


def reviews_overdue_for(user: Any, today: dt.date) -> list[Classifier]:
    """Classifiers ``user`` owns or maintains whose periodic review is overdue on ``today``."""
    from .selectors_classifiers import overdue_ids

    qs = Classifier.objects.filter(Q(owner=user) | Q(maintainer=user))
    return list(Classifier.objects.filter(pk__in=overdue_ids(qs, today)).order_by("code"))
