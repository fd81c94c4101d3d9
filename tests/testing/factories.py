"""Factories for the testing area (synthetic data only).

Cases, versions, plans, runs and executions first; other topics append their factories below.
"""

from __future__ import annotations

from typing import Any

import factory
from django.utils import timezone

from tests.delivery.factories import DeliveryFactory, TicketFactory  # noqa: F401
from tests.factories import UserFactory
from tugi.testing.models import (
    CasePriority,
    CaseVersion,
    Execution,
    ExecutionSource,
    ExecutionStatus,
    RunCase,
    RunStatus,
    TestCase,
    TestPlan,
    TestRun,
    TestSystem,
)


class TestCaseFactory(factory.django.DjangoModelFactory):
    """A case with its first version (``version`` kwargs: ``steps=[...]`` etc. via ``version__``)."""

    __test__ = False

    class Meta:
        model = TestCase
        skip_postgeneration_save = True

    key = factory.Sequence(lambda n: f"TC-{n + 1}")
    title = factory.Sequence(lambda n: f"Pension application is saved {n}")
    system = TestSystem.SKAIS
    module = "pensions"
    priority = CasePriority.MEDIUM
    tags = ""
    automated = False
    automated_name = ""

    @factory.post_generation
    def version(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create or extracted is False:
            return
        v = CaseVersion.objects.create(
            case=self,
            number=1,
            preconditions=kwargs.get("preconditions", "A user with the pension specialist role."),
            steps=kwargs.get("steps", [{"action": "Open the application", "expected": "The form opens"}]),
            test_data=kwargs.get("test_data", ""),
            created_by=kwargs.get("created_by"),
        )
        self.current_version = v
        self.save(update_fields=["current_version"])

    @factory.post_generation
    def tickets(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.tickets.set(extracted)


class CaseVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseVersion

    case = factory.SubFactory(TestCaseFactory, version=False)
    number = factory.Sequence(lambda n: n + 1)
    preconditions = ""
    steps = factory.LazyFunction(lambda: [{"action": "Do it", "expected": "It works"}])
    test_data = ""


class TestPlanFactory(factory.django.DjangoModelFactory):
    __test__ = False

    class Meta:
        model = TestPlan
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Plan {n}")
    delivery = factory.SubFactory(DeliveryFactory)

    @factory.post_generation
    def cases(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.cases.set(extracted)


class TestRunFactory(factory.django.DjangoModelFactory):
    """A run; ``cases=[...]`` adds run cases."""

    __test__ = False

    class Meta:
        model = TestRun
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Run {n}")
    plan = factory.SubFactory(TestPlanFactory)
    environment = None
    environment_name = "skais-uat"
    version = "1.0"
    status = RunStatus.IN_PROGRESS

    @factory.post_generation
    def cases(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            for case in extracted:
                RunCase.objects.get_or_create(run=self, case=case)


class RunCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RunCase

    run = factory.SubFactory(TestRunFactory)
    case = factory.SubFactory(TestCaseFactory)
    assignee = None


class ExecutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Execution

    run = factory.SubFactory(TestRunFactory)
    case = factory.SubFactory(TestCaseFactory)
    case_version = factory.LazyAttribute(lambda e: e.case.current_version)
    status = ExecutionStatus.PASSED
    tester = factory.SubFactory(UserFactory)
    executed_at = factory.LazyFunction(timezone.now)
    comment = ""
    source = ExecutionSource.MANUAL


# --- defects and JUnit imports (T2) ---


class DefectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "testing.Defect"
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Pension amount is wrong {n}")
    severity = "medium"
    priority = "medium"
    status = "new"
    reported_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def tickets(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.tickets.set(extracted)


# --- test reports and trainings (T3) ---


class TestReportFactory(factory.django.DjangoModelFactory):
    __test__ = False

    class Meta:
        model = "testing.TestReport"

    delivery = factory.SubFactory(DeliveryFactory)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timezone.timedelta(days=3))
    owner = factory.SubFactory(UserFactory)
    status = "draft"


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "testing.Training"

    topic = factory.Sequence(lambda n: f"Exploratory testing {n}")
    held_on = factory.LazyFunction(lambda: timezone.localdate() - timezone.timedelta(days=7))


class TrainingParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "testing.TrainingParticipant"

    training = factory.SubFactory(TrainingFactory)
    user = factory.SubFactory(UserFactory)
    attended = True
