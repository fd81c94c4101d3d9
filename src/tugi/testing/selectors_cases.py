"""Reads of test cases: lists, one case with its versions, likely duplicates, export rows."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from tugi.core.selectors import get_restricted

from .models import CaseVersion, Execution, TestCase

#: Titles at least this similar (difflib ratio, case-insensitive) in the same system and module
#: are shown as likely duplicates.
DUPLICATE_RATIO = 0.85

EXPORT_HEADER = [
    "key",
    "title",
    "system",
    "module",
    "priority",
    "tags",
    "automated",
    "automated_name",
    "preconditions",
    "steps",
    "test_data",
    "tickets",
]


def cases(*, user: Any) -> QuerySet[TestCase]:
    return TestCase.objects.restrict(user).select_related("current_version").order_by("key")


def case_get(*, user: Any, pk: Any, action: str = "view") -> TestCase:
    return get_restricted(TestCase.objects.select_related("current_version"), user, action, pk=pk)


def case_by_key(key: str) -> TestCase | None:
    return TestCase.objects.select_related("current_version").filter(key=key).first()


def versions_of(case: TestCase) -> list[CaseVersion]:
    return list(case.versions.select_related("created_by").order_by("-number"))


def executions_of(case: TestCase, limit: int = 100) -> list[Execution]:
    return list(
        case.executions.select_related("run", "run__environment", "case_version", "tester").order_by(
            "-executed_at", "-pk"
        )[:limit]
    )


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def likely_duplicates(
    *, title: str, system: str, module: str, exclude_pk: int | None = None
) -> list[tuple[TestCase, float]]:
    """Cases of the same system and module whose title is similar (ratio ≥ ``DUPLICATE_RATIO``),
    most similar first."""
    wanted = _norm(title)
    if not wanted:
        return []
    qs = TestCase.objects.filter(system=system, module__iexact=(module or "").strip(), active=True)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    found = []
    for case in qs.only("pk", "key", "title"):
        ratio = difflib.SequenceMatcher(None, wanted, _norm(case.title)).ratio()
        if ratio >= DUPLICATE_RATIO:
            found.append((case, round(ratio, 2)))
    return sorted(found, key=lambda p: -p[1])[:10]


def export_rows(qs: Iterable[TestCase]) -> list[list[Any]]:
    """Rows in the import format (header first), so an export can be edited and imported back."""
    from .services.cases import steps_text

    rows: list[list[Any]] = [list(EXPORT_HEADER)]
    for case in qs:
        v = case.current_version
        rows.append(
            [
                case.key,
                case.title,
                case.system,
                case.module,
                case.priority,
                case.tags,
                "yes" if case.automated else "no",
                case.automated_name,
                v.preconditions if v else "",
                steps_text(v.steps) if v else "",
                v.test_data if v else "",
                ", ".join(t.key for t in case.tickets.all()),
            ]
        )
    return rows
