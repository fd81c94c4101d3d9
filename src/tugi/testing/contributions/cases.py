"""What test cases add to the shell: the Testing menu's case list and search by key or title."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tugi.core.navigation import NavItem, add_nav
from tugi.core.registry import SearchProvider, registry

from .. import audit_events_cases  # noqa: F401  (registers the event types)


def _search(user: Any, query: str) -> list[Any]:
    from django.db.models import Q
    from django.urls import reverse

    from tugi.core.permissions import can
    from tugi.core.registry import SearchHit

    from ..models import TestCase

    text = query.strip()
    if len(text) < 3 or not can(user, "testing.view_testcase"):
        return []
    found = (
        TestCase.objects.restrict(user)
        .filter(Q(key__iexact=text) | Q(title__icontains=text))
        .order_by("key")[:10]
    )
    return [
        SearchHit(str(c), reverse("testing:case_detail", args=[c.pk]), _("test case"), c.system)
        for c in found
    ]


def register() -> None:
    registry.add(SearchProvider("testing-cases", _search, order=72))
    add_nav(
        NavItem("testing", _("Testing"), _("Test cases"), "testing:case_list", "testing.view_testcase", 510)
    )
