"""What the classifiers area's classifiers topic adds to the shell: navigation, the freshness card on
the desk of a classifier's owner or maintainer, and the search for classifiers."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tugi.core.navigation import NavItem, add_nav
from tugi.core.registry import DeskWidget, SearchHit, SearchProvider, registry


def _desk_freshness(request: Any) -> dict[str, Any] | None:
    from tugi.core.permissions import can

    from ..selectors_classifiers import FRESHNESS_CHECKS, freshness_counts, freshness_findings

    if not can(request.user, "classifiers.view_classifier"):
        return None
    findings = freshness_findings(user=request.user, person=request.user)
    if not findings:
        return None
    return {"counts": freshness_counts(findings), "checks": FRESHNESS_CHECKS}


def _search(user: Any, query: str) -> list[SearchHit]:
    from ..selectors_classifiers import classifiers

    qs = classifiers(user=user).filter(
        Q(code__icontains=query) | Q(name_et__icontains=query) | Q(name_en__icontains=query)
    )
    return [
        SearchHit(
            c.code, reverse("classifiers:classifiers_detail", args=[c.code]), _("classifier"), c.name_et
        )
        for c in qs[:8]
    ]


def register() -> None:
    registry.add(
        DeskWidget(
            "classifiers-freshness",
            _("My classifiers to bring up to date"),
            "classifiers/classifiers_widget.html",
            _desk_freshness,
            40,
        )
    )
    registry.add(SearchProvider("classifiers", _search, order=45))
    area = _("Classifiers")
    add_nav(
        NavItem(
            "classifiers",
            area,
            _("Classifiers"),
            "classifiers:classifiers_list",
            "classifiers.view_classifier",
            500,
        )
    )
    add_nav(
        NavItem(
            "classifiers",
            area,
            _("Consuming systems"),
            "classifiers:classifiers_consumer_list",
            "classifiers.view_consumingsystem",
            540,
        )
    )
    add_nav(
        NavItem(
            "classifiers",
            area,
            _("Freshness report"),
            "classifiers:classifiers_freshness",
            "classifiers.view_classifier",
            550,
        )
    )
