"""API of test cases: the list (filter by system, module, tag, ticket, automated) and one case.

No ``from __future__ import annotations``: django-ninja resolves the annotations at import."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from .. import selectors_cases as selectors
from .. import selectors_runs
from ..models import TestCase

router = Router(tags=["testing"])


class CaseOut(Schema):
    id: int
    key: str
    title: str
    system: str
    module: str
    priority: str
    tags: list[str]
    automated: bool
    automated_name: str
    version: int | None
    preconditions: str
    steps: list[dict[str, str]]
    test_data: str
    tickets: list[str]

    @staticmethod
    def resolve_tags(obj: TestCase) -> list[str]:
        return obj.tag_list

    @staticmethod
    def resolve_version(obj: TestCase) -> int | None:
        return obj.current_version.number if obj.current_version else None

    @staticmethod
    def resolve_preconditions(obj: TestCase) -> str:
        return obj.current_version.preconditions if obj.current_version else ""

    @staticmethod
    def resolve_steps(obj: TestCase) -> list[dict[str, str]]:
        return list(obj.current_version.steps or []) if obj.current_version else []

    @staticmethod
    def resolve_test_data(obj: TestCase) -> str:
        return obj.current_version.test_data if obj.current_version else ""

    @staticmethod
    def resolve_tickets(obj: TestCase) -> list[str]:
        return [t.key for t in obj.tickets.all()]


class CaseDetailOut(CaseOut):
    status: str

    @staticmethod
    def resolve_status(obj: TestCase) -> str:
        return selectors_runs.case_status(obj)


@router.get("/cases", response=list[CaseOut], summary="Test cases with their current version")
@paginate(LimitOffsetPagination)
def cases_list(
    request: HttpRequest,
    system: str = "",
    module: str = "",
    tag: str = "",
    ticket: str = "",
    automated: str = "",
) -> Any:
    qs = selectors.cases(user=request.user).prefetch_related("tickets")
    if system:
        qs = qs.filter(system=system.upper())
    if module:
        qs = qs.filter(module__iexact=module)
    if tag:
        qs = qs.filter(tags__icontains=tag)
    if ticket:
        qs = qs.filter(tickets__key__iexact=ticket).distinct()
    if automated in ("true", "1", "yes", "false", "0", "no"):
        qs = qs.filter(automated=automated in ("true", "1", "yes"))
    return qs


@router.get("/cases/{pk}", response=CaseDetailOut, summary="One test case with its rolled-up result")
def case_get(request: HttpRequest, pk: int) -> Any:
    return selectors.case_get(user=request.user, pk=pk)
