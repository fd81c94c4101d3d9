"""factory-boy factories for Tugi's models; synthetic data only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from tugi.core.identity import birth_date, make_code, sex
from tugi.core.models import Person, Topic
from tugi.work.models import Contact, Guide, Partner, PartnerKind


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Kasutaja{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@tugi.example.com")
    password = factory.django.Password("correct-horse-battery-staple")

    @factory.post_generation
    def roles(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=[str(r) for r in extracted]))


def _code(n: int) -> str:
    born = dt.date(1950, 1, 1) + dt.timedelta(days=(n * 37) % 20000)
    return make_code(born, "M" if n % 2 else "F", n % 1000)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    personal_code = factory.Sequence(_code)
    first_name = factory.Iterator(["Mari", "Jaan", "Liis", "Toomas"])
    last_name = factory.Iterator(["Tamm", "Saar", "Mägi", "Kask"])
    birth_date = factory.LazyAttribute(lambda p: birth_date(p.personal_code))
    sex = factory.LazyAttribute(lambda p: sex(p.personal_code))


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"topic-{n}")
    name = factory.Sequence(lambda n: f"Topic {n}")


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner {n} OÜ")
    kind = PartnerKind.OTHER


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    partner = factory.SubFactory(PartnerFactory)
    name = factory.Sequence(lambda n: f"Kontakt {n}")
    role = "contact"
    email = factory.Sequence(lambda n: f"contact{n}@partner.example.com")


class GuideFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guide

    slug = factory.Sequence(lambda n: f"guide-{n}")
    title = factory.Sequence(lambda n: f"Juhend {n}")
    body = "## Juhend\n\nSisu."
    owner = factory.SubFactory(UserFactory)
    last_reviewed_on = factory.LazyFunction(dt.date.today)
