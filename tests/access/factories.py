"""Factories for the access area (synthetic data only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from tests.factories import UserFactory
from tugi.access.models import (
    Account,
    Assignment,
    ManagedSystem,
    OrgUnit,
    OrgUnitKind,
    Profile,
    ProfileStatus,
    ProfileVersion,
    Right,
    SodPolicy,
    VersionStatus,
)


class SystemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ManagedSystem
        django_get_or_create = ("code",)

    code = "SKAIS"
    name = factory.LazyAttribute(lambda s: f"{s.code} information system")


class RightFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Right

    system = factory.SubFactory(SystemFactory)
    code = factory.Sequence(lambda n: f"R{n:04d}")
    name_et = factory.Sequence(lambda n: f"Õigus {n}")
    name_en = factory.Sequence(lambda n: f"Right {n}")
    module = "pensions"


class ProfileFactory(factory.django.DjangoModelFactory):
    """An active profile whose version 1 (in force since a year ago) holds ``rights`` and ``includes``."""

    class Meta:
        model = Profile
        skip_postgeneration_save = True

    system = factory.SubFactory(SystemFactory)
    code = factory.Sequence(lambda n: f"PROFILE_{n}")
    name = factory.Sequence(lambda n: f"Profiil {n}")
    owner = factory.SubFactory(UserFactory)
    status = ProfileStatus.ACTIVE

    @factory.post_generation
    def content(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create:
            return
        rights = kwargs.get("rights", [])
        includes = kwargs.get("includes", [])
        since = kwargs.get("since", timezone.now() - dt.timedelta(days=365))
        version = ProfileVersion.objects.create(
            profile=self,
            number=1,
            status=VersionStatus.APPROVED if self.status != ProfileStatus.DRAFT else VersionStatus.DRAFT,
            proposed_by=self.owner,
            decided_by=self.owner,
            in_force_from=since if self.status != ProfileStatus.DRAFT else None,
        )
        version.rights.set(rights)
        version.includes.set(includes)


def new_version(
    profile: Profile, *, rights: list[Right], includes: list[Profile] = (), at: dt.datetime
) -> ProfileVersion:  # type: ignore[assignment]
    """Make a new approved version in force from ``at`` (closing the previous one)."""
    current = profile.versions.filter(status=VersionStatus.APPROVED, in_force_to__isnull=True).first()
    if current is not None:
        current.in_force_to = at
        current.save()
    number = (profile.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = ProfileVersion.objects.create(
        profile=profile,
        number=number,
        status=VersionStatus.APPROVED,
        proposed_by=profile.owner,
        decided_by=profile.owner,
        in_force_from=at,
    )
    version.rights.set(rights)
    version.includes.set(list(includes))
    return version


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"unit-{n}")
    name = factory.Sequence(lambda n: f"Osakond {n}")
    kind = OrgUnitKind.DEPARTMENT


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    username = factory.Sequence(lambda n: f"kasutaja{n}")
    first_name = factory.Iterator(["Mari", "Jaan", "Liis", "Toomas"])
    last_name = factory.Iterator(["Tamm", "Saar", "Mägi", "Kask"])
    email = factory.LazyAttribute(lambda a: f"{a.username}@agency.example.com")
    org_unit = factory.SubFactory(OrgUnitFactory)
    position = "spetsialist"


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    account = factory.SubFactory(AccountFactory)
    profile = factory.SubFactory(ProfileFactory)
    valid_from = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=30))
    justification = "needed for the job"
    requested_by = factory.SubFactory(UserFactory)


class SodPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SodPolicy
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"sod-{n}")
    name = factory.Sequence(lambda n: f"Policy {n}")

    @factory.post_generation
    def sides(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            self.rights_a.set(kwargs.get("rights_a", []))
            self.rights_b.set(kwargs.get("rights_b", []))
            self.profiles_a.set(kwargs.get("profiles_a", []))
            self.profiles_b.set(kwargs.get("profiles_b", []))
