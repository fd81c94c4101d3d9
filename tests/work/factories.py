"""Factories for the work area's requests, proposals and tasks (synthetic data only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from tests.access.factories import SystemFactory
from tests.factories import UserFactory
from tugi.classifiers.models import Attribute, Entity
from tugi.work.models import DevelopmentRequest, ImprovementProposal, RequestReviewer, Task


class EntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entity

    system = factory.SubFactory(SystemFactory)
    name = factory.Sequence(lambda n: f"entity_{n}")


class AttributeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attribute

    entity = factory.SubFactory(EntityFactory)
    name = factory.Sequence(lambda n: f"attribute_{n}")
    data_type = "varchar(20)"


class DevelopmentRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DevelopmentRequest

    title = factory.Sequence(lambda n: f"Lähteülesanne {n}")
    author = factory.SubFactory(UserFactory)
    background = "Pensioni ümberarvutus ei arvesta uue indeksiga."
    goal = "Ümberarvutus kasutab kehtivat indeksit."
    system = "SKAIS"
    acceptance_criteria = "Uus summa on otsuses õige."
    status_changed_at = factory.LazyFunction(timezone.now)


def with_reviewers(request: DevelopmentRequest, *users: Any, signed: bool = False) -> DevelopmentRequest:
    for user in users:
        RequestReviewer.objects.create(
            request=request, user=user, signed_off_at=timezone.now() if signed else None
        )
    return request


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImprovementProposal

    title = factory.Sequence(lambda n: f"Ettepanek {n}")
    author = factory.SubFactory(UserFactory)
    decider = factory.SubFactory(UserFactory)
    problem = "Kasutajaõiguste taotlused jäävad ootele."
    proposal = "Saata kinnitajale meeldetuletus."
    expected_benefit = "Taotlused lahenevad kiiremini."


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    title = factory.Sequence(lambda n: f"Ülesanne {n}")
    assignee = factory.SubFactory(UserFactory)
    created_by = factory.SubFactory(UserFactory)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=7))
