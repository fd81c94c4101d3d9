"""What the classifiers area's changes topic adds to the shell: navigation, the "change requests
waiting for my decision" desk card and the search for change requests."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tugi.core.navigation import NavItem, add_nav
from tugi.core.registry import DeskWidget, SearchHit, SearchProvider, registry


def _desk_waiting(request: Any) -> dict[str, Any] | None:
    from tugi.core.permissions import can

    from ..selectors_changes import requests_waiting_for

    if not can(request.user, "classifiers.change_changerequest"):
        return None
    items = list(requests_waiting_for(user=request.user)[:10])
    return {"requests": items} if items else None


def _search(user: Any, query: str) -> list[SearchHit]:
    from ..selectors_changes import search

    return [
        SearchHit(
            f"#{r.pk} {r.title}",
            reverse("classifiers:changes_request_detail", args=[r.pk]),
            _("change request"),
            r.classifier.code,
        )
        for r in search(user=user, query=query)
    ]


def register() -> None:
    registry.add(
        DeskWidget(
            "classifiers-changes-waiting",
            _("Change requests of classifiers waiting for my decision"),
            "classifiers/changes_widget.html",
            _desk_waiting,
            35,
        )
    )
    registry.add(SearchProvider("classifiers-change-requests", _search, order=62))
    add_nav(
        NavItem(
            "classifiers",
            _("Classifiers"),
            _("Change requests"),
            "classifiers:changes_request_list",
            "classifiers.view_changerequest",
            520,
        )
    )
