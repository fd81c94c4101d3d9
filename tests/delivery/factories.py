"""Factories for the delivery area (synthetic data only).

Environments, readiness checks, clones and flags first; deliveries and tickets follow below.
"""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from tests.factories import UserFactory
from tugi.delivery.models import (
    CheckResult,
    ClonePlan,
    CloneTask,
    CloneTaskKind,
    Environment,
    EnvironmentKind,
    EnvironmentStatus,
    FeatureFlag,
    FlagState,
    ReadinessCheck,
    System,
)


class EnvironmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Environment
        django_get_or_create = ("system", "name")

    system = System.SKAIS
    kind = EnvironmentKind.UAT
    name = factory.LazyAttribute(lambda e: f"{e.system.lower()}-{e.kind}")
    url = factory.LazyAttribute(lambda e: f"https://{e.name}.example.com/")
    health_url = ""
    version_url = ""
    status = EnvironmentStatus.UNKNOWN


class ReadinessCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReadinessCheck

    environment = factory.SubFactory(EnvironmentFactory)
    started_at = factory.LazyFunction(timezone.now)
    finished_at = factory.LazyAttribute(lambda c: c.started_at)
    result = CheckResult.PASSED
    items = factory.LazyFunction(lambda: [{"check": "health", "ok": True, "detail": "HTTP 200"}])


class ClonePlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClonePlan

    date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=7))
    window_start = dt.time(18, 0)
    window_end = dt.time(22, 0)
    systems = factory.LazyFunction(lambda: [System.SKAIS.value])
    notice_days = 5


class CloneTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CloneTask

    clone = factory.SubFactory(ClonePlanFactory)
    kind = CloneTaskKind.OTHER
    title = factory.Sequence(lambda n: f"Follow-up {n}")
    owner = factory.SubFactory(UserFactory)
    due_date = factory.LazyAttribute(lambda t: t.clone.date + dt.timedelta(days=1))


class FeatureFlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeatureFlag
        django_get_or_create = ("system", "key")

    system = System.SKAIS
    key = factory.Sequence(lambda n: f"flag-{n}")
    description = factory.LazyAttribute(lambda f: f"Turns on {f.key}")


class FlagStateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FlagState
        django_get_or_create = ("flag", "environment")

    flag = factory.SubFactory(FeatureFlagFactory)
    environment = factory.SubFactory(EnvironmentFactory, system=factory.SelfAttribute("..flag.system"))
    enabled = True
    variant = ""
    changed_at = factory.LazyFunction(timezone.now)


# --- deliveries, tickets, links (helper E2) -------------------------------------------------------

from tugi.delivery.models import (  # noqa: E402
    Delivery,
    DeliveryDate,
    DeliveryStage,
    Ticket,
    TicketLink,
    TicketStatus,
)


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery
        django_get_or_create = ("system", "version")

    system = System.SKAIS
    version = factory.Sequence(lambda n: f"2026.{n + 1}")
    kind = "planned"
    rollback_plan = "Redeploy the previous images (runbook)."


class DeliveryDateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeliveryDate
        django_get_or_create = ("delivery", "stage")

    delivery = factory.SubFactory(DeliveryFactory)
    stage = DeliveryStage.UAT
    planned_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=2))
    actual_date = factory.LazyAttribute(lambda d: d.planned_date)


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ticket

    key = factory.Sequence(lambda n: f"SKAIS-{1000 + n}")
    title = factory.Sequence(lambda n: f"Change {n}")
    system = System.SKAIS
    status = TicketStatus.READY_FOR_UAT
    business_description = (
        "Kontrolli, et vanaduspensioni uus summa arvutatakse uue indeksiga ja otsuses on uus summa.\n"
        "- ava juhtum\n- arvuta\n- oodatav tulemus: summa on õige"
    )


class TicketLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TicketLink

    ticket = factory.SubFactory(TicketFactory)
    kind = "defect"
    title = factory.Sequence(lambda n: f"Defect {n}")
    severity = "high"
    is_open = True
