"""The view contract (permissions, create and edit with exactly one audit event, bad input named and
changing nothing, CSV export, query count) for the finance registers with create / edit forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from tests.base import ViewContract
from tests.factories import UserFactory
from tugi.core.roles import Role
from tugi.finance.models import FinanceProblem, Monitor


class TestProblemViews(ViewContract):
    list_url = "finance:problem_list"
    create_url = "finance:problem_create"
    editor_role = Role.FINANCE
    viewer_role = Role.TEST_MANAGER
    create_event = "finance.problem_created"
    update_event = "finance.problem_updated"

    def make(self) -> Any:
        return FinanceProblem.objects.create(
            title="Bank file rejected",
            description="The town was longer than 35 characters.",
            module="bank_files",
            severity="high",
            reported_on=dt.date(2026, 11, 2),
            created_by=UserFactory(),
        )

    def detail_url(self, obj: Any) -> str:
        return reverse("finance:problem_detail", args=[obj.pk])

    def create_data(self) -> dict[str, Any]:
        return {
            "title": "Offset above the cap",
            "description": "A run deducted more than half of a pension.",
            "module": "payments",
            "severity": "critical",
            "reported_on": "2026-11-20",
            "reported_by_name": "Payments team",
        }

    def bad_data(self) -> tuple[dict[str, Any], str]:
        return {**self.create_data(), "module": "no-such-module"}, "module"

    def created(self, data: dict[str, Any]) -> Any:
        return FinanceProblem.objects.filter(title=data["title"])

    def edit_url(self, obj: Any) -> str:
        return reverse("finance:problem_edit", args=[obj.pk])

    def edit_data(self, obj: Any) -> dict[str, Any]:
        return {
            "title": obj.title,
            "description": obj.description,
            "module": obj.module,
            "severity": "critical",
            "reported_on": obj.reported_on.isoformat(),
            "reason": "It stops the whole run",
        }


class TestMonitorViews(ViewContract):
    list_url = "finance:monitor_list"
    create_url = "finance:monitor_create"
    editor_role = Role.FINANCE
    viewer_role = Role.TEST_MANAGER
    create_event = "finance.monitor_created"
    update_event = "finance.monitor_updated"

    def make(self) -> Any:
        owner = UserFactory()
        return Monitor.objects.create(
            code=f"check-{Monitor.objects.count() + 1}",
            name="Negative payments",
            kind="sql",
            sql="SELECT id FROM finance_paymentline WHERE net < 0",
            owner=owner,
            created_by=owner,
        )

    def detail_url(self, obj: Any) -> str:
        return reverse("finance:monitor_detail", args=[obj.pk])

    def create_data(self) -> dict[str, Any]:
        return {
            "code": "zero-payments",
            "name": "Zero payments",
            "description": "Lines to pay with nothing to pay.",
            "kind": "sql",
            "sql": "SELECT id FROM finance_paymentline WHERE status = 'pay' AND net = 0",
            "is_active": "on",
        }

    def bad_data(self) -> tuple[dict[str, Any], str]:
        return {**self.create_data(), "sql": "DELETE FROM finance_paymentline"}, "sql"

    def created(self, data: dict[str, Any]) -> Any:
        return Monitor.objects.filter(code=data["code"])

    def edit_url(self, obj: Any) -> str:
        return reverse("finance:monitor_edit", args=[obj.pk])

    def edit_data(self, obj: Any) -> dict[str, Any]:
        return {
            "code": obj.code,
            "name": "Negative payments (any run)",
            "description": obj.description,
            "kind": obj.kind,
            "sql": obj.sql,
            "is_active": "on",
            "reason": "A clearer name",
        }
